// Every page of the web app, in the states a person meets it (empty, with errors, after saving),
// passes axe-core's WCAG 2.2 AA rules (wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) at desktop
// width (1280 pixels) and on a 375-pixel phone, and fits both: nothing cut off and nothing
// scrolling sideways. The ids in the addresses come from the demo organisation through the JSON
// API and the pages' own links. One server and one chromium for the whole file; each page is a
// test of its own, so a report names every page that fails, with axe's own words.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  apiGet, apiSend, apiSignIn, checkAxe, checkNarrow, chooseFile, DEMO, isoToday, launchChromium,
  startServer,
} from './harness.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

let server;
let browsers;
let page;
let signedInAs = null;
// The demo's District Nursing team and its measures (by name), found in before().
const ids = {};

before(async () => {
  server = await startServer();
  browsers = await launchChromium();
  ({ page } = await browsers.newContext({ viewport: DESKTOP }));
  await as(DEMO.member);
  const session = await apiGet(page, `${server.url}/api/v1/session`);
  ids.team = session.teams[0].id;
  const { measures } = await apiGet(page, `${server.url}/api/v1/measures?team=${ids.team}`);
  const byName = (start) => {
    const found = measures.find((m) => m.name.startsWith(start));
    assert.ok(found, `District Nursing has a measure "${start}…"`);
    return found.id;
  };
  ids.count = byName('Pressure ulcers'); // c chart, monthly, lower is better
  ids.proportion = byName('Visits not completed'); // p chart, daily: a long table
  ids.individual = byName('Caseload per'); // XmR chart, weekly
});

after(async () => {
  await browsers?.close();
  await server?.stop();
});

// Signs in as `email` (null: signed out) unless that person is signed in already.
async function as(email) {
  if (signedInAs === email) return;
  await page.context().clearCookies();
  if (email) await apiSignIn(page, server.url, email);
  signedInAs = email;
}

async function visit(path, status = 200) {
  const response = await page.goto(`${server.url}${path}`);
  assert.equal(response.status(), status, `GET ${path}`);
}

// Submits the page's form with the button named `button` and waits for the answer.
async function submit(button, status) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' &&
      r.request().isNavigationRequest()),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  if (status !== undefined) {
    // A redirect's answer is the page it leads to.
    const final = (await response.request().redirectedTo()?.response()) ?? response;
    assert.equal(final.status(), status, `after "${button}"`);
  }
}

// The checks of one page, in the state it is in now: axe and fit at desktop width, then at 375
// pixels. Every problem is collected, so one run names them all.
async function checkPage() {
  const problems = [];
  const attempt = async (what, check) => {
    try {
      await check();
    } catch (error) {
      problems.push(`${what}: ${error.message}`);
    }
  };
  await page.setViewportSize(DESKTOP);
  await attempt('desktop axe', () => checkAxe(page));
  await attempt('desktop fit', () => checkNarrow(page, DESKTOP));
  await attempt('phone fit', () => checkNarrow(page, PHONE));
  await attempt('phone, boxes scrolling sideways', () => noSidewaysBoxes());
  await attempt('phone axe', () => checkAxe(page));
  await page.setViewportSize(DESKTOP);
  if (problems.length > 0) throw new Error(problems.join('\n\n'));
}

// On a phone even a box that scrolls by itself (a wide table in .es-table-scroll) hides part of
// the page off to the right: none may need to.
async function noSidewaysBoxes() {
  const scrolling = await page.evaluate(() => Array.from(document.body.querySelectorAll('*'))
    .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) &&
      el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ` +
      `(${el.scrollWidth}px of content in ${el.clientWidth}px)`));
  assert.deepEqual(scrolling, [], `boxes that scroll sideways at ${PHONE.width}px`);
}

async function hasErrorSummary() {
  assert.ok(await page.locator('.nhsuk-error-summary').isVisible(), 'an error summary is shown');
}

// ---- Signed out.

test('sign in', async () => {
  await as(null);
  await visit('/sign-in');
  await checkPage();
});

test('sign in, with errors', async () => {
  await as(null);
  await visit('/sign-in');
  await submit('Sign in', 422);
  await hasErrorSummary();
  await checkPage();
});

test('sign in, wrong password', async () => {
  await as(null);
  await visit('/sign-in');
  await page.fill('#email', DEMO.member);
  await page.fill('#password', 'not the password');
  await submit('Sign in', 401);
  await hasErrorSummary();
  await checkPage();
});

test('page not found, signed out', async () => {
  await as(null);
  await visit('/no-such-page', 404);
  await checkPage();
});

// ---- A District Nursing team member.

test('home', async () => {
  await as(DEMO.member);
  await visit('/');
  await checkPage();
});

test('team', async () => {
  await as(DEMO.member);
  await visit(`/teams/${ids.team}`);
  assert.ok(await page.locator('.es-chart svg').count() > 0, 'the team page has charts');
  await checkPage();
});

test('measure: c chart', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.count}`);
  await checkPage();
});

// (Not ?all=1 too: the same markup with 500 rows, on which axe alone takes 11 s on two cores.)
test('measure: p chart, daily', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.proportion}`);
  await checkPage();
});

test('add a figure (with a denominator)', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.proportion}/add`);
  assert.ok(await page.locator('#denominator').isVisible());
  await checkPage();
});

test('add a figure, with errors', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.proportion}/add`);
  await page.fill('#period-day', '31');
  await page.fill('#period-month', '2');
  await page.fill('#value', '');
  await page.fill('#denominator', 'lots');
  await submit('Continue', 422);
  await hasErrorSummary();
  await checkPage();
});

test('check your figure', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.individual}/add`);
  const [year, month, day] = isoToday().split('-');
  await page.fill('#period-day', String(Number(day)));
  await page.fill('#period-month', String(Number(month)));
  await page.fill('#period-year', year);
  await page.fill('#value', '43.5');
  await submit('Continue', 200);
  await page.getByRole('heading', { name: /Check your figure/ }).waitFor();
  await checkPage();
});

test('measure after saving a figure (success banner)', async () => {
  await as(DEMO.member);
  // Carries on from the check page when that test ran; otherwise saves a figure through the API.
  if (await page.getByRole('button', { name: 'Save figure' }).count() > 0) {
    await submit('Save figure', 200);
  } else {
    await visit(`/measures/${ids.individual}?added=${isoToday()}`);
  }
  await page.locator('.nhsuk-notification-banner--success').waitFor();
  await checkPage();
});

test('correct a figure', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.individual}`);
  await page.getByRole('link', { name: /^Correct/ }).first().click();
  await page.waitForURL(/\/correct\?period=/);
  await checkPage();
});

test('correct a figure, with errors', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.individual}`);
  await page.getByRole('link', { name: /^Correct/ }).first().click();
  await page.waitForURL(/\/correct\?period=/);
  await page.fill('#value', 'forty');
  await submit('Save correction', 422);
  await hasErrorSummary();
  await checkPage();
});

test('alerts, with a special-cause alert', async () => {
  await as(DEMO.member);
  // A far-out count of pressure ulcers (lower is better): special cause for concern.
  const response = await apiSend(page, 'POST',
    `${server.url}/api/v1/measures/${ids.count}/observations`, { period: isoToday(), value: 80 });
  assert.equal(response.status(), 201, await response.text());
  await visit('/alerts');
  assert.match(await page.locator('main').innerText(), /special cause/i);
  await checkPage();
});

test('home, with a new alert', async () => {
  await as(DEMO.member);
  await visit('/');
  assert.match(await page.locator('main').innerText(), /See all alerts/);
  await checkPage();
});

test('you cannot do this (a team member may not annotate)', async () => {
  await as(DEMO.member);
  await visit(`/measures/${ids.count}/annotate`, 403);
  await checkPage();
});

test('page not found, signed in', async () => {
  await as(DEMO.member);
  await visit(`/measures/999999`, 404);
  await checkPage();
});

test('measure with phases (a rebase), for Reception', async () => {
  await as(DEMO.receptionist);
  const session = await apiGet(page, `${server.url}/api/v1/session`);
  const { measures } = await apiGet(page,
    `${server.url}/api/v1/measures?team=${session.teams[0].id}`);
  const calls = measures.find((m) => m.name.startsWith('Calls answered'));
  assert.ok(calls, 'Reception has "Calls answered within 2 minutes"');
  await visit(`/measures/${calls.id}`);
  assert.ok(await page.getByRole('table', { name: 'Phases' }).count() > 0, 'a table of phases');
  await checkPage();
});

test('home, for the chief executive (every team below)', async () => {
  await as(DEMO.chiefExecutive);
  await visit('/');
  await checkPage();
});

// ---- The District Nursing team lead.

test('team, for its lead (with "Add a measure")', async () => {
  await as(DEMO.lead);
  await visit(`/teams/${ids.team}`);
  assert.ok(await page.getByRole('link', { name: 'Add a measure' }).count() > 0);
  await checkPage();
});

test('annotate a measure', async () => {
  await as(DEMO.lead);
  await visit(`/measures/${ids.count}/annotate`);
  await checkPage();
});

test('annotate a measure, with errors', async () => {
  await as(DEMO.lead);
  await visit(`/measures/${ids.count}/annotate`);
  await submit('Add annotation', 422);
  await hasErrorSummary();
  await checkPage();
});

test('new measure', async () => {
  await as(DEMO.lead);
  await visit(`/teams/${ids.team}/measures/new`);
  await checkPage();
});

test('new measure, with errors', async () => {
  await as(DEMO.lead);
  await visit(`/teams/${ids.team}/measures/new`);
  await page.locator('form[action$="/measures/new"] button[type=submit]').click();
  await page.waitForLoadState('load');
  await hasErrorSummary();
  await checkPage();
});

test('change a measure\'s definition', async () => {
  await as(DEMO.lead);
  await visit(`/measures/${ids.count}/edit`);
  await checkPage();
});

test('admin, as a team lead', async () => {
  await as(DEMO.lead);
  await visit('/admin');
  await checkPage();
});

test('API tokens', async () => {
  await as(DEMO.lead);
  await visit('/admin/tokens');
  await checkPage();
});

test('API tokens, a token just issued', async () => {
  await as(DEMO.lead);
  await visit('/admin/tokens');
  await page.fill('#name', 'Accessibility check');
  await submit('Issue token');
  assert.doesNotMatch(await page.locator('main').innerText(), /There is a problem/);
  await checkPage();
});

test('API tokens, with errors', async () => {
  await as(DEMO.lead);
  await visit('/admin/tokens');
  await page.fill('#name', '');
  await submit('Issue token', 422);
  await hasErrorSummary();
  await checkPage();
});

// ---- The organisation's administrator.

test('admin', async () => {
  await as(DEMO.admin);
  await visit('/admin');
  await checkPage();
});

test('admin: teams', async () => {
  await as(DEMO.admin);
  await visit('/admin/teams');
  await checkPage();
});

test('admin: teams, with errors', async () => {
  await as(DEMO.admin);
  await visit('/admin/teams');
  await submit('Add team', 422);
  await hasErrorSummary();
  await checkPage();
});

test('admin: people', async () => {
  await as(DEMO.admin);
  await visit('/admin/people');
  await checkPage();
});

test('admin: a person', async () => {
  await as(DEMO.admin);
  await visit('/admin/people?q=Nia');
  await page.locator('main a[href^="/admin/people/"]').first().click();
  await page.waitForURL(/\/admin\/people\/\d+$/);
  await checkPage();
});

test('admin: import the staff list', async () => {
  await as(DEMO.admin);
  await visit('/admin/import');
  await checkPage();
});

test('admin: import the staff list, with an error', async () => {
  await as(DEMO.admin);
  await visit('/admin/import');
  await chooseFile(page, '#staff-file', {
    name: 'staff.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,email,team_path\nAda Nurse,not-an-email,\n'),
  });
  await submit('Import staff list', 422);
  await hasErrorSummary();
  await checkPage();
});

test('admin: import the staff list, done', async () => {
  await as(DEMO.admin);
  await visit('/admin/import');
  await chooseFile(page, '#staff-file', {
    name: 'staff.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,email,team_path\nAda Checker,ada.checker@northshire.example,\n'),
  });
  await submit('Import staff list', 200);
  await page.locator('.nhsuk-notification-banner--success').waitFor();
  await checkPage();
});

// ---- Moderation, leaders' reflections, recognition equity, the account and the settings
// (moderation_pages.cc, reflection_pages.cc, equity_pages.cc, account_pages.cc).

const MODERATOR = 'kwame.asante@northshire.example'; // moderator
const EQUALITY = 'fatima.begum@northshire.example'; // equality lead

// A story by the District Nursing member with an NHS number in it, held for moderation; its id.
async function heldStory() {
  if (ids.held) return ids.held;
  await as(DEMO.member);
  const tags = await apiGet(page, `${server.url}/api/v1/tags`);
  const session = await apiGet(page, `${server.url}/api/v1/session`);
  const { teams } = session;
  const response = await apiSend(page, 'POST', `${server.url}/api/v1/stories`, {
    teams: [teams[0].id],
    title: 'Caught the wrong letter',
    text: 'She saw that the letter for NHS number 943 476 5919 had gone to LS1 4AP and sent ' +
      'it back before anyone opened it.',
    learning: 'Check the name and the number on every letter.',
    values: [tags.values[0].id],
    submit: true,
  });
  assert.equal(response.status(), 201, await response.text());
  const { story } = await response.json();
  assert.equal(story.state, 'in_moderation');
  ids.held = story.id;
  return ids.held;
}

// The demo's first reflection (newest first), with a reply by the member to hide.
async function reflectionId() {
  if (ids.reflection) return ids.reflection;
  await as(DEMO.member);
  const { reflections } = await apiGet(page, `${server.url}/api/v1/reflections`);
  assert.ok(reflections.length > 0, 'the demo has reflections');
  ids.reflection = reflections[0].id;
  return ids.reflection;
}

test('moderation: the held stories', async () => {
  await heldStory();
  await as(MODERATOR);
  await visit('/moderation');
  assert.ok(await page.locator('mark').count() > 0, 'the findings are highlighted');
  await checkPage();
});

test('moderation: a held story', async () => {
  const id = await heldStory();
  await as(MODERATOR);
  await visit(`/moderation/${id}`);
  await checkPage();
});

test('moderation: a release that still has the details', async () => {
  const id = await heldStory();
  await as(MODERATOR);
  await visit(`/moderation/${id}`);
  await submit('Release with the details removed', 422);
  await hasErrorSummary();
  await checkPage();
});

test('moderation: a rejection without a reason', async () => {
  const id = await heldStory();
  await as(MODERATOR);
  await visit(`/moderation/${id}`);
  await submit('Reject', 422);
  await hasErrorSummary();
  await checkPage();
});

test('moderation, for someone who is not a moderator', async () => {
  await as(DEMO.member);
  await visit('/moderation', 403);
  await checkPage();
});

test('reflections', async () => {
  await as(DEMO.member);
  await visit('/reflections');
  await checkPage();
});

test('a reflection, with its replies', async () => {
  const id = await reflectionId();
  await as(DEMO.member);
  await visit(`/reflections/${id}`);
  await checkPage();
});

test('a reflection, an empty reply', async () => {
  const id = await reflectionId();
  await as(DEMO.member);
  await visit(`/reflections/${id}`);
  await submit('Reply', 422);
  await hasErrorSummary();
  await checkPage();
});

test('a reflection, for a moderator (hide forms)', async () => {
  const id = await reflectionId();
  await as(MODERATOR);
  await visit(`/reflections/${id}`);
  assert.ok(await page.getByText('Hide this reply').count() > 0, 'a moderator may hide replies');
  await checkPage();
});

test('a reflection, hiding a reply without a reason', async () => {
  const id = await reflectionId();
  await as(MODERATOR);
  await visit(`/reflections/${id}`);
  await page.getByText('Hide this reply').first().click();
  await submit('Hide this reply', 422);
  await hasErrorSummary();
  await checkPage();
});

test('a reflection, a reply hidden by a moderator', async () => {
  const id = await reflectionId();
  await as(MODERATOR);
  await visit(`/reflections/${id}`);
  await page.getByText('Hide this reply').first().click();
  await page.locator('form[action$="/hide"] input[id^="reason-"]').first()
    .fill('Names a patient');
  await submit('Hide this reply', 200);
  assert.match(await page.locator('main').innerText(), /Hidden by a moderator: Names a patient/);
  await checkPage();
});

test('post a reflection', async () => {
  await as(DEMO.chiefExecutive);
  await visit('/reflections/new');
  await checkPage();
});

test('post a reflection, with errors', async () => {
  await as(DEMO.chiefExecutive);
  await visit('/reflections/new');
  await submit('Post reflection', 422);
  await hasErrorSummary();
  await checkPage();
});

test('post a reflection, as a member (cannot)', async () => {
  await as(DEMO.member);
  await visit('/reflections/new', 403);
  await checkPage();
});

test('recognition equity', async () => {
  await as(EQUALITY);
  await visit('/equity');
  assert.match(await page.locator('main').innerText(), /District Nursing/);
  await checkPage();
});

test('recognition equity, the last 90 days, for the board', async () => {
  await as(DEMO.chiefExecutive);
  await visit('/equity?days=90');
  await checkPage();
});

test('recognition equity, for a member (cannot)', async () => {
  await as(DEMO.member);
  await visit('/equity', 403);
  await checkPage();
});

test('your account', async () => {
  await as(DEMO.member);
  await visit('/account');
  assert.ok(await page.getByRole('button', { name: 'Download my data' }).count() > 0);
  await checkPage();
});

test('admin: settings', async () => {
  await as(DEMO.admin);
  await visit('/admin/settings');
  await checkPage();
});

test('admin: settings, with errors', async () => {
  await as(DEMO.admin);
  await visit('/admin/settings');
  await page.fill('#story_retention_days', 'a year');
  await submit('Save settings', 422);
  await hasErrorSummary();
  await checkPage();
});

test('admin: settings, saved', async () => {
  await as(DEMO.admin);
  await visit('/admin/settings');
  await page.fill('#story_retention_days', '365');
  await submit('Save settings', 200);
  await page.locator('.nhsuk-notification-banner--success').waitFor();
  await checkPage();
});

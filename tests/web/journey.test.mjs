// The acceptance journeys of the web app, in chromium, against the demo organisation:
//
//  - a District Nursing team member signs in and adds today's figure in two steps (enter, then
//    "Check your figure" and save); the measure's chart and table change;
//  - a second person of the team, with the measure page open, sees that figure appear within a
//    second without reloading; so too a figure posted through the JSON API;
//  - a far-out figure (special cause) puts an alert on the Alerts page and in the header's
//    "Alerts (N new)", live on a team mate's Alerts page; it can be marked as seen;
//  - a figure is corrected from the table's "Correct" link;
//  - a figure is added with the keyboard alone;
//  - a figure is added on a 375 x 812 phone, from signing in to the saved figure, and timed.
//
// One server and one chromium with three contexts (Nia and Sean of District Nursing at desktop
// width, Liam of Reception on a phone). Each journey adds to a measure of its own, so each can
// also run alone (node --test --test-name-pattern …).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  apiGet, apiSend, apiSignIn, DEMO, isoToday, launchChromium, signIn, startServer,
} from './harness.mjs';

const LIVE_LIMIT_MS = 1000;
const PHONE_LIMIT_MS = 30_000; // "well under a minute"

let server;
let browsers;
let nia; // { context, page }: District Nursing team member, desktop
let sean; // another District Nursing team member, desktop
const measures = {}; // District Nursing's measures by role in these journeys: { id, name }
const today = isoToday();

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
// "2026-11-26" as the pages write it: "26 November 2026".
function longDate(iso) {
  const [year, month, day] = iso.split('-').map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

before(async () => {
  server = await startServer();
  browsers = await launchChromium();
  nia = await browsers.newContext();
  sean = await browsers.newContext();
  await apiSignIn(sean.page, server.url, DEMO.member2);
  const session = await apiGet(sean.page, `${server.url}/api/v1/session`);
  const team = session.teams[0].id;
  const list = (await apiGet(sean.page, `${server.url}/api/v1/measures?team=${team}`)).measures;
  const find = (start) => {
    const found = list.find((m) => m.name.startsWith(start));
    assert.ok(found, `District Nursing has a measure "${start}…"`);
    return { id: found.id, name: found.name, team };
  };
  measures.caseload = find('Caseload per'); // XmR chart: the two-step journey, then corrected
  measures.insulin = find('Insulin visits'); // p chart: a figure through the API
  measures.ulcers = find('Pressure ulcers'); // c chart, lower is better: the special cause
  measures.visits = find('Visits not completed'); // p chart, daily: the keyboard
});

after(async () => {
  await browsers?.close();
  await server?.stop();
});

// ---- Helpers.

async function ensureSignedIn(who, email) {
  const session = await who.page.request.get(`${server.url}/api/v1/session`);
  if (session.status() !== 200) await signIn(who.page, server.url, email);
}

// The measure page's table of figures, newest first: the first row's cells' text (without the
// headings each cell repeats for the stacked layout on a phone).
async function newestRow(page) {
  return page.locator('#es-measure-live table tbody tr').first().locator('td').evaluateAll(
    (cells) => cells.map((td) => {
      const copy = td.cloneNode(true);
      copy.querySelectorAll('.nhsuk-table__heading').forEach((heading) => heading.remove());
      return copy.textContent.replace(/\s+/g, ' ').trim();
    }));
}

async function chartSvg(page) {
  return page.locator('#es-measure-live figure.es-chart svg').evaluate((svg) => svg.outerHTML);
}

// Opens `path` on `page` and waits until its live event streams are open (the server then
// holds every later event for it).
async function openLive(page, path) {
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => Number(document.body.dataset.liveConnected ?? 0) > 0, null,
    { timeout: 10_000 });
}

// Watches an open page for its next live update whose region `selector` then contains `text`:
// records, in the page, when that happened (Date.now(), the same clock as this process's). The
// mark lives on `window`, so it also proves the page was not reloaded.
async function watchLive(page, selector, text) {
  await page.evaluate(({ selector, text }) => {
    const start = document.body.dataset.liveVersion ?? '0';
    window.esWatch = { seenAt: null, version: start };
    const check = () => {
      const version = document.body.dataset.liveVersion ?? '0';
      const region = document.querySelector(selector);
      if (window.esWatch.seenAt === null && version !== start && region &&
          region.textContent.includes(text)) {
        window.esWatch.seenAt = Date.now();
        window.esWatch.version = version;
      }
    };
    new MutationObserver(check).observe(document.body,
      { attributes: true, attributeFilter: ['data-live-version'] });
  }, { selector, text });
}

// Waits for the watched update; returns the milliseconds from `since` (Date.now() here).
async function liveElapsed(page, since, what) {
  try {
    await page.waitForFunction(() => window.esWatch?.seenAt != null, null, { timeout: 5_000 });
  } catch (error) {
    const state = await page.evaluate(() => ({
      watch: window.esWatch ?? 'gone: the page was reloaded',
      version: document.body.dataset.liveVersion,
      connected: document.body.dataset.liveConnected,
      status: document.getElementById('es-live-status')?.textContent,
    }));
    throw new Error(`${what} did not appear live within 5 s: ${JSON.stringify(state)}`);
  }
  const seenAt = await page.evaluate(() => window.esWatch.seenAt);
  return seenAt - since;
}

async function fillDate(page, iso) {
  const [year, month, day] = iso.split('-');
  await page.fill('#period-day', String(Number(day)));
  await page.fill('#period-month', String(Number(month)));
  await page.fill('#period-year', year);
}

// Clicks the button and resolves with Date.now() when the answer to the POST it sends arrives.
async function postedBy(page, button) {
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' &&
    r.request().isNavigationRequest()).then(() => Date.now());
  await page.getByRole('button', { name: button, exact: true }).click();
  return answered;
}

function alertsLink(page) {
  return page.locator('header a[href="/alerts"]');
}

// ---- The journeys.

test('a team member signs in, adds today\'s figure in two steps, and the chart changes; a ' +
  'team mate sees it within a second without reloading', async () => {
  const { page } = nia;
  const { caseload } = measures;
  await signIn(page, server.url, DEMO.member);
  assert.equal(new URL(page.url()).pathname, '/');

  // Sean has the measure open.
  await openLive(sean.page, `/measures/${caseload.id}`);
  await watchLive(sean.page, '#es-measure-live tbody tr:first-child', '45.2');

  // Nia finds the measure from her home page, through her team.
  await page.locator('main a[href^="/teams/"]').first().click();
  await page.getByRole('link', { name: caseload.name, exact: true }).click();
  await page.waitForURL(`**/measures/${caseload.id}`);
  const svgBefore = await chartSvg(page);
  const rowBefore = await newestRow(page);
  assert.notEqual(rowBefore[0], longDate(today), 'no figure for today yet');

  await page.getByRole('button', { name: 'Add a figure' }).click(); // a link styled as a button
  await page.waitForURL(`**/measures/${caseload.id}/add`);
  await fillDate(page, today);
  await page.fill('#value', '45.2');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: /Check your figure/ }).waitFor();
  const summary = await page.locator('.nhsuk-summary-list').innerText();
  assert.match(summary, new RegExp(longDate(today)));
  assert.match(summary, /45\.2/);

  const postedAt = await postedBy(page, 'Save figure');
  await page.waitForURL(`**/measures/${caseload.id}?added=${today}`);
  assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(),
    new RegExp(`Figure saved for ${longDate(today)}`));
  const row = await newestRow(page);
  assert.equal(row[0], longDate(today), 'the newest row is today');
  assert.match(row[1], /^45\.2\b/, 'the newest row shows the new figure');
  assert.notEqual(await chartSvg(page), svgBefore, 'the chart changed');

  const elapsed = await liveElapsed(sean.page, postedAt, 'the new figure on Sean\'s page');
  console.log(`# live: Sean's page showed the new figure ${elapsed} ms after the save`);
  assert.ok(elapsed < LIVE_LIMIT_MS, `live update took ${elapsed} ms (limit ${LIVE_LIMIT_MS})`);
  assert.equal(new URL(sean.page.url()).pathname, `/measures/${caseload.id}`);
  const seanRow = await newestRow(sean.page);
  assert.equal(seanRow[0], longDate(today));
  assert.match(seanRow[1], /^45\.2\b/);
  assert.match(await sean.page.locator('#es-live-status').textContent(), /Updated/,
    'a screen reader hears that the page changed');
});

test('a figure posted through the JSON API appears live on the measure page, and a keyboard ' +
  'user\'s focus stays where it was', async () => {
  const { insulin } = measures;
  await ensureSignedIn(nia, DEMO.member);
  await openLive(sean.page, `/measures/${insulin.id}`);
  const svgBefore = await chartSvg(sean.page);
  // Sean is on the newest row's "Correct" link (as after tabbing to it) when the figure comes.
  const correctLink = sean.page.locator('#es-measure-live tbody tr').first()
    .getByRole('link', { name: /^Correct/ });
  const focusedHref = await correctLink.getAttribute('href');
  await correctLink.focus();
  await watchLive(sean.page, '#es-measure-live tbody tr:first-child', longDate(today));

  // As Nia, with her session cookie and its CSRF token.
  const response = await apiSend(nia.page, 'POST',
    `${server.url}/api/v1/measures/${insulin.id}/observations`,
    { period: today, value: 131, denominator: 140 });
  const postedAt = Date.now();
  assert.equal(response.status(), 201, await response.text());

  const elapsed = await liveElapsed(sean.page, postedAt, 'the API\'s figure');
  console.log(`# live: the API's figure was on the page ${elapsed} ms after the POST`);
  assert.ok(elapsed < LIVE_LIMIT_MS, `live update took ${elapsed} ms (limit ${LIVE_LIMIT_MS})`);
  const row = await newestRow(sean.page);
  assert.equal(row[0], longDate(today));
  assert.equal(row[2], '140', 'the "Out of" column shows the denominator');
  assert.notEqual(await chartSvg(sean.page), svgBefore, 'the chart changed');
  // The row Sean was on is now the second, and his focus is still on its link.
  const focused = await sean.page.evaluate(() => ({
    element: document.activeElement?.tagName,
    href: document.activeElement?.getAttribute('href'),
    text: document.activeElement?.textContent.replace(/\s+/g, ' ').trim().slice(0, 60),
  }));
  assert.equal(focused.href, focusedHref, `focus after the update: ${JSON.stringify(focused)}`);
  assert.match(await sean.page.locator('#es-live-status').textContent(),
    new RegExp(`Updated: new figure for ${longDate(today)}`));
});

test('a far-out figure makes a special-cause alert, shown in the header and on the Alerts ' +
  'page (live for a team mate), and it can be marked as seen', async () => {
  const { page } = nia;
  const { ulcers } = measures;
  await ensureSignedIn(nia, DEMO.member);
  await page.goto(`${server.url}/`);
  const countOf = (text) => Number(/Alerts \((\d+) new\)/.exec(text)?.[1] ?? 0);
  const before = countOf(await alertsLink(page).innerText());

  // Sean has the Alerts page open.
  await openLive(sean.page, '/alerts');
  const seanBefore = countOf(await alertsLink(sean.page).innerText());
  await watchLive(sean.page, '#es-alerts-live', ulcers.name);

  // 60 new pressure ulcers in a month, where the mean is a few: special cause (concern).
  await page.goto(`${server.url}/measures/${ulcers.id}/add`);
  await fillDate(page, today);
  await page.fill('#value', '60');
  await page.getByRole('button', { name: 'Continue' }).click();
  const postedAt = await postedBy(page, 'Save figure');
  await page.waitForURL(`**/measures/${ulcers.id}?added=${today}`);
  const row = await newestRow(page);
  assert.match(row.join(' '), /Special cause: concern/);

  const header = await alertsLink(page).innerText();
  assert.match(header, /Alerts \(\d+ new\)/);
  const after = countOf(header);
  assert.ok(after >= before + 1, `the header went from ${before} to ${after} new alerts`);

  await alertsLink(page).click();
  await page.waitForURL('**/alerts');
  const item = page.locator('.es-alert').filter({ hasText: ulcers.name })
    .filter({ hasText: /special cause/i }).first();
  await item.waitFor();
  assert.match(await item.innerText(), /New/);

  const elapsed = await liveElapsed(sean.page, postedAt, 'the alert on Sean\'s Alerts page');
  console.log(`# live: the alert was on Sean's Alerts page ${elapsed} ms after the save`);
  assert.ok(elapsed < LIVE_LIMIT_MS, `live update took ${elapsed} ms (limit ${LIVE_LIMIT_MS})`);
  // Sean's header counts it too, without a reload.
  const seanHeader = await alertsLink(sean.page).innerText();
  assert.ok(countOf(seanHeader) > seanBefore,
    `Sean's header went from ${seanBefore} new alerts to "${seanHeader}"`);

  await item.getByRole('button', { name: /^Mark as seen/ }).click();
  await page.waitForURL('**/alerts');
  const seen = page.locator('.es-alert').filter({ hasText: ulcers.name })
    .filter({ hasText: /special cause/i }).first();
  assert.doesNotMatch(await seen.innerText(), /New|Mark as seen/);
  const headerAfter = await alertsLink(page).innerText();
  assert.equal(countOf(headerAfter), after - 1, `header after marking seen: "${headerAfter}"`);
});

test('a figure is corrected from the table\'s "Correct" link', async () => {
  const { page } = nia;
  const { caseload } = measures;
  await ensureSignedIn(nia, DEMO.member);
  await page.goto(`${server.url}/measures/${caseload.id}`);
  const [period] = await newestRow(page);
  await page.locator('#es-measure-live tbody tr').first()
    .getByRole('link', { name: /^Correct/ }).click();
  await page.waitForURL(/\/correct\?period=/);
  const iso = new URL(page.url()).searchParams.get('period');
  assert.equal(longDate(iso), period);

  await page.fill('#value', '47.3');
  await page.getByRole('button', { name: 'Save correction' }).click();
  await page.waitForURL(`**/measures/${caseload.id}?corrected=${iso}`);
  assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(),
    new RegExp(`Figure corrected for ${longDate(iso)}`));
  const row = await newestRow(page);
  assert.equal(row[0], period);
  assert.match(row[1], /^47\.3\b/, 'the table shows the corrected figure');

  // The history on the correct page keeps the earlier value.
  await page.goto(`${server.url}/measures/${caseload.id}/correct?period=${iso}`);
  const history = await page.locator('main table tbody tr').allInnerTexts();
  assert.ok(history.length >= 2, `the history has the earlier value: ${history}`);
  assert.match(history.at(-1), /\(current\)\s+47\.3\b/);
});

test('a figure is added with the keyboard alone', async () => {
  const { page } = nia;
  const { visits } = measures;
  await ensureSignedIn(nia, DEMO.member);
  await page.goto(`${server.url}/measures/${visits.id}`);
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return { id: el?.id ?? '', text: (el?.textContent ?? '').trim(), tag: el?.tagName ?? '' };
  });
  // Tab (forwards) until `test` holds for the focused element; at most `limit` presses.
  const tabTo = async (what, test, limit = 40) => {
    for (let i = 0; i < limit; ++i) {
      await page.keyboard.press('Tab');
      if (test(await focused())) return;
    }
    throw new Error(`${limit} presses of Tab did not reach ${what}`);
  };
  const typeOver = async (text) => {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  };

  await tabTo('the "Add a figure" link', (f) => f.tag === 'A' && f.text === 'Add a figure');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/measures/${visits.id}/add`);

  const [year, month, day] = today.split('-');
  await tabTo('the day field', (f) => f.id === 'period-day');
  await typeOver(String(Number(day)));
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'period-month');
  await typeOver(String(Number(month)));
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'period-year');
  await typeOver(year);
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'value');
  await typeOver('9');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'denominator');
  await typeOver('180');
  // Shift+Tab back to the figure and forward again: the order holds both ways.
  await page.keyboard.press('Shift+Tab');
  assert.equal((await focused()).id, 'value');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // submits the form from its field
  await page.getByRole('heading', { name: /Check your figure/ }).waitFor();

  // "Change" goes back to the first step with both numbers kept; Continue comes back.
  await tabTo('the "Change figure" link', (f) => f.tag === 'A' && f.text === 'Change figure');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/add\?/);
  const kept = await page.evaluate(() => ['period-day', 'period-month', 'period-year', 'value',
    'denominator'].map((id) => document.getElementById(id).value));
  assert.deepEqual(kept, [String(Number(day)), String(Number(month)), year, '9', '180']);
  await tabTo('the "Continue" button', (f) => f.tag === 'BUTTON' && f.text === 'Continue');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Check your figure/ }).waitFor();

  await tabTo('the "Save figure" button', (f) => f.tag === 'BUTTON' && f.text === 'Save figure');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/measures/${visits.id}?added=${today}`);
  assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(),
    new RegExp(`Figure saved for ${longDate(today)}`));
  const row = await newestRow(page);
  assert.equal(row[0], longDate(today));
  assert.equal(row[2], '180');
});

test('on a 375 x 812 phone, a team member signs in and adds today\'s figure well within a ' +
  'minute', async () => {
  const phone = await browsers.newContext({ viewport: { width: 375, height: 812 } });
  try {
    const { page } = phone;
    const started = Date.now();
    await signIn(page, server.url, DEMO.receptionist);
    const due = page.locator('main ul.es-due a').first();
    assert.ok(await due.count() > 0, 'the home page lists a figure due');
    await due.click();
    await page.waitForURL(/\/measures\/\d+\/add$/);
    const measurePath = new URL(page.url()).pathname.replace(/\/add$/, '');
    await fillDate(page, today);
    await page.fill('#value', '5');
    if (await page.locator('#denominator').count() > 0) await page.fill('#denominator', '100');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Save figure' }).click();
    await page.waitForURL(`**${measurePath}?added=${today}`);
    await page.locator('.nhsuk-notification-banner--success').waitFor();
    const took = Date.now() - started;
    console.log(`# phone: signed in and saved today's figure in ${took} ms`);
    assert.ok(took < PHONE_LIMIT_MS, `the phone journey took ${took} ms`);
    assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(),
      new RegExp(`Figure saved for ${longDate(today)}`));
    assert.equal((await newestRow(page))[0], longDate(today));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the measure page is ${width}px wide on the phone`);
    // The new figure's "Correct" link is on the screen, not off to the right of a table.
    const correct = await page.locator('#es-measure-live tbody tr').first()
      .getByRole('link', { name: /^Correct/ }).boundingBox();
    assert.ok(correct && correct.x >= 0 && correct.x + correct.width <= 375,
      `the "Correct" link is at ${JSON.stringify(correct)} on a 375px screen`);
  } finally {
    await phone.close();
  }
});

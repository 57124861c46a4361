// Stories of leadership in chromium, against the demo organisation (issue 5, point 8): one story
// followed from recording to the library.
//
//  - Liam O'Connor, a receptionist, on a 375 x 812 phone, records a story about Nia Okafor (a
//    District Nurse) and submits it: timed, since a story should take under a minute on a phone;
//  - Nia signs in on another computer, finds the consent request in "Your stories" and agrees to
//    share it: the story is published;
//  - Joanne Whitfield, Nia's line manager, sees it to acknowledge; the story praises extra hours,
//    so she is prompted to check on Nia's wellbeing rather than reward the hours; she
//    acknowledges it with a note;
//  - Liam finds it in the learning library by a word of it.
//
// Every story page met on the way (the form, with errors, the check page with and without the
// guard's findings, the story with its consent, acknowledgement and thanks forms, the library,
// "Your stories", the withdraw step) passes axe-core's WCAG 2.2 AA rules and fits at 1280 and at
// 375 pixels. One server and one chromium with three contexts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAxe, checkNarrow, launchChromium, signIn, startServer } from './harness.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const PHONE_LIMIT_MS = 60_000; // "in under a minute on a phone"

const LIAM = 'liam.oconnor@northshire.example'; // a receptionist
const NIA = 'nia.okafor@northshire.example'; // a District Nurse
const JOANNE = 'joanne.whitfield@northshire.example'; // Nia's line manager

const TITLE = 'Walked through the snowdrifts to reach her patients';
const WORD = 'snowdrifts';

let server;
let browsers;
let liam; // on a phone
let nia;
let joanne;
let storyPath = null; // "/stories/ID" once recorded

before(async () => {
  server = await startServer();
  browsers = await launchChromium();
  liam = await browsers.newContext({ viewport: PHONE });
  nia = await browsers.newContext({ viewport: DESKTOP });
  joanne = await browsers.newContext({ viewport: DESKTOP });
});

after(async () => {
  await browsers?.close();
  await server?.stop();
});

// axe and fit at desktop width and on a phone, every problem collected; the viewport is put
// back as it was.
async function checkPage(page) {
  const was = page.viewportSize();
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
  await attempt('phone axe', () => checkAxe(page));
  await page.setViewportSize(was);
  if (problems.length > 0) throw new Error(problems.join('\n\n'));
}

// Clicks the button and waits for the page its form leads to.
async function press(page, name) {
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
}

async function banner(page) {
  return (await page.locator('.nhsuk-notification-banner').innerText()).replace(/\s+/g, ' ');
}

test('a story goes from a phone through consent and acknowledgement to the library', async () => {
  const { page } = liam;

  // ---- Liam records it on his phone, timed from signing in to the story submitted.
  const started = Date.now();
  await signIn(page, server.url, LIAM);
  // From the home page's stories panel.
  await page.locator('main').getByRole('link', { name: 'Record a story', exact: true }).click();
  await page.waitForURL('**/stories/new');
  assert.equal(await page.locator('#people').isVisible(), false,
    'the colleagues field waits under its choice');
  await page.getByLabel('One or more colleagues', { exact: true }).check();
  // Revealed under the choice (NHS.UK conditional reveal).
  await page.locator('#people').waitFor({ state: 'visible' });
  await page.fill('#people', 'Nia Okafor');
  await page.fill('#title', TITLE);
  await page.fill('#text', `Nia walked five miles through the ${WORD} to reach her patients on the ` +
    'hill farms, and stayed late every night that week to finish every visit.');
  await page.getByLabel('Compassion', { exact: true }).check();
  await page.getByLabel('Supporting', { exact: true }).check();
  await page.fill('#learning', 'Plan the rounds together when the weather turns.');
  await press(page, 'Continue');
  await page.getByRole('heading', { name: /Check your story/ }).waitFor();
  assert.match(await page.locator('main').innerText(),
    /We found nothing that could identify a patient/);
  await press(page, 'Submit story');
  const elapsed = Date.now() - started;
  storyPath = new URL(page.url()).pathname;
  assert.match(storyPath, /^\/stories\/\d+$/);
  assert.match(await banner(page), /Story submitted/);
  assert.match(await page.locator('main').innerText(), /Waiting for consent/);
  console.log(`# phone: signed in, recorded and submitted a story in ${elapsed} ms`);
  assert.ok(elapsed < PHONE_LIMIT_MS, `recording took ${elapsed} ms (limit ${PHONE_LIMIT_MS})`);

  // ---- Nia, named, is asked on another computer, and agrees.
  await signIn(nia.page, server.url, NIA);
  await nia.page.goto(`${server.url}/stories/mine`);
  const requests = nia.page.locator('h2', { hasText: 'Waiting for your consent' });
  await requests.waitFor();
  await nia.page.getByRole('link', { name: TITLE }).first().click();
  await nia.page.waitForURL(`**${storyPath}`);
  assert.ok(await nia.page.getByRole('button', { name: 'Yes, share this story' }).isVisible());
  await checkPage(nia.page); // the story, with the consent question
  await press(nia.page, 'Yes, share this story');
  assert.match(await banner(nia.page), /you agreed to share this story/);
  assert.match(await nia.page.locator('main').innerText(), /Published/);

  // ---- Joanne, her line manager, acknowledges it, prompted about the extra hours.
  await signIn(joanne.page, server.url, JOANNE);
  await joanne.page.goto(`${server.url}/stories/mine`);
  await joanne.page.locator('h2', { hasText: 'Stories to acknowledge' }).waitFor();
  await joanne.page.getByRole('link', { name: TITLE }).first().click();
  await joanne.page.waitForURL(`**${storyPath}`);
  const main = await joanne.page.locator('main').innerText();
  assert.match(main, /Acknowledge this story/);
  assert.match(main, /check on their wellbeing rather than reward the hours/);
  await checkPage(joanne.page); // the story, with the acknowledgement and thanks forms
  await joanne.page.getByLabel('I have checked on their wellbeing', { exact: true }).check();
  await joanne.page.fill('#note', 'Thank you, Nia. Please take Friday afternoon back.');
  await press(joanne.page, 'Acknowledge');
  assert.match(await banner(joanne.page), /Acknowledgement saved/);
  const acknowledged = await joanne.page.locator('main').innerText();
  assert.match(acknowledged, /Joanne Whitfield/);
  assert.match(acknowledged, /Please take Friday afternoon back/);
  assert.doesNotMatch(acknowledged, /Acknowledge this story/);

  // ---- Liam finds it in the library by a word.
  await page.goto(`${server.url}/stories`);
  await page.fill('#q', WORD);
  await press(page, 'Search');
  assert.equal(new URL(page.url()).searchParams.get('q'), WORD);
  const result = page.locator('.es-story-card', { hasText: TITLE });
  await result.waitFor();
  assert.match(await result.innerText(), /Nia Okafor/);
  await checkPage(page); // the library with a result
  await result.getByRole('link', { name: TITLE }).click();
  await page.waitForURL(`**${storyPath}`);
  assert.match(await page.locator('main').innerText(), /Joanne Whitfield/);
});

test('the story pages in their other states pass axe and fit a phone', async () => {
  const { page } = liam;
  if ((await page.request.get(`${server.url}/api/v1/session`)).status() !== 200) {
    await signIn(page, server.url, LIAM);
  }

  // The empty form, then with errors.
  await page.goto(`${server.url}/stories/new`);
  await checkPage(page);
  await press(page, 'Continue');
  assert.ok(await page.locator('.nhsuk-error-summary').isVisible(), 'an error summary');
  await checkPage(page);

  // A story with patient details: the check page shows and marks them.
  await page.goto(`${server.url}/stories/new`);
  await page.getByLabel('Myself', { exact: true }).check();
  await page.fill('#title', 'Found the missing letter');
  await page.fill('#text', 'I noticed the letter for NHS number 943 476 5919 had gone to ' +
    'the wrong address and sent it on to LS1 4AP myself.');
  await page.getByLabel('Safety', { exact: true }).check();
  await press(page, 'Continue');
  await page.getByRole('heading', { name: /Check your story/ }).waitFor();
  const findings = await page.locator('.es-findings').innerText();
  assert.match(findings, /We found details that could identify a patient/);
  assert.match(findings, /NHS number: 943 476 5919/);
  assert.match(findings, /Postcode: LS1 4AP/);
  assert.ok(await page.locator('.nhsuk-summary-list mark', { hasText: '943 476 5919' }).count() > 0,
    'the NHS number is highlighted in the text');
  await checkPage(page);

  // Changing it takes the details out; it is then saved as a draft.
  await page.getByRole('link', { name: 'Change your story' }).first().click();
  await page.waitForURL(/\/edit$/);
  await page.fill('#text', 'I noticed a letter had gone to the wrong address and sent it on.');
  await press(page, 'Save as draft');
  assert.match(await banner(page), /Draft saved/);
  await checkPage(page); // a draft, with "Check and submit"

  // Your stories, with a draft and a story waiting for consent.
  await page.goto(`${server.url}/stories/mine`);
  await checkPage(page);

  // The withdraw step, for the journey's story (Liam is its author).
  if (storyPath) {
    await page.goto(`${server.url}${storyPath}/withdraw`);
    assert.match(await page.locator('h1').innerText(), /Are you sure/);
    await checkPage(page);
  }

  // The wall, with no search.
  await page.goto(`${server.url}/stories`);
  await checkPage(page);
});

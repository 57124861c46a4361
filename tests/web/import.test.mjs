// Importing the staff list through the web page (/admin/import), as the demo organisation's
// administrator: a file with a mistake on line 3 is refused as a whole, the error summary names
// line 3, and nobody from the file appears in the people list; the corrected file imports
// everyone, makes the new team, and they appear in the list with their teams.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  apiGet, chooseFile, DEMO, launchChromium, signIn, startServer,
} from './harness.mjs';

let server;
let browsers;
let page;
let org; // the organisation's name: every team path starts with it

before(async () => {
  server = await startServer();
  browsers = await launchChromium();
  ({ page } = await browsers.newContext());
  await signIn(page, server.url, DEMO.admin);
  org = (await apiGet(page, `${server.url}/api/v1/session`)).organisation.name;
});

after(async () => {
  await browsers?.close();
  await server?.stop();
});

const PEOPLE = [
  ['Ada Importtest', 'ada.importtest@northshire.example', 'Ward sister'],
  ['Bea Importtest', 'bea.importtest@northshire.example', 'Staff nurse'],
  ['Cai Importtest', 'cai.importtest@northshire.example', 'Healthcare assistant'],
];
const NEW_TEAM = 'District Nursing (South)';

// The staff list as CSV; `badEmail` replaces the email on line 3 (the second person).
function staffCsv({ badEmail } = {}) {
  const team = `${org}/Community Services/${NEW_TEAM}`;
  const lines = ['name,email,job_title,staff_group,team_path,line_manager_email'];
  PEOPLE.forEach(([name, email, job], i) => {
    const address = i === 1 && badEmail ? badEmail : email;
    const manager = i === 0 ? DEMO.lead : PEOPLE[0][1];
    lines.push(`${name},${address},${job},Nursing and midwifery,${team},${manager}`);
  });
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function upload(buffer) {
  await page.goto(`${server.url}/admin`);
  await page.getByRole('link', { name: /import/i }).first().click();
  await page.waitForURL('**/admin/import');
  await chooseFile(page, '#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' &&
      new URL(r.url()).pathname === '/admin/import'),
    page.getByRole('button', { name: 'Import staff list' }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

// The names on the people page (all of them: the demo has fewer than a page's worth).
async function listedPeople(query = '') {
  await page.goto(`${server.url}/admin/people${query ? `?q=${encodeURIComponent(query)}` : ''}`);
  return page.locator('main table a[href^="/admin/people/"]').allInnerTexts();
}

test('a staff list with a mistake on line 3 is refused, naming the line, and imports nobody',
  async () => {
    const response = await upload(staffCsv({ badEmail: 'bea.importtest-at-northshire' }));
    assert.equal(response.status(), 422);
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    const text = await summary.innerText();
    assert.match(text, /There is a problem/);
    assert.match(text, /Line 3\b/, `the error summary names line 3: ${text}`);
    console.log(`# the error summary: ${text.replace(/\s+/g, ' ')}`);
    assert.match(await page.title(), /^Error: /);
    // The summary's link leads to the file field.
    await summary.getByRole('link', { name: /Line 3/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'staff-file');

    const everyone = await listedPeople();
    assert.ok(everyone.includes('Nia Okafor'), 'the people list lists the demo people');
    for (const [name] of PEOPLE) {
      assert.ok(!everyone.includes(name), `${name} was not imported`);
    }
    assert.deepEqual(await listedPeople('Importtest'), []);
    const { teams } = await apiGet(page, `${server.url}/api/v1/teams`);
    assert.ok(!teams.some((t) => t.name === NEW_TEAM), 'the new team was not made either');
  });

test('the corrected staff list imports everyone and their new team', async () => {
  const response = await upload(staffCsv());
  assert.ok(response.status() === 303 || response.status() === 200, `status ${response.status()}`);
  await page.waitForURL(/\/admin\/import\?done=3/);
  const banner = await page.locator('.nhsuk-notification-banner--success').innerText();
  assert.match(banner, /Staff list imported/);
  assert.match(banner, /3 people in the file: 3 added/);
  assert.match(banner, /1 new team/);

  const found = await listedPeople('Importtest');
  assert.deepEqual(found.sort(), PEOPLE.map(([name]) => name).sort());
  const row = page.locator('main table tr').filter({ hasText: 'Bea Importtest' });
  assert.match(await row.innerText(), new RegExp(NEW_TEAM.replace(/[()]/g, '\\$&')));

  // Importing the same file again changes nothing.
  await upload(staffCsv());
  await page.waitForURL(/\/admin\/import\?done=3/);
  assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(),
    /0 added, 0 updated, 3 unchanged/);
});

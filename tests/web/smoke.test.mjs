// Smoke test of the web front end: the server serves the built stylesheet, script and NHS.UK
// images, and a page (sign-in) loads in chromium with the NHS.UK styles applied, passes axe-core
// and fits a 375-pixel phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAxe, checkNarrow, launchBrowser, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the server serves the built assets with their types, caching and ETags', async () => {
  const assets = [
    ['/assets/app.css', /^text\/css/, 'nhsuk-header'],
    ['/assets/app.js', /^text\/javascript/, 'EventSource'],
    ['/assets/images/nhsuk-icon-cross.svg', /^image\/svg\+xml/, '<svg'],
    ['/assets/images/favicon.ico', /^image\/x-icon/, null],
  ];
  for (const [path, type, contains] of assets) {
    const response = await fetch(`${server.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-type'), type, path);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=3600', path);
    const body = await response.text();
    if (contains) assert.ok(body.includes(contains), `${path} holds ${contains}`);
    const etag = response.headers.get('etag');
    assert.ok(etag, `${path} has an ETag`);
    const again = await fetch(`${server.url}${path}`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304, `${path} with If-None-Match`);
  }
  const head = await fetch(`${server.url}/assets/app.css`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal((await head.text()).length, 0);
  for (const path of ['/assets/missing.css', '/assets/..%2f..%2fREADME.md', '/assets/.hidden']) {
    assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
  }
});

test('the sign-in page has the NHS.UK styles, passes axe and fits a phone', async () => {
  const { page } = browser;
  const problems = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    // The NHS.UK fonts on assets.nhs.uk are refused (CSP, and the harness aborts them).
    if (message.type() === 'error' && !/net::ERR_FAILED|assets\.nhs\.uk/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.hostname === '127.0.0.1' && response.status() >= 400) {
      problems.push(`${response.status()} for ${url.pathname}`);
    }
  });

  const response = await page.goto(`${server.url}/sign-in`);
  assert.equal(response.status(), 200);
  const header = page.locator('header.nhsuk-header');
  assert.equal(await header.evaluate((el) => getComputedStyle(el).backgroundColor),
    'rgb(0, 94, 184)', 'the NHS.UK header is NHS blue (app.css is applied)');
  const loaded = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
  assert.ok(loaded.includes('/assets/app.js'), `the page loads /assets/app.js (not in ${loaded})`);
  assert.ok(await page.locator('#email').isVisible());
  assert.ok(await page.locator('#password').isVisible());

  await checkAxe(page);
  await checkNarrow(page);
  assert.deepEqual(problems, []);
});

// Screenshots of the web pages for the documentation (not a test; run by scripts/screenshots):
// starts the demo server, signs in as a District Nursing team member, and saves full-page PNGs of
// the home page, the person's first team, that team's first measure and the wall of stories; then
// as the chief executive (board), the recognition equity view; each at desktop (1280 pixels) and
// phone (375 pixels) widths:
//
//   docs/images/{home,team,measure,stories,equity}-{desktop,phone}.png
//
//   node tests/web/screenshots.mjs [OUTPUT_DIR]   (EVERYSEAT_BIN, EVERYSEAT_REPO as for the tests)
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { DEMO, launchBrowser, REPO, signIn, startServer } from './harness.mjs';

const outputDir = resolve(process.argv[2] ?? join(REPO, 'docs', 'images'));
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } };

async function getJson(page, url) {
  const response = await page.request.get(url);
  if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
  return response.json();
}

// The first link on the page whose path starts with `prefix` ("/teams/"), as that path.
async function firstLink(page, prefix) {
  const href = await page.locator(`a[href^="${prefix}"]`).first().getAttribute('href', {
    timeout: 5_000,
  });
  return new URL(href, page.url()).pathname;
}

// The pages to take: the home page, the signed-in person's first team (from GET /api/v1/session)
// and its first measure (GET /api/v1/measures?team=ID); the first links of the home page if the
// API gives none.
async function choosePages(page, url) {
  const session = await getJson(page, `${url}/api/v1/session`);
  let team = session.teams?.[0]?.id;
  let teamPath = team ? `/teams/${team}` : null;
  let measurePath = null;
  if (team) {
    const { measures } = await getJson(page, `${url}/api/v1/measures?team=${team}`);
    if (measures?.length) measurePath = `/measures/${measures[0].id}`;
  }
  if (!teamPath || !measurePath) {
    await page.goto(`${url}/`);
    teamPath ??= await firstLink(page, '/teams/');
    if (!measurePath) {
      await page.goto(`${url}${teamPath}`);
      measurePath = await firstLink(page, '/measures/');
    }
  }
  return { home: '/', team: teamPath, measure: measurePath, stories: '/stories' };
}

async function main() {
  mkdirSync(outputDir, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser({ viewport: WIDTHS.desktop });
  try {
    const { page } = browser;
    await signIn(page, server.url, DEMO.member);
    const pages = await choosePages(page, server.url);
    await shoot(page, server.url, pages);
    await page.context().clearCookies();
    await signIn(page, server.url, DEMO.chiefExecutive);
    await shoot(page, server.url, { equity: '/equity' });
  } finally {
    await browser.close();
    await server.stop();
  }
}

// Full-page PNGs of each named page at each width.
async function shoot(page, url, pages) {
  for (const [name, path] of Object.entries(pages)) {
    for (const [size, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      const response = await page.goto(`${url}${path}`, { waitUntil: 'load' });
      if (!response || response.status() !== 200) {
        throw new Error(`GET ${path}: ${response?.status()} (is the page there yet?)`);
      }
      await page.evaluate(() => document.fonts.ready);
      const file = join(outputDir, `${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`${file}  (${path}, ${viewport.width} pixels wide)`);
    }
  }
}

main().catch((error) => {
  console.error(`screenshots: ${error.stack ?? error}`);
  process.exit(1);
});

// The browser-test harness: a demo server on a fresh SQLite database, Debian's chromium through
// playwright-core, and the checks every page gets (axe-core accessibility, a 375-pixel phone).
//
//   import { startServer, launchBrowser, signIn, checkAxe, checkNarrow } from './harness.mjs';
//   const server = await startServer();            // { url, dir, signIns, logs(), stop() }
//   const browser = await launchBrowser();         // { context, page, newPage(), close() }
//   await signIn(browser.page, server.url, DEMO.member, DEMO_PASSWORD);
//
// launchChromium() gives one browser with several independent contexts (two people at once);
// apiGet and apiSend call the JSON API as the person signed in on a page.
//
// Environment: EVERYSEAT_BIN (the everyseat binary; default build/bin/everyseat) and
// EVERYSEAT_REPO (the repository; default two directories up from here), as CTest sets them.
// playwright-core and @axe-core/playwright come from web/node_modules, and the pages' stylesheet
// and script from web/dist: both are made by scripts/build-web. When anything is missing this
// module throws as it loads, so a test fails (never skips) and says what to run.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(
  process.env.EVERYSEAT_REPO || join(dirname(fileURLToPath(import.meta.url)), '..', '..'),
);
export const BIN = resolve(process.env.EVERYSEAT_BIN || join(REPO, 'build', 'bin', 'everyseat'));
export const WEB_ROOT = join(REPO, 'web', 'dist');
export const CHROMIUM = '/usr/bin/chromium';

// The demo organisation's sign-ins (cli/src/demo_organisation.cc): every person has one password.
export const DEMO_PASSWORD = 'leadership-from-every-seat';
export const DEMO = {
  lead: 'joanne.whitfield@northshire.example', // District Nursing's team lead
  member: 'nia.okafor@northshire.example', // a District Nursing team member
  member2: 'sean.murphy@northshire.example', // another District Nursing team member
  receptionLead: 'sharon.patel@northshire.example', // Health Centre Reception's lead
  receptionist: 'liam.oconnor@northshire.example', // a Health Centre Reception team member
  chiefExecutive: 'priya.raman@northshire.example', // board
  admin: 'ravi.sharma@northshire.example', // organisation administrator
};

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function checkPrerequisites() {
  const missing = [];
  const need = (path, what) => {
    if (!existsSync(path)) missing.push(`${what} (${path})`);
  };
  need(join(REPO, 'web', 'node_modules', 'playwright-core', 'package.json'), 'playwright-core');
  need(join(REPO, 'web', 'node_modules', '@axe-core', 'playwright', 'package.json'),
    '@axe-core/playwright');
  need(join(WEB_ROOT, 'assets', 'app.js'), 'the built script');
  need(join(WEB_ROOT, 'assets', 'app.css'), 'the built stylesheet');
  if (missing.length > 0) {
    throw new Error(`the web front end is not built: missing ${missing.join(', ')}. ` +
      'Run scripts/build-web (it runs npm ci in web/ and builds web/dist).');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/install-deps (Debian's chromium).`);
  }
  if (!existsSync(BIN)) {
    throw new Error(`the everyseat binary ${BIN} is missing: build it, or set EVERYSEAT_BIN.`);
  }
}

checkPrerequisites();
const requireFromWeb = createRequire(join(REPO, 'web', 'package.json'));
const { chromium } = requireFromWeb('playwright-core');
const requireFromAxe = createRequire(requireFromWeb.resolve('@axe-core/playwright'));
const AXE_SOURCE = readFileSync(requireFromAxe.resolve('axe-core/axe.min.js'), 'utf8');

const execFileAsync = promisify(execFile);

// Starts `everyseat serve` on a new demo database in a temp directory. Options: today
// ('YYYY-MM-DD', seed-demo --today: the synthetic series end at the last complete period before
// it; default today), seed (false: an empty database, no demo organisation), args (more serve
// flags). Returns { url, dir, db, signIns (seed-demo's output), logs() (serve's stderr so far),
// stop() }.
export async function startServer({ today, seed = true, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'everyseat-web-'));
  const db = `sqlite:${join(dir, 'demo.db')}`;
  let signIns = '';
  try {
    if (seed) {
      const data = join(REPO, 'data', 'ae_attendances.csv');
      const seedArgs = ['seed-demo', '--db', db, '--data', data];
      if (today) seedArgs.push('--today', today);
      ({ stdout: signIns } = await execFileAsync(BIN, seedArgs, { maxBuffer: 1 << 24 }));
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`everyseat seed-demo failed: ${error.stderr || error.message}`);
  }

  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--no-access-log',
    '--web-root', WEB_ROOT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  // Never leave a server behind, even when a test dies without reaching stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise((done, fail) => {
      let stdout = '';
      const timer = setTimeout(() => fail(new Error('everyseat serve did not say "listening" ' +
        `within 30 s; stderr:\n${stderr}`)), 30_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          done(match[1]);
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        fail(new Error(`everyseat serve exited (${signal ?? code}) before listening; ` +
          `stderr:\n${stderr}`));
      });
    });
    child.stdout.resume(); // keep draining
    return { url, dir, db, signIns, logs: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function isLoopback(url) {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

// Launches Debian's chromium, headless, with a persistent context in a fresh temp directory (so
// each call is an independent browser with its own cookies: call it twice for two people).
// Every request off this machine is aborted (the NHS.UK fonts on assets.nhs.uk, anything else),
// so pages load fast and the same way every time. Options: viewport ({width, height}; default
// 1280x800). Returns { context, page, newPage(), close() }.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];

export async function launchBrowser({ viewport = { width: 1280, height: 800 } } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'everyseat-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  await context.route((url) => !isLoopback(url), (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Launches one headless chromium that holds several independent browser contexts, each with
// its own cookies (two people at two computers), which is much cheaper than calling
// launchBrowser twice. Off-machine requests are aborted as in launchBrowser.
//
//   const browsers = await launchChromium();
//   const nia = await browsers.newContext();        // { context, page, newPage(), close() }
//   const phone = await browsers.newContext({ viewport: { width: 375, height: 812 } });
//   await browsers.close();                         // closes them all
export async function launchChromium() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: CHROMIUM_ARGS });
  return {
    browser,
    newContext: async ({ viewport = { width: 1280, height: 800 } } = {}) => {
      const context = await browser.newContext({ viewport });
      await context.route((url) => !isLoopback(url), (route) => route.abort());
      const page = await context.newPage();
      return { context, page, newPage: () => context.newPage(), close: () => context.close() };
    },
    close: () => browser.close().catch(() => {}),
  };
}

// The JSON API with the page's cookies (so as the person signed in on that page). apiGet returns
// the parsed answer and throws on an error status; apiSend sends a JSON body with the session's
// X-CSRF-Token (from GET /api/v1/session, fetched once per call) and returns the Playwright
// response, whatever its status.
export async function apiGet(page, url) {
  const response = await page.request.get(url);
  if (!response.ok()) {
    throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
  }
  return response.json();
}

export async function apiSend(page, method, url, data) {
  const origin = new URL(url).origin;
  const { csrf_token: csrf } = await apiGet(page, `${origin}/api/v1/session`);
  return page.request.fetch(url, { method, data, headers: { 'X-CSRF-Token': csrf } });
}

// Chooses a file for a file field (a person's way: a click, then the browser's file chooser).
// `selector` names the field by its id, like '#staff-file'. NHS.UK frontend's file upload
// component gives that id to its "Choose file" button and hides the input (id '…-input'); without
// the script it is the input itself: either way it is clicked. `file` is a path, or
// { name, mimeType, buffer }.
export async function chooseFile(page, selector, file) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser', { timeout: 10_000 }),
    page.locator(selector).click(),
  ]);
  await chooser.setFiles(file);
}

// Today in the server's calendar (UTC), as YYYY-MM-DD.
export function isoToday() {
  return new Date().toISOString().slice(0, 10);
}

// Signs in through the page: /sign-in, fills #email and #password, presses "Sign in" and waits
// to be taken elsewhere. Throws with the page's error messages when it stays on /sign-in.
export async function signIn(page, url, email, password = DEMO_PASSWORD) {
  await page.goto(`${url}/sign-in`);
  if ((await page.locator('#email').count()) === 0) {
    throw new Error(`${url}/sign-in shows no sign-in form (at ${page.url()}: signed in already?)`);
  }
  await page.fill('#email', email);
  await page.fill('#password', password);
  const left = page.waitForURL((at) => at.pathname !== '/sign-in', { timeout: 20_000 })
    .then(() => null);
  const refused = page.locator('.nhsuk-error-summary').waitFor({ timeout: 20_000 })
    .then(async () => (await page.locator('.nhsuk-error-summary').innerText()) || 'refused');
  left.catch(() => {});
  refused.catch(() => {});
  await page.getByRole('button', { name: 'Sign in' }).click();
  let problem;
  try {
    problem = await Promise.race([left, refused]);
  } catch (error) {
    problem = error.message;
  }
  if (problem !== null) {
    throw new Error(`signing in as ${email} stayed on ${page.url()}: ` +
      problem.replace(/\s+/g, ' ').trim());
  }
  await page.waitForLoadState('load');
}

// Signs in through the API instead (POST /api/v1/session) with the page's cookies, which is
// quicker when the sign-in page itself is not under test. Returns the session: person,
// organisation, teams, roles and csrf_token (for X-CSRF-Token on POST, PUT and DELETE).
export async function apiSignIn(page, url, email, password = DEMO_PASSWORD) {
  const response = await page.request.post(`${url}/api/v1/session`, {
    data: { email, password },
  });
  if (response.status() !== 201) {
    const body = await response.text();
    throw new Error(`POST /api/v1/session as ${email}: ${response.status()} ${body}`);
  }
  return response.json();
}

function describeViolations(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ` +
      (n.failureSummary ?? '').replace(/\s+/g, ' ').trim()).join('\n');
    return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
  }).join('\n');
}

// Runs axe-core on the page with the WCAG 2.2 AA rule sets and fails on any violation, listing
// each rule, its help text and the elements it found. The pages have no frames, so axe-core (the
// one @axe-core/playwright brings) is put into the page once and run there: AxeBuilder injects
// it on every call and finishes each run in a new blank page, three or four times as slow on two
// cores. Options: exclude (CSS selectors of parts to leave out).
export async function checkAxe(page, { exclude = [] } = {}) {
  const present = await page.evaluate(() => typeof window.axe?.run === 'function');
  if (!present) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(({ tags, leaveOut }) => window.axe.run(
    leaveOut.length > 0 ? { include: [document], exclude: leaveOut.map((s) => [s]) } : document,
    { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
  ), { tags: AXE_TAGS, leaveOut: exclude });
  if (results.violations.length > 0) {
    throw new Error(`axe found ${results.violations.length} accessibility violation(s) on ` +
      `${page.url()}:\n${describeViolations(results.violations)}`);
  }
  return results;
}

// Sets the viewport to a phone's width (default 375) and fails when the page scrolls sideways or
// a visible element reaches past the right edge (one that an ancestor clips, such as a table in
// .es-table-scroll, is fine). Leaves the viewport at that width.
export async function checkNarrow(page, { width = 375, height = 812 } = {}) {
  await page.setViewportSize({ width, height });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
  const result = await page.evaluate((edge) => {
    const clips = (el) => {
      const style = getComputedStyle(el);
      return ['hidden', 'auto', 'scroll', 'clip'].includes(style.overflowX) ||
        (style.clipPath && style.clipPath !== 'none') || (style.clip && style.clip !== 'auto');
    };
    const describe = (el) => {
      let name = el.tagName.toLowerCase();
      if (el.id) name += `#${el.id}`;
      if (typeof el.className === 'string' && el.className.trim()) {
        name += `.${el.className.trim().split(/\s+/).join('.')}`;
      }
      const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
      return text ? `${name} "${text}"` : name;
    };
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || rect.right <= edge + 1) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (clips(a) && a.getBoundingClientRect().right <= edge + 1) {
          clipped = true;
          break;
        }
      }
      if (!clipped) offenders.push(el);
    }
    // Name only the outermost: the children of a too-wide box are usually too wide as well.
    const set = new Set(offenders);
    const outermost = offenders.filter((el) => !set.has(el.parentElement)).map((el) =>
      `${describe(el)} (right edge at ${Math.round(el.getBoundingClientRect().right)}px)`);
    // When the page is too wide and no element is named, the cause is usually an absolutely
    // positioned one (a visually hidden label, say) inside an overflow box that is not
    // positioned, which therefore does not clip it: name those.
    const escaped = [];
    if (document.documentElement.scrollWidth > edge && outermost.length === 0) {
      for (const el of document.body.querySelectorAll('*')) {
        const rect = el.getBoundingClientRect();
        if (rect.right <= edge + 1) continue;
        if (!['absolute', 'fixed'].includes(getComputedStyle(el).position)) continue;
        escaped.push(`${describe(el)} (position ${getComputedStyle(el).position}, right edge at ` +
          `${Math.round(rect.right)}px)`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, offenders: outermost, escaped };
  }, width);
  const problems = [];
  if (result.scrollWidth > width) {
    problems.push(`the page is ${result.scrollWidth}px wide, wider than the ${width}px viewport`);
  }
  if (result.offenders.length > 0) {
    problems.push(`${result.offenders.length} element(s) reach past the right edge:\n  ` +
      result.offenders.slice(0, 20).join('\n  '));
  }
  if (result.escaped.length > 0) {
    problems.push(`${result.escaped.length} positioned element(s) escape their overflow box:\n  ` +
      result.escaped.slice(0, 10).join('\n  '));
  }
  if (problems.length > 0) {
    throw new Error(`${page.url()} does not fit a ${width}px-wide window: ${problems.join('; ')}`);
  }
}

// everyseat's front end: NHS.UK frontend's styles and components, our few styles, and live
// updates. The pages are rendered by the server and work without this script; it only adds the
// NHS.UK components' behaviour and keeps the page's live regions up to date.
import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './app.css';
import { initAll } from 'nhsuk-frontend';

// NHS.UK frontend's components run only on <body class="nhsuk-frontend-supported">, which its page
// template sets from an inline script. Our pages allow no inline scripts (Content-Security-Policy),
// and a browser that runs this module supports them, so we set it here.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();

// ---- Live updates -------------------------------------------------------------------------------
//
// A page that shows live data carries data-live-measure="ID" or data-live-team="ID[,ID...]" on
// <body> or <main>. We listen to the server's events for it (/api/v1/events, Server-Sent Events)
// and, a moment after an event, fetch the same page again and copy over the content of each
// element marked data-live-region (matched by id). A polite status message says what changed,
// and <body data-live-version> counts the refreshes (tests wait on it).

// `resync`: the server no longer holds the events a reconnecting stream missed.
const EVENT_NAMES = ['observation', 'observations', 'signal', 'annotation', 'measure', 'resync'];
const DEBOUNCE_MS = 150;

interface LiveEvent {
  type: string;
  period?: string;
}

let version = 0;
let timer: number | undefined;
let refreshing = false;
let pending: LiveEvent | undefined;

// The EventSource URLs this page asks for: one stream for the measure(s), one for the team(s).
// Several ids share one stream (?team=3,4 means either), so a lead following many teams still
// holds one connection (browsers allow about six per server over HTTP/1.1).
function eventUrls(): string[] {
  const holder = [document.body, document.querySelector('main')].find(
    (el): el is HTMLElement =>
      el instanceof HTMLElement && !!(el.dataset.liveMeasure || el.dataset.liveTeam),
  );
  if (!holder) return [];
  const ids = (list?: string) =>
    (list ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => /^[0-9]+$/.test(id));
  const urls: string[] = [];
  const measures = ids(holder.dataset.liveMeasure);
  const teams = ids(holder.dataset.liveTeam);
  if (measures.length > 0) urls.push(`/api/v1/events?measure=${measures.join(',')}`);
  if (teams.length > 0) urls.push(`/api/v1/events?team=${teams.join(',')}`);
  return urls;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

// "2026-11-26" as the pages write it (and a screen reader should say it): "26 November 2026".
function longDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const month = MONTHS[Number(match[2]) - 1];
  return month ? `${Number(match[3])} ${month} ${match[1]}` : iso;
}

function describe(event: LiveEvent): string {
  const period = event.period ? ` for ${longDate(event.period)}` : '';
  switch (event.type) {
    case 'observation':
    case 'observations':
      return `Updated: new figure${period}`;
    case 'signal':
      return `Updated: the chart shows a new signal${period}`;
    case 'annotation':
      return `Updated: new note on the chart${period}`;
    case 'measure':
      return 'Updated: the measure’s details changed';
    default:
      return 'Updated: the latest figures';
  }
}

function statusRegion(): HTMLElement {
  let status = document.getElementById('es-live-status');
  if (!status) {
    status = document.createElement('div');
    status.id = 'es-live-status';
    status.setAttribute('role', 'status');
    status.className = 'nhsuk-u-visually-hidden';
    document.body.append(status);
  }
  return status;
}

const FIELDS = 'input, textarea, select, [contenteditable]';

// True when replacing the region would disturb the user: it holds the focused form field, or a
// field whose value the user has changed and not yet sent.
function userIsEditing(region: Element): boolean {
  const active = document.activeElement;
  if (active && region.contains(active) && active.matches(FIELDS)) return true;
  const fields = region.querySelectorAll<HTMLElement>('input, textarea, select');
  return Array.from(fields).some((field) => {
    if (field instanceof HTMLSelectElement) {
      return Array.from(field.options).some((option) => option.selected !== option.defaultSelected);
    }
    const input = field as HTMLInputElement | HTMLTextAreaElement;
    if (input instanceof HTMLInputElement && /^(checkbox|radio)$/.test(input.type)) {
      return input.checked !== input.defaultChecked;
    }
    return input.type !== 'hidden' && input.value !== input.defaultValue;
  });
}

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

// What identifies a focusable element across a refresh: a link or button by its address and
// words (a new row moves it, and "Correct the figure for 3 March" stays itself), anything else by
// its id or its kind and classes (the table's scrolling box).
function focusKey(el: Element): string {
  if (el.id) return `#${el.id}`;
  const words = el.matches('a, button') ? (el.textContent ?? '').replace(/\s+/g, ' ').trim() : '';
  return [el.tagName, el.getAttribute('href') ?? '', el.className, words].join('|');
}

// Replaces the region's content without losing the reader's place: the focused element (a
// keyboard user on a "Correct" link, say) is focused again in the new content, or the region
// itself when it is gone; and boxes scrolled sideways (a wide table on a phone) keep their scroll.
function replaceContent(region: HTMLElement, replacement: HTMLElement): void {
  const active = document.activeElement;
  const hadFocus = active instanceof HTMLElement && active !== region && region.contains(active);
  const key = hadFocus ? focusKey(active) : '';
  const scrolled = Array.from(region.querySelectorAll<HTMLElement>('.es-table-scroll'), (box) =>
    box.scrollLeft);

  region.innerHTML = replacement.innerHTML;

  region.querySelectorAll<HTMLElement>('.es-table-scroll').forEach((box, i) => {
    if (scrolled[i]) box.scrollLeft = scrolled[i];
  });
  if (!hadFocus) return;
  const again = Array.from(region.querySelectorAll<HTMLElement>(FOCUSABLE)).find(
    (el) => focusKey(el) === key,
  );
  if (again) {
    again.focus({ preventScroll: true });
  } else {
    region.tabIndex = -1;
    region.focus({ preventScroll: true });
  }
}

async function refresh(event: LiveEvent): Promise<void> {
  if (refreshing) {
    pending = event;  // one more refresh once this one is done
    return;
  }
  refreshing = true;
  try {
    const response = await fetch(location.href, {
      headers: { Accept: 'text/html' },
      credentials: 'same-origin',
    });
    // Not the page any more (signed out: the answer is the sign-in page): leave it as it is.
    if (!response.ok || response.redirected) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    const regions = document.querySelectorAll<HTMLElement>('[data-live-region][id]');
    for (const region of Array.from(regions)) {
      const replacement = fresh.getElementById(region.id);
      if (!replacement || userIsEditing(region)) continue;
      if (region.innerHTML === replacement.innerHTML) continue;
      replaceContent(region, replacement);
      initAll(region);
    }
    const status = statusRegion();
    status.textContent = describe(event);
    version += 1;
    document.body.dataset.liveVersion = String(version);
  } catch {
    // Offline or the server is restarting: the next event tries again.
  } finally {
    refreshing = false;
    if (pending) {
      const next = pending;
      pending = undefined;
      void refresh(next);
    }
  }
}

function onEvent(message: MessageEvent<string>): void {
  const event: LiveEvent = { type: message.type };
  try {
    const data: unknown = JSON.parse(message.data);
    if (data && typeof data === 'object' && 'period' in data && typeof data.period === 'string') {
      event.period = data.period;
    }
  } catch {
    // Not JSON: still refresh, just without the period in the message.
  }
  window.clearTimeout(timer);
  timer = window.setTimeout(() => void refresh(event), DEBOUNCE_MS);
}

// EventSource reconnects by itself (the server sends "retry:"); when it gives up we stay quiet.
// <body data-live-connected> counts the streams open now: the server listens for a stream's
// events before it answers, so from then on nothing is missed (tests wait on it).
const open = new Set<EventSource>();
function markConnected(): void {
  document.body.dataset.liveConnected = String(open.size);
}
for (const url of eventUrls()) {
  const source = new EventSource(url, { withCredentials: true });
  for (const name of EVENT_NAMES) source.addEventListener(name, onEvent);
  source.addEventListener('open', () => {
    open.add(source);
    markConnected();
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.OPEN) {
      open.delete(source);
      markConnected();
    }
  });
}

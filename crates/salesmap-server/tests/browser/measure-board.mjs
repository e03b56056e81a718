// Measures how soon the board is interactive with many open deals, in headless Chromium (a
// measurement, not a test: it prints figures). Run by measure-board.sh, which starts a release
// server on an empty SQLite database and passes SALESMAP_URL and SALESMAP_ADMIN_OTP.
//
// It sets the admin's password, adds five reps, imports DEALS open deals (default 2,000)
// spread over the template's stages through the import API, then loads the board RUNS times
// (default 5) in a fresh page and reports, per load and as medians:
//   html       the board's HTML received (navigation start to responseEnd)
//   ready      board.js has attached its handlers (its `board-ready` mark)
//   quiet      the end of the last long task (> 50 ms) before the page went idle
//   interactive max(ready, quiet): when a keypress or a drag is answered at once
//   pick       a Space on a card until the next frame is painted (the keyboard pick-up)
//   filter     typing a search letter until the filtered board is painted
import { chromium } from 'playwright-core';

const base = process.env.SALESMAP_URL;
const otp = process.env.SALESMAP_ADMIN_OTP;
const deals = parseInt(process.env.DEALS || '2000', 10);
const runs = parseInt(process.env.RUNS || '5', 10);
const password = 'measure-password-1';

async function api(method, path, body, session, type = 'application/json') {
  const headers = { 'Content-Type': type };
  if (session) {
    headers.Cookie = session.cookie;
    headers['X-CSRF-Token'] = session.csrf;
  }
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : (type === 'application/json' ? JSON.stringify(body) : body) });
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return { status: r.status, body: parsed, cookie: r.headers.get('set-cookie') };
}

async function signIn(login, pass) {
  const r = await api('POST', '/api/v1/session', { login, password: pass });
  return { cookie: r.cookie.split(';')[0], csrf: r.body.csrf_token };
}

let admin = await signIn('admin', otp);
await api('POST', '/api/v1/session/password', { current_password: otp, new_password: password }, admin);
admin = await signIn('admin', password);
const reps = ['Kim Minji', 'Lee Jun', 'Park Seo', 'Garcia Ana', 'Smith Tom'];
for (const [i, name] of reps.entries()) {
  await api('POST', '/api/v1/users', { login: `rep${i}`, display_name: name, role: 'rep', password: `rep-password-${i}0` }, admin);
}
const pipeline = (await api('GET', '/api/v1/pipelines/sales', undefined, admin)).body;
const open = pipeline.stages.filter((s) => s.kind !== 'outcome' && !s.parent).map((s) => s.id);
// A fixed pseudo-random spread, so every run measures the same board.
let seed = 7;
const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const now = Date.now();
let csv = 'deal_id,name,company,stage,timestamp,amount,currency,owner,segment,source\n';
for (let i = 0; i < deals; i++) {
  const stage = open[Math.floor(next() * open.length)];
  const when = new Date(now - Math.floor(next() * 120 * 86400000)).toISOString();
  const segment = ['smb', 'mid-market', 'enterprise'][Math.floor(next() * 3)];
  const source = ['web', 'referral', 'outbound', 'event'][Math.floor(next() * 4)];
  csv += `M-${i},Deal ${i},Company ${i % 400},${stage},${when},${Math.round(1000 + next() * 90000)},USD,${reps[i % reps.length]},${segment},${source}\n`;
}
const imported = await api('POST', '/api/v1/pipelines/sales/imports?filename=deals.csv&format=csv', csv, admin, 'text/csv');
console.log(`imported ${imported.body.deals} open deals over ${open.length} stages`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
await context.addCookies([{ name: 'salesmap_session', value: admin.cookie.split('=')[1], url: base }]);
await context.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
  }).observe({ type: 'longtask', buffered: true });
});

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rows = [];
for (let run = 0; run < runs; run++) {
  const page = await context.newPage();
  await page.goto(base + '/p/sales/board');
  await page.waitForSelector('#board[data-ready="1"]');
  // Let the page go idle, then read the timeline.
  await page.waitForTimeout(1500);
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const ready = performance.getEntriesByName('board-ready')[0];
    const quiet = Math.max(0, ...window.__longTasks);
    return {
      html: nav.responseEnd,
      bytes: nav.transferSize,
      ready: ready ? ready.startTime : NaN,
      quiet,
      cards: document.querySelectorAll('.card').length,
    };
  });
  t.interactive = Math.max(t.ready, t.quiet);
  // A keyboard pick-up: Space on a card, until the next frame.
  await page.locator('.card-link').first().focus();
  t.pick = await page.evaluate(() => new Promise((resolve) => {
    const link = document.activeElement;
    const start = performance.now();
    link.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, cancelable: true }));
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
  }));
  await page.keyboard.press('Escape');
  // Typing in the search box: the live filter over every card.
  await page.locator('#f-q').focus();
  t.filter = await page.evaluate(() => new Promise((resolve) => {
    const input = document.getElementById('f-q');
    const start = performance.now();
    input.value = 'deal 1';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    // The filter waits 120 ms for more typing, then runs; measure until it has painted.
    const check = () => {
      if (document.querySelector('.card.filtered')) requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start - 120), 0));
      else setTimeout(check, 5);
    };
    check();
  }));
  rows.push(t);
  console.log(`load ${run + 1}: ${t.cards} cards, ${(t.bytes / 1024).toFixed(0)} KiB; html ${t.html.toFixed(0)} ms, ready ${t.ready.toFixed(0)} ms, quiet ${t.quiet.toFixed(0)} ms, interactive ${t.interactive.toFixed(0)} ms; pick ${t.pick.toFixed(0)} ms, filter ${t.filter.toFixed(0)} ms`);
  await page.close();
}
const m = (k) => median(rows.map((r) => r[k])).toFixed(0);
console.log(`median of ${runs}: html ${m('html')} ms, ready ${m('ready')} ms, interactive ${m('interactive')} ms; pick ${m('pick')} ms, filter ${m('filter')} ms`);
await browser.close();

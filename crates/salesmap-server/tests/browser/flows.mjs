// The web app's flows in Debian's headless Chromium, driven by playwright-core (no browser is
// downloaded). Run by crates/salesmap-server/tests/browser.rs, which starts the real server on
// a fresh SQLite database and passes, in the environment:
//   SALESMAP_URL        the server's address
//   SALESMAP_ADMIN_OTP  the first admin's one-time password
//   SALESMAP_SHOTS      where to write the screenshots
// Each step prints `ok <name>` or `FAIL <name>` with why; the first failure ends the run with
// exit code 1. On every page visited: no console error, no CSP violation, no script dialog,
// no request to another origin, and the checks of checks.mjs (labels, contrast, overflow, no
// inline script or style).
//
// Steps: the first admin signs in with the one-time password and sets their own; a rep and a
// manager sign in; the rep creates a deal by keyboard alone; a move refused by the exit
// checklist, then allowed after ticking (drag and drop), and a keyboard move; a deal lost with
// a reason; a manager's override, found in the audit log; the map edited with an error shown
// at its line, fixed, saved as a new version that renames a stage holding a deal, and the
// board's columns following; the Korean interface; a deal named like markup shown as text
// everywhere; screenshots of every page, the board's and map's checked for paint and overflow,
// also on a tablet; an import through the form; the report's download.

import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageProblems } from './checks.mjs';
import { decodePng, paint } from './png.mjs';

const base = process.env.SALESMAP_URL;
const adminOtp = process.env.SALESMAP_ADMIN_OTP;
const shots = process.env.SALESMAP_SHOTS;
const origin = new URL(base).origin;
mkdirSync(shots, { recursive: true });

const XSS = '<img src=x onerror=alert(1)>';
const ADMIN_PASSWORD = 'admin-password-2027';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/** Problems seen by the listeners of every page, emptied by `clean`. */
let seen = [];

async function context(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', ...options });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
    });
  });
  ctx.on('page', watch);
  return ctx;
}

function watch(page) {
  // A page's own status (401 on a wrong password, 422 on a refused form or move) is the answer
  // the flow expects, and Chromium logs each as "Failed to load resource"; files the page
  // loads must not fail, which `response` checks instead.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) seen.push('console error: ' + m.text());
  });
  page.on('response', (r) => {
    const type = r.request().resourceType();
    if (r.status() >= 400 && ['stylesheet', 'script', 'image', 'font'].includes(type)) {
      seen.push(`${type} failed: ${r.status()} ${r.url()}`);
    }
  });
  page.on('pageerror', (e) => seen.push('page error: ' + e.message));
  page.on('dialog', (d) => { seen.push('script dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) seen.push('request elsewhere: ' + url);
  });
}

function clean() {
  if (seen.length) {
    const list = seen.join('\n  ');
    seen = [];
    throw new Error('the page reported:\n  ' + list);
  }
}

/** Checks the page as it is (see checks.mjs), and that nothing was reported. */
async function checkPage(page, what) {
  const problems = await page.evaluate(pageProblems);
  if (problems.length) throw new Error(`${what}: ${problems.length} problem(s):\n  ` + problems.slice(0, 25).join('\n  '));
  clean();
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

async function textOf(locator) {
  return (await locator.textContent() || '').replace(/\s+/g, ' ').trim();
}

let failed = false;
async function step(name, fn) {
  if (failed) return;
  try {
    await fn();
    console.log('ok   ' + name);
  } catch (e) {
    failed = true;
    console.log('FAIL ' + name + '\n' + (e && e.stack ? e.stack : e));
  }
}

async function signIn(page, login, password) {
  await page.goto(base + '/sign-in');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button[type=submit]')]);
}

async function shot(page, name, fullPage = false) {
  const path = join(shots, name + '.png');
  const buffer = await page.screenshot({ path, fullPage });
  return decodePng(buffer);
}

/** The card of a deal on the board. */
function card(page, name) {
  return page.locator('.card', { has: page.getByRole('link', { name, exact: true }) });
}

/** Waits until the live region says `text` (what a screen reader hears). */
async function announced(page, text) {
  await page.waitForFunction((t) => document.getElementById('announce').textContent.includes(t), text, { timeout: 5000 })
    .catch(async () => { throw new Error(`not announced: "${text}"; the live region says "${await textOf(page.locator('#announce'))}"`); });
}

/** Where an element settles once scrolled into view (cards off screen are laid out late). */
async function settled(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  let last = null;
  for (let i = 0; i < 20; i++) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const box = await locator.boundingBox();
    if (last && box && Math.abs(box.x - last.x) < 0.5 && Math.abs(box.y - last.y) < 0.5) return box;
    last = box;
  }
  return last;
}

/** Drags `source` onto `target` with the mouse, in small steps as a hand would. */
async function drag(page, source, target) {
  await settled(page, target);
  const from = await settled(page, source);
  const to = await target.boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2 + 6, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
}

async function boardReady(page, path) {
  await page.goto(base + path);
  await page.waitForSelector('#board[data-ready="1"]');
}

const admin = await context();
const adminPage = await admin.newPage();
const rep = await context();
const repPage = await rep.newPage();
const manager = await context();
const managerPage = await manager.newPage();

await step('the first admin signs in with the one-time password and must set their own', async () => {
  await signIn(adminPage, 'admin', adminOtp);
  expect(adminPage.url().endsWith('/password'), 'not sent to the password page: ' + adminPage.url());
  await checkPage(adminPage, 'password page');
  // Every other page sends them back until the password is set.
  await adminPage.goto(base + '/p/sales/board');
  expect(adminPage.url().endsWith('/password'), 'the board opened before the password was set');
  await adminPage.fill('#current', adminOtp);
  await adminPage.fill('#new', ADMIN_PASSWORD);
  await adminPage.fill('#repeat', ADMIN_PASSWORD);
  await Promise.all([adminPage.waitForNavigation(), adminPage.click('form[action="/password"] button[type=submit]')]);
  expect(adminPage.url().includes('/p/sales/board'), 'not on the board after the password: ' + adminPage.url());
  expect((await textOf(adminPage.locator('.notice'))).includes('password is changed'), 'no notice');
  await checkPage(adminPage, 'board after password');
});

await step('a wrong password is refused on the sign-in page', async () => {
  const page = await (await context()).newPage();
  await signIn(page, 'rep', 'not-the-password');
  expect(page.url().endsWith('/sign-in'), 'left the sign-in page: ' + page.url());
  expect((await textOf(page.locator('[role=alert]'))).includes('wrong'), 'no reason shown');
  await checkPage(page, 'sign-in page after a wrong password');
  await shot(page, 'sign-in');
});

await step('a rep and a manager sign in', async () => {
  await signIn(repPage, 'rep', 'rep-password-1');
  expect(repPage.url().includes('/p/sales/board'), 'rep not on the board: ' + repPage.url());
  await signIn(managerPage, 'manager', 'manager-password-1');
  expect(managerPage.url().includes('/p/sales/board'), 'manager not on the board');
});

await step('the rep creates a deal with the keyboard alone', async () => {
  await boardReady(repPage, '/p/sales/board');
  // Tab from the top of the page to the "New deal" button, with the focus visible.
  await repPage.keyboard.press('Tab');
  let found = false;
  for (let i = 0; i < 40 && !found; i++) {
    const active = await repPage.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
    if (active === 'New deal') found = true;
    else await repPage.keyboard.press('Tab');
  }
  expect(found, 'Tab never reached "New deal"');
  const ring = await repPage.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(ring.style !== 'none' && ring.width >= 2, 'the focus is not visible: ' + JSON.stringify(ring));
  await Promise.all([repPage.waitForNavigation(), repPage.keyboard.press('Enter')]);
  expect(repPage.url().endsWith('/p/sales/deals/new'), 'not on the new-deal page');
  await checkPage(repPage, 'new-deal page');
  // The name field has the focus; type, tab through the rest, submit with Enter.
  await repPage.keyboard.type('Acme renewal');
  await repPage.keyboard.press('Tab');
  await repPage.keyboard.type('Acme Corp');
  await repPage.keyboard.press('Tab');
  await repPage.keyboard.type('48000');
  await Promise.all([repPage.waitForNavigation(), repPage.keyboard.press('Enter')]);
  expect(/\/deals\/\d+\?done=created$/.test(repPage.url()), 'not on the deal page: ' + repPage.url());
  expect((await textOf(repPage.locator('h1'))) === 'Acme renewal', 'wrong deal');
  await checkPage(repPage, 'deal page');
});

await step('a move refused by its exit checklist, then allowed after ticking', async () => {
  await boardReady(repPage, '/p/sales/board');
  const acme = card(repPage, 'Acme renewal');
  expect(await acme.count() === 1, 'the new deal is not on the board');
  expect((await acme.getAttribute('data-stage')) === 'brand-awareness', 'not in the first stage');
  await drag(repPage, acme, repPage.locator('.column[data-stage="brand-engagement"] > header'));
  const gate = repPage.locator('#gate-dialog');
  await gate.waitFor({ state: 'visible' });
  expect((await textOf(gate)).includes('The person interacted with the brand on a tracked channel'), 'the unticked item is not listed');
  await checkPage(repPage, 'board with the checklist dialog');
  await gate.getByRole('button', { name: 'Cancel' }).click();
  await gate.waitFor({ state: 'hidden' });
  expect((await card(repPage, 'Acme renewal').getAttribute('data-stage')) === 'brand-awareness', 'moved without its checklist');
  // Again, ticking the item this time.
  await drag(repPage, card(repPage, 'Acme renewal'), repPage.locator('.column[data-stage="brand-engagement"] > header'));
  await gate.waitFor({ state: 'visible' });
  await gate.locator('input[type=checkbox]').first().check();
  await gate.getByRole('button', { name: 'Tick and move' }).click();
  await repPage.waitForSelector('.column[data-stage="brand-engagement"] .card[data-stage="brand-engagement"] >> text=Acme renewal');
  await announced(repPage, 'Moved Acme renewal');
  await checkPage(repPage, 'board after the move');
});

await step('a keyboard move: Space picks the card up, Enter moves it, the checklist is ticked on the way', async () => {
  await boardReady(repPage, '/p/sales/board');
  const link = card(repPage, 'Acme renewal').locator('.card-link');
  await link.focus();
  await repPage.keyboard.press('Space');
  expect(await repPage.locator('.card.picked').count() === 1, 'nothing picked up');
  expect(await repPage.locator('.column.choice[data-stage="mql"]').count() === 1, 'the next stage is not offered first');
  await repPage.keyboard.press('Enter');
  const gate = repPage.locator('#gate-dialog');
  await gate.waitFor({ state: 'visible' });
  const boxes = gate.locator('input[type=checkbox]');
  expect(await boxes.count() === 2, 'brand engagement has two exit items');
  // Keyboard only: Tab to each box, Space ticks it, then to the button.
  await boxes.nth(0).focus();
  await repPage.keyboard.press('Space');
  await repPage.keyboard.press('Tab');
  await repPage.keyboard.press('Space');
  await gate.getByRole('button', { name: 'Tick and move' }).focus();
  await repPage.keyboard.press('Enter');
  await repPage.waitForSelector('.column[data-stage="mql"] >> text=Acme renewal');
});

await step('a deal lost with a reason', async () => {
  await repPage.goto(base + '/p/sales/deals/new');
  await repPage.fill('#d-name', 'Globex expansion');
  await repPage.selectOption('#d-stage', 'proposal');
  await Promise.all([repPage.waitForNavigation(), repPage.click('form button[type=submit].primary')]);
  await boardReady(repPage, '/p/sales/board');
  await drag(repPage, card(repPage, 'Globex expansion'), repPage.locator('.dropzone[data-stage="lost"]'));
  const ask = repPage.locator('#reason-dialog');
  await repPage.waitForSelector('#reason-dialog[open], #board-message:not([hidden])');
  expect(await ask.isVisible(), 'no reason asked: ' + (await textOf(repPage.locator('#board-message'))));
  await ask.locator('textarea').fill('Chose a competitor on price');
  await ask.getByRole('button', { name: 'Move' }).click();
  await repPage.waitForFunction(() => !Array.from(document.querySelectorAll('.card-link')).some((a) => a.textContent === 'Globex expansion'));
  await announced(repPage, 'closed as Lost');
  // The deal page shows it closed, with the reason in its timeline.
  const id = await repPage.evaluate(async () => {
    const r = await fetch('/api/v1/pipelines/sales/deals?open=false&limit=500');
    const page = await r.json();
    return page.deals.find((d) => d.name === 'Globex expansion').id;
  });
  await repPage.goto(`${base}/deals/${id}`);
  expect((await textOf(repPage.locator('.badge.closed'))) === 'closed', 'not closed');
  expect((await textOf(repPage.locator('.timeline'))).includes('Reason: Chose a competitor on price'), 'no reason on the timeline');
  await checkPage(repPage, 'closed deal page');
});

await step("a manager's override of the exit checklist, found in the audit log", async () => {
  await managerPage.goto(base + '/p/sales/deals/new');
  await managerPage.fill('#d-name', 'Initech pilot');
  await managerPage.selectOption('#d-stage', 'discovery');
  await Promise.all([managerPage.waitForNavigation(), managerPage.click('form button[type=submit].primary')]);
  await boardReady(managerPage, '/p/sales/board');
  await drag(managerPage, card(managerPage, 'Initech pilot'), managerPage.locator('.column[data-stage="demo"] > header'));
  const gate = managerPage.locator('#gate-dialog');
  await gate.waitFor({ state: 'visible' });
  // Moving anyway without a reason is not allowed.
  await gate.getByRole('button', { name: 'Move anyway' }).click();
  await gate.waitFor({ state: 'visible' });
  expect((await textOf(gate.locator('.error'))).includes('reason'), 'no reason asked for');
  await gate.locator('#override-reason').fill('Budget owner confirmed by phone; notes follow');
  await gate.getByRole('button', { name: 'Move anyway' }).click();
  await managerPage.waitForSelector('.column[data-stage="demo"] >> text=Initech pilot');
  await managerPage.goto(base + '/audit');
  const row = managerPage.locator('tr', { hasText: 'exit checklist overridden' }).first();
  expect((await textOf(row)).includes('Budget owner confirmed by phone; notes follow'), 'the override is not in the audit log');
  expect((await textOf(row)).includes('manager'), 'the audit row does not say who');
  await checkPage(managerPage, 'audit log');
  await shot(managerPage, 'audit');
});

await step('a rep cannot override: the dialog offers ticking only', async () => {
  await boardReady(repPage, '/p/sales/board');
  expect(await repPage.locator('#override-reason').count() === 0, 'the override is offered to a rep');
});

await step('the map editor: an error at its line, fixed, saved as a new version, and the board follows', async () => {
  await managerPage.goto(base + '/p/sales/editor');
  await managerPage.waitForSelector('#editor-form[data-ready="1"]');
  await checkPage(managerPage, 'editor');
  const source = await managerPage.inputValue('#source');
  const broken = source.replace('next = "brand-engagement"', 'next = "brand-engagment"');
  const line = broken.split('\n').findIndex((l) => l.includes('brand-engagment')) + 1;
  await managerPage.fill('#source', broken);
  await managerPage.waitForSelector(`#diagnostics li.error[data-line="${line}"]`);
  const item = await textOf(managerPage.locator(`#diagnostics li.error[data-line="${line}"]`));
  expect(item.includes(`line ${line}:8`) && item.includes('brand-engagment'), 'the error is not at its line: ' + item);
  expect(await managerPage.locator(`.gutter li:nth-child(${line}).has-error`).count() === 1, 'the line is not marked');
  expect(await managerPage.isDisabled('#save'), 'a map with errors can be saved');
  // The diagnostic takes the caret to its line.
  await managerPage.locator(`#diagnostics li.error[data-line="${line}"] button.where`).click();
  const caret = await managerPage.evaluate(() => {
    const t = document.getElementById('source');
    return t.value.slice(0, t.selectionStart).split('\n').length;
  });
  expect(caret === line, `the caret went to line ${caret}, not ${line}`);
  await managerPage.evaluate(() => window.scrollTo(0, 0));
  await shot(managerPage, 'editor-error');
  // Fix it, and rename the stage `mql` (where the rep's deal is) to `qualified-lead`.
  const renamed = source
    .replace('id = "mql"\nname = "Marketing qualified lead"', 'id = "qualified-lead"\nname = "Qualified lead"')
    .replace('next = "mql"', 'next = "qualified-lead"')
    .replace('to = "mql"', 'to = "qualified-lead"')
    .replaceAll('next = "mql"', 'next = "qualified-lead"')
    .replaceAll('from = "mql"', 'from = "qualified-lead"');
  await managerPage.fill('#source', renamed);
  await managerPage.waitForFunction(() => document.querySelector('#check-summary').classList.contains('clean'));
  await managerPage.waitForSelector('#relocations select[name="relocate.mql"]');
  expect((await managerPage.inputValue('#relocations select[name="relocate.mql"]')) === 'qualified-lead', 'the suggestion is not the renamed stage');
  expect(!(await managerPage.isDisabled('#save')), 'a clean map cannot be saved');
  await managerPage.fill('#message', 'MQL is called a qualified lead now');
  await checkPage(managerPage, 'editor with a clean map');
  await shot(managerPage, 'editor');
  await Promise.all([managerPage.waitForNavigation(), managerPage.click('#save')]);
  expect(managerPage.url().includes('/p/sales/board?done=published'), 'not back on the board: ' + managerPage.url());
  await managerPage.waitForSelector('#board[data-ready="1"]');
  expect((await textOf(managerPage.locator('.meta').first())).includes('v2'), 'the board is not on version 2');
  expect(await managerPage.locator('.column[data-stage="mql"]').count() === 0, 'the old column is still there');
  const column = managerPage.locator('.column[data-stage="qualified-lead"]');
  expect((await textOf(column.locator('h3'))) === 'Qualified lead', 'the renamed column is missing');
  expect(await column.locator('.card-link', { hasText: 'Acme renewal' }).count() === 1, 'the deal did not follow its stage');
});

await step('the Korean interface', async () => {
  // The switch on the page, remembered across pages.
  await boardReady(repPage, '/p/sales/board');
  await Promise.all([repPage.waitForNavigation(), repPage.selectOption('#language-choice', 'ko')]);
  expect((await repPage.getAttribute('html', 'lang')) === 'ko', 'the page is not Korean');
  expect((await textOf(repPage.locator('h1'))) === '파이프라인 보드', 'the heading is not Korean');
  expect((await textOf(repPage.locator('nav.sections'))).includes('대시보드'), 'the navigation is not Korean');
  await repPage.waitForSelector('#board[data-ready="1"]');
  await checkPage(repPage, 'Korean board');
  await shot(repPage, 'board-ko');
  await repPage.goto(base + '/p/sales/dashboard');
  expect((await textOf(repPage.locator('h1'))) === '대시보드', 'the choice was not remembered');
  expect((await textOf(repPage.locator('main'))).includes('퍼널'), 'the dashboard is not Korean');
  await checkPage(repPage, 'Korean dashboard');
  await Promise.all([repPage.waitForNavigation(), repPage.selectOption('#language-choice', 'en')]);
  expect((await repPage.getAttribute('html', 'lang')) === 'en', 'not back in English');
  // A browser that prefers Korean gets it before signing in.
  const ko = await (await context({ locale: 'ko-KR' })).newPage();
  await ko.goto(base + '/sign-in');
  expect((await textOf(ko.locator('h1'))) === 'salesmap 로그인', 'Accept-Language is not followed');
  await checkPage(ko, 'Korean sign-in');
});

await step('a deal named like markup is text everywhere', async () => {
  await repPage.goto(base + '/p/sales/deals/new');
  await repPage.fill('#d-name', XSS);
  await repPage.fill('#d-company', '"><script>alert(2)</script>');
  await Promise.all([repPage.waitForNavigation(), repPage.click('form button[type=submit].primary')]);
  const dealPath = new URL(repPage.url()).pathname;
  const pages = [dealPath, '/p/sales/board', '/p/sales/board?q=' + encodeURIComponent(XSS), '/p/sales/stages/brand-awareness'];
  for (const path of pages) {
    await repPage.goto(base + path);
    const found = await repPage.evaluate((name) => ({
      text: document.body.innerText.includes(name),
      images: document.querySelectorAll('img[src="x"], img:not([src^="/assets/"])').length,
      scripts: Array.from(document.scripts).filter((s) => !s.src && s.type !== 'application/json').length,
    }), XSS);
    expect(found.text, `${path}: the name is not shown as text`);
    expect(found.images === 0 && found.scripts === 0, `${path}: markup became elements: ${JSON.stringify(found)}`);
    clean();
  }
  // A manager sees it in the audit log, and in the dashboard's stale list once it is old:
  // the audit log is enough here.
  await managerPage.goto(base + '/audit');
  expect(await managerPage.locator('img[src="x"]').count() === 0, 'audit log made an image');
  clean();
});

await step('screenshots of the board and the map are painted and nothing overflows', async () => {
  for (const [name, path, selector] of [['board', '/p/sales/board', '.board'], ['map', '/p/sales/map', 'figure.drawing']]) {
    await managerPage.goto(base + path);
    await managerPage.waitForSelector(selector);
    await checkPage(managerPage, name);
    const image = await shot(managerPage, name);
    const whole = paint(image, { x: 0, y: 0, width: image.width, height: image.height }, [244, 246, 248]);
    expect(whole.share > 0.3 && whole.colours > 12, `${name}: the screenshot is hardly painted: ${JSON.stringify(whole)}`);
    const box = await managerPage.locator(selector).boundingBox();
    const region = paint(image, box, [255, 255, 255]);
    expect(region.share > 0.05 && region.colours > 8, `${name}: ${selector} is empty: ${JSON.stringify(region)}`);
  }
  // The map's drawing: every stage box drawn and linked, within the figure.
  const links = await managerPage.locator('figure.drawing a.stage-link').count();
  expect(links >= 14, 'stage boxes are not links: ' + links);
  const fits = await managerPage.evaluate(() => {
    const fig = document.querySelector('figure.drawing').getBoundingClientRect();
    const svg = document.querySelector('figure.drawing svg').getBoundingClientRect();
    return svg.left >= fig.left - 1 && svg.right <= fig.right + 1;
  });
  expect(fits, 'the drawing is wider than its figure');
  // A stage box opens its stage page.
  await Promise.all([managerPage.waitForNavigation(), managerPage.locator('figure.drawing a.stage-link').first().click()]);
  expect(managerPage.url().includes('/p/sales/stages/'), 'the stage box is not a link to its page');
  await checkPage(managerPage, 'stage page');
  await shot(managerPage, 'stage');
});

await step('on a tablet: every page fits the screen and the board scrolls in its own box', async () => {
  const tablet = await (await context({ viewport: { width: 820, height: 1180 }, hasTouch: true })).newPage();
  await signIn(tablet, 'manager', 'manager-password-1');
  for (const path of ['/p/sales/board', '/p/sales/map', '/p/sales/dashboard', '/p/sales/editor', '/audit', '/tokens']) {
    await tablet.goto(base + path);
    await checkPage(tablet, 'tablet ' + path);
  }
  await tablet.goto(base + '/p/sales/board');
  await tablet.waitForSelector('#board[data-ready="1"]');
  await shot(tablet, 'board-tablet');
});

await step('every other page, checked and pictured', async () => {
  for (const [name, path] of [
    ['dashboard', '/p/sales/dashboard'],
    ['deal', null],
    ['users', '/admin/users'],
    ['tokens', '/tokens'],
    ['pipelines', '/pipelines'],
  ]) {
    const page = name === 'users' || name === 'pipelines' ? adminPage : managerPage;
    let target = path;
    if (!target) {
      target = await page.evaluate(async () => {
        const r = await fetch('/api/v1/pipelines/sales/deals?limit=500');
        const d = (await r.json()).deals.find((x) => x.name === 'Acme renewal');
        return '/deals/' + d.id;
      });
    }
    await page.goto(base + target);
    await checkPage(page, name);
    if (name !== 'pipelines') await shot(page, name);
  }
});

await step('an import through the form, with its summary and problems', async () => {
  await managerPage.goto(base + '/p/sales/import');
  const csv = 'deal_id,stage,timestamp,amount\nCRM-1,Awareness,2026-01-02T10:00:00Z,1200\n' +
    'CRM-1,Engaged,2026-01-09T10:00:00Z,1200\nCRM-2,MQL,04/03/2026,900\nCRM-3,Somewhere,2026-02-01T09:00:00Z,\n';
  const file = { name: 'crm-export.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
  await managerPage.setInputFiles('#i-file', file);
  await Promise.all([managerPage.waitForNavigation(), managerPage.click('form[enctype] button[type=submit]')]);
  // 04/03/2026 reads either way: the page says so and which field settles it.
  const refusal = await textOf(managerPage.locator('[role=alert]'));
  expect(refusal.includes('04/03/2026') && refusal.includes('Day first'), 'the date order is not explained: ' + refusal);
  await managerPage.selectOption('#i-dates', 'day-first');
  await managerPage.setInputFiles('#i-file', file);
  await Promise.all([managerPage.waitForNavigation(), managerPage.click('form[enctype] button[type=submit]')]);
  const alert = managerPage.locator('[role=alert]');
  if (await alert.count()) throw new Error('refused: ' + await textOf(alert.first()));
  const notice = await textOf(managerPage.locator('.notice'));
  expect(notice.startsWith('Imported 3 deals'), 'no summary: ' + notice);
  const problems = await textOf(managerPage.locator('table'));
  expect(problems.includes('Somewhere'), 'the unknown stage is not reported: ' + problems);
  await checkPage(managerPage, 'import result');
  await shot(managerPage, 'import');
});

await step('the report downloads', async () => {
  await managerPage.goto(base + '/p/sales/dashboard');
  const [download] = await Promise.all([
    managerPage.waitForEvent('download'),
    managerPage.getByRole('link', { name: 'Download the report' }).click(),
  ]);
  expect(/^sales-report-\d{4}-\d{2}-\d{2}-en\.html$/.test(download.suggestedFilename()), 'odd name: ' + download.suggestedFilename());
  clean();
});

await browser.close();
if (failed) process.exit(1);
console.log('all flows passed');

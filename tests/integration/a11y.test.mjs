// JIS X 8341-3:2016 level AA (WCAG 2.0 AA), checked by axe-core (npm) in
// chromium: every page, signed out and as every role, with the rules of
// the tags wcag2a and wcag2aa (colour contrast included), must report no
// violation. axe is injected by playwright; the page's CSP would refuse an
// injected script, so these contexts bypass it (the pages' own scripts
// are the same either way).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BASE, skipUnlessStack, sql, activitiesOf } from './accounts.mjs';
import { launchChromium, contextOptions } from './chromium.mjs';

skipUnlessStack();
const SRC = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();
const AXE = `${SRC}/node_modules/axe-core/axe.min.js`;

const plan = sql("SELECT id FROM plan WHERE state <> 'draft' ORDER BY id LIMIT 1");
const activity = sql('SELECT activity_id FROM placement WHERE NOT relisted ORDER BY activity_id LIMIT 1');

// Every page of www/, with the address a user opens it at. Pages another
// change adds are tried once their file is there.
const PAGES = [
  '/?per=all', // the whole list: every row's buttons
  '/report.html?fy=2024',
  '/admin.html',
  `/compare.html?plan=${plan}&with=${plan}`,
  `/publiccomment.html?plan=${plan}`,
  ...(existsSync(`${SRC}/www/activity.html`) ? [`/activity.html?id=${activity}`] : []),
  ...(existsSync(`${SRC}/www/dashboard.html`) ? ['/dashboard.html'] : []),
];
const ROLES = [null, 'viewer', 'koseki-staff', 'koseki-manager', 'admin'];

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function signedInContext(login) {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1366, height: 768 }, bypassCSP: true });
  if (login) {
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#signin-open');
    await page.fill('#login-id', login);
    await page.fill('#login-password', 'shinchoku-dev');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await page.click('#signin-submit');
    assert.equal((await answered).status(), 200);
    await page.waitForSelector('#user-box:not([hidden])');
    await page.close();
  }
  return context;
}

// axe's violations on the page as it is now: "rule ×count: target…".
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      rules: { 'label-content-name-mismatch': { enabled: true } },
    });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return found.map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 3).join(' | ')}`);
}

export async function settled(page, path) {
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
}

for (const role of ROLES) {
  test(`axe (wcag2a, wcag2aa): no violation on any page, ${role ? `as ${role}` : 'signed out'}`, { timeout: 300000 }, async () => {
    const context = await signedInContext(role);
    try {
      const page = await context.newPage();
      const all = {};
      for (const path of PAGES) {
        await settled(page, path);
        const v = await violations(page);
        if (v.length) all[path] = v;
      }
      assert.deepEqual(all, {});
    } finally {
      await context.close();
    }
  });
}

// The dialogs, open, as their users see them (nothing is saved).
test('axe: the sign-in, edit, status and history dialogs open', { timeout: 300000 }, async () => {
  const own = (await activitiesOf('戸籍住民課'))[0].id;
  const anon = await signedInContext(null);
  try {
    const page = await anon.newPage();
    await settled(page, '/');
    await page.click('#signin-open');
    await page.waitForSelector('#signin-dialog[open]');
    assert.deepEqual(await violations(page), []);
  } finally {
    await anon.close();
  }
  const context = await signedInContext('koseki-staff');
  try {
    const page = await context.newPage();
    await settled(page, '/');
    const found = {};
    for (const [action, dialog, url] of [['edit', '#edit-dialog', '/api/activities/'],
      ['status', '#status-dialog', '/api/activities/'], ['history', '#history-dialog', '/api/audit?']]) {
      const read = page.waitForResponse((r) => r.url().includes(url) && r.request().method() === 'GET');
      await page.click(`#activities-body tr[data-activity-id="${own}"] button[data-action="${action}"]`);
      await read;
      await page.waitForSelector(`${dialog}[open]:not(:has([aria-busy="true"]))`);
      const v = await violations(page);
      if (v.length) found[dialog] = v;
      await page.keyboard.press('Escape');
      await page.waitForSelector(dialog, { state: 'hidden' });
    }
    assert.deepEqual(found, {});
  } finally {
    await context.close();
  }
});

// The admin page's states after an answer: a dry run's changes and
// problems, and the password dialog (nothing is saved).
test('axe: the admin page with a dry run\'s result and the password dialog open', { timeout: 300000 }, async () => {
  const context = await signedInContext('admin');
  try {
    const page = await context.newPage();
    await settled(page, '/admin.html');
    await page.selectOption('#import-fy', '2024');
    const csv = (await (await fetch(`${BASE}/api/reports/2024/progress.csv`)).text()).replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n');
    // One changed result (a change) and a line that names no activity (a problem).
    lines[1] = lines[1].replace('（推進）', '（推進・アクセシビリティ試験）');
    lines.splice(2, 0, '9999,9-9-⑨,存在しない,存在しない取組,○,,,,,');
    await page.setInputFiles('#import-file', { name: 'progress.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
    const answered = page.waitForResponse((r) => r.url().includes('/import?dry_run=true'));
    await page.click('#import-dry');
    await answered;
    await page.waitForSelector('#import-result:not([hidden]):not([data-outcome="busy"])');
    const found = {};
    let v = await violations(page);
    if (v.length) found['dry run'] = v;
    await page.locator('#users-body tr .u-password').first().click();
    await page.waitForSelector('#password-dialog[open]');
    v = await violations(page);
    if (v.length) found['password dialog'] = v;
    assert.deepEqual(found, {});
  } finally {
    await context.close();
  }
});

// JIS X 8341-3:2016 level AA (WCAG 2.0 AA), checked by axe-core (npm) in
// chromium: every page, signed out and as every role, with the rules of
// the tags wcag2a and wcag2aa (colour contrast included), must report no
// violation. axe is injected by playwright; the page's CSP would refuse an
// injected script, so these contexts bypass it (the pages' own scripts
// are the same either way).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BASE, skipUnlessStack, sql } from './accounts.mjs';
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
  test(`axe (wcag2a, wcag2aa): no violation on any page, ${role ? `as ${role}` : 'signed out'}`, { timeout: 120000 }, async () => {
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

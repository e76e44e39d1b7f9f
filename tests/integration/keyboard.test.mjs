// The portal with a keyboard only: sign-in, editing a result, a status
// request and its approval, moved through with Tab (and Shift+Tab), opened
// with Enter or Space, closed with Escape, text typed; a radio group moves
// with the arrow keys, as it does for every keyboard user. Each step waits
// for the server's answer. The seed is put back through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, skipUnlessStack, signIn, activitiesOf, year, restoreStatus } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function open() {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { context, page, errors };
}

const focused = (page, selector) => page.evaluate((s) => !!document.activeElement?.matches(s), selector);

// Tab (or Shift+Tab) until the element of selector has the focus.
async function tabTo(page, selector, { back = false, max = 400 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await focused(page, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`Tab never reached ${selector} (the focus is on ${at})`);
}

async function signInKeys(page, login) {
  await tabTo(page, '#signin-open');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#signin-dialog[open]');
  await tabTo(page, '#login-id');
  await page.keyboard.type(login);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page, '#login-password'), true);
  await page.keyboard.type('shinchoku-dev');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
  await page.keyboard.press('Enter');
  assert.equal((await answered).status(), 200);
  await page.waitForSelector('#user-box:not([hidden])');
  await page.waitForSelector('#activities-body tr .row-actions');
}

const freshRead = (page) => page.waitForResponse((r) => /\/api\/activities\/\d+(\/years\/\d+)?$/.test(new URL(r.url()).pathname)
  && r.request().method() === 'GET');

test('keyboard: edit a result (Escape closes unchanged), save with Enter', { timeout: 60000 }, async () => {
  const target = (await activitiesOf('戸籍住民課'))[0];
  const original = await year(target.id);
  const { context, page, errors } = await open();
  try {
    await signInKeys(page, 'koseki-staff');
    const edit = `tr[data-activity-id="${target.id}"] button[data-action="edit"]`;
    await tabTo(page, edit);
    let read = freshRead(page);
    await page.keyboard.press('Enter');
    await read;
    await page.waitForSelector('#edit-dialog[open]');
    assert.equal(await focused(page, '#edit-result'), true, 'the dialog starts at its first field');

    // Escape: closed, nothing sent, the focus back on 編集.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal(await focused(page, edit), true, 'the focus returns to the button that opened the dialog');

    read = freshRead(page);
    await page.keyboard.press('Space');
    await read;
    await page.waitForSelector('#edit-dialog[open]');
    await page.keyboard.type(`キーボード試験 ${Date.now()} `);
    const typed = await page.inputValue('#edit-result');
    assert.notEqual(typed, original.result);
    await tabTo(page, '#edit-save');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/activities/${target.id}/years/2024`));
    await page.keyboard.press('Enter');
    assert.equal((await saved).status(), 200);
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal((await year(target.id)).result, typed);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    const staff = await signIn('koseki-staff');
    const now = await year(target.id);
    if (now.result !== original.result) {
      const r = await staff.patch(`/api/activities/${target.id}/years/2024`, { result: original.result },
        { headers: { 'If-Match': `"${now.version}"` } });
      assert.equal(r.status, 200, r.text);
    }
  }
});

test('keyboard: a status request ○→△ with its reason, approved by the manager in the inbox', { timeout: 80000 }, async () => {
  const target = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  const original = await year(target.id);
  const staffUi = await open();
  const managerUi = await open();
  let approved = false;
  try {
    const { page } = staffUi;
    await signInKeys(page, 'koseki-staff');
    await tabTo(page, `tr[data-activity-id="${target.id}"] button[data-action="status"]`);
    const read = freshRead(page);
    await page.keyboard.press('Enter');
    await read;
    await page.waitForSelector('#status-dialog[open]');

    // Into the radio group, then to △ with the arrows (○, the current one, is skipped).
    await tabTo(page, '#status-choices input[type="radio"]');
    for (let i = 0; i < 4 && !(await focused(page, '#status-choices input[value="delayed"]')); i++) {
      await page.keyboard.press('ArrowDown');
    }
    assert.equal(await page.isChecked('#status-choices input[value="delayed"]'), true);
    await tabTo(page, '#status-reason');
    await page.keyboard.type('キーボード試験：システム改修の遅れ');
    await tabTo(page, '#status-submit');
    const requested = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/status-requests'));
    await page.keyboard.press('Enter');
    assert.equal((await requested).status(), 201);
    await page.waitForSelector('#status-dialog', { state: 'hidden' });
    assert.equal((await year(target.id)).status, 'on_schedule', 'nothing changes before the decision');

    const m = managerUi.page;
    await signInKeys(m, 'koseki-manager');
    const item = `#inbox li[data-activity-id="${target.id}"]`;
    await m.waitForSelector(item);
    await tabTo(m, `${item} input.comment`);
    await m.keyboard.type('了承');
    await m.keyboard.press('Tab');
    assert.equal(await m.evaluate((s) => document.activeElement?.textContent, item), '承認');
    const decided = m.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/decision'));
    await m.keyboard.press('Enter');
    assert.equal((await decided).status(), 200);
    approved = true;
    const y = await year(target.id);
    assert.equal(y.status, 'delayed');
    assert.equal(y.change_reason, 'キーボード試験：システム改修の遅れ');
    assert.deepEqual(staffUi.errors, []);
    assert.deepEqual(managerUi.errors, []);
  } finally {
    await staffUi.context.close();
    await managerUi.context.close();
    // The road back through the API: △→○ with the seed's reason.
    await restoreStatus(target.id, original, approved);
  }
});

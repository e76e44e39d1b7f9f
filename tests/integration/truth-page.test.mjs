// Messages that tell the truth, on the portal page at 1366×768: a locked
// year offers no editing and says so; a refused edit says why (never the
// conflict text); the conflict panel names who changed the record and
// when, and overwriting asks once more; unsaved text is never dropped
// silently; the requester sees each decision with its comment; a list
// that could not be read says so with a retry, never "no activity".
// Every wait is for the server's answer or for what the page shows after
// it, never for time. A failing test leaves a screenshot (its path is in
// the error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, skipUnlessStack, signIn, activitiesOf, year, restoreTexts } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions, signInThroughPage } from './chromium.mjs';

skipUnlessStack();

const SHOTS = join(process.env.SHINCHOKU_TEST_STATE || tmpdir(), 'screenshots');
let browser;

before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

// A signed-in (or anonymous) page at 1366×768, its console errors, and
// run(): the test body, with a screenshot when it fails.
async function session(login, path = '/') {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = collectErrors(page, [409, 503]);
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  if (login) {
    await signInThroughPage(page, login);
    await page.waitForSelector('#activities-body tr .row-actions');
  }
  const run = async (name, body) => {
    try {
      await body();
    } catch (e) {
      mkdirSync(SHOTS, { recursive: true });
      const file = join(SHOTS, `truth-${name}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      e.message += ` (screenshot: ${file})`;
      throw e;
    } finally {
      await context.close();
    }
  };
  return { page, errors, run };
}

const rowOf = (page, id) => page.locator(`#activities-body tr[data-activity-id="${id}"]`);
const patchAnswer = (page, id) => page.waitForResponse((r) => r.url().includes(`/api/activities/${id}/years/2024`) && r.request().method() === 'PATCH');

async function setLocked(locked) {
  const admin = await signIn('admin');
  const fy = (await admin.get('/api/fiscal-years')).body.items.find((y) => y.fiscal_year === 2024);
  if (fy.locked === locked) return;
  const r = await admin.patch('/api/fiscal-years/2024', { locked }, { headers: { 'If-Match': `"${fy.version}"` } });
  assert.equal(r.status, 200, r.text);
}


test('a locked year: no 編集 or 状況変更, a line that says so; an edit that meets the lock says so in Japanese', { timeout: 120000 }, async () => {
  const target = (await activitiesOf('戸籍住民課'))[0];
  const original = await year(target.id);
  try {
    await setLocked(true);
    const { page, errors, run } = await session('koseki-staff');
    await run('locked-page', async () => {
      assert.equal(await page.isVisible('#year-locked'), true);
      assert.match(await page.textContent('#year-locked'), /令和6年度は締め切られています/);
      assert.equal(await page.locator('#activities-body button[data-action="edit"], #activities-body button[data-action="status"]').count(), 0);
      assert.ok(await page.locator('#activities-body button[data-action="history"]').count() > 0, 'the history stays');
      assert.deepEqual(errors, []);
    });
  } finally {
    await setLocked(false);
  }

  // The dialog was opened before the lock: saving says the year is locked.
  const { page, errors, run } = await session('koseki-staff');
  await run('locked-edit', async () => {
    assert.equal(await page.isHidden('#year-locked'), true);
    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');
    await setLocked(true);
    try {
      await page.fill('#edit-result', `${original.result}（締切後の入力）`);
      const answered = patchAnswer(page, target.id);
      await page.click('#edit-save');
      assert.equal((await answered).status(), 409);
      await page.waitForSelector('#edit-error:not([hidden])');
      assert.match(await page.textContent('#edit-error'), /令和6年度は締め切られているため、変更できません/);
      assert.equal(await page.isHidden('#edit-conflict'), true, 'never the conflict panel');
      assert.doesNotMatch(await page.textContent('#edit-dialog'), /（空欄）/);
      await page.waitForSelector('#year-locked:not([hidden])');
      assert.deepEqual(errors, []);
    } finally {
      await setLocked(false);
    }
  });
  assert.equal((await year(target.id)).result, original.result);
});

test('the conflict panel names who changed the record and when; overwriting asks once more', { timeout: 120000 }, async () => {
  const target = (await activitiesOf('戸籍住民課'))[2];
  const original = await year(target.id);
  const { page, errors, run } = await session('koseki-staff');
  await run('conflict', async () => {
    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');
    const manager = await signIn('koseki-manager');
    const theirs = `課長が先に保存 ${Date.now()}`;
    const r = await manager.patch(`/api/activities/${target.id}/years/2024`, { result: theirs },
      { headers: { 'If-Match': `"${original.version}"` } });
    assert.equal(r.status, 200, r.text);

    const mine = `担当者の入力 ${Date.now()}`;
    await page.fill('#edit-result', mine);
    let answered = patchAnswer(page, target.id);
    await page.click('#edit-save');
    assert.equal((await answered).status(), 409);
    await page.waitForSelector('#edit-conflict:not([hidden])');
    const who = await page.textContent('#conflict-who');
    assert.ok(who.includes(manager.user.display_name), who);
    assert.match(who, /\d+年\d+月\d+日 \d+:\d{2}に変更しました/);

    // Overwriting asks first; 戻る sends nothing.
    let sent = 0;
    page.on('request', (q) => { if (q.method() === 'PATCH') sent += 1; });
    await page.click('#conflict-keep');
    await page.waitForSelector('#confirm-dialog[open]');
    assert.ok((await page.textContent('#confirm-text')).includes(manager.user.display_name));
    await page.click('#confirm-cancel');
    await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
    assert.equal(sent, 0);
    assert.equal((await year(target.id)).result, theirs);

    await page.click('#conflict-keep');
    await page.waitForSelector('#confirm-dialog[open]');
    answered = patchAnswer(page, target.id);
    await page.click('#confirm-ok');
    assert.equal((await answered).status(), 200);
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal((await year(target.id)).result, mine);
    assert.deepEqual(errors, []);
  });
  await restoreTexts(target.id, original);
});

test('unsaved text: closing the dialog asks first; leaving the page warns', { timeout: 120000 }, async () => {
  const target = (await activitiesOf('戸籍住民課'))[3];
  const { page, errors, run } = await session('koseki-staff');
  await run('unsaved', async () => {
    // Unchanged: closes at once.
    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');
    await page.click('#edit-cancel');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal(await page.isHidden('#confirm-dialog'), true);

    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');
    await page.fill('#edit-result', '保存していない入力');
    await page.click('#edit-cancel');
    await page.waitForSelector('#confirm-dialog[open]');
    assert.match(await page.textContent('#confirm-text'), /まだ保存されていません/);
    await page.click('#confirm-cancel'); // 編集に戻る
    await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
    assert.equal(await page.isVisible('#edit-dialog'), true);
    assert.equal(await page.inputValue('#edit-result'), '保存していない入力');

    // Escape asks too.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#confirm-dialog[open]');
    await page.click('#confirm-cancel');
    assert.equal(await page.isVisible('#edit-dialog'), true);

    // Leaving the page: the page asks the browser to question it
    // (beforeunload cancelled), only while there is unsaved text.
    const leaving = () => page.evaluate(() => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    });
    assert.equal(await leaving(), true);
    await page.fill('#edit-result', (await year(target.id)).result); // as loaded: nothing unsaved
    await page.click('#edit-cancel');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal(await leaving(), false);
    assert.deepEqual(errors, []);
  });
});

test('the requester sees each decision with the decider\'s comment; the history names both', { timeout: 120000 }, async () => {
  const target = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  const staff = await signIn('koseki-staff');
  const req = await staff.post(`/api/activities/${target.id}/years/2024/status-requests`, { status: '△', reason: '調達の遅れ' });
  assert.equal(req.status, 201, req.text);
  const manager = await signIn('koseki-manager');
  const comment = `理由をもう少し具体的に ${Date.now()}`;
  const d = await manager.post(`/api/status-requests/${req.body.id}/decision`, { decision: 'reject', comment });
  assert.equal(d.status, 200, d.text);

  const { page, errors, run } = await session('koseki-staff');
  await run('decisions', async () => {
    const item = page.locator(`#decided li[data-request-id="${req.body.id}"]`);
    await item.waitFor();
    const text = await item.textContent();
    assert.match(text, /差し戻されました/);
    assert.ok(text.includes(comment), text);
    assert.ok(text.includes(manager.user.display_name), text);

    const listed = page.waitForResponse((r) => r.url().includes('/api/status-requests?state=all'));
    await rowOf(page, target.id).locator('button[data-action="history"]').click();
    await listed;
    const h = page.locator(`#history-requests li[data-request-id="${req.body.id}"]`);
    await h.waitFor();
    const ht = await h.textContent();
    assert.ok(ht.includes(`申請：${staff.user.display_name}`), ht);
    assert.ok(ht.includes(`差戻し：${manager.user.display_name}`), ht);
    assert.ok(ht.includes(comment), ht);
    assert.deepEqual(errors, []);
  });
});

test('the API down: the list says it could not be read, with a retry; never "no activity"', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  let down = true;
  await page.route(/\/api\/activities\?/, (route) => (down
    ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' })
    : route.continue()));
  try {
    await page.goto(`${BASE}/?per=all`); // the 105 rows on one page (50 a page otherwise)
    await page.waitForSelector('#activities-failed:not([hidden])');
    assert.match(await page.textContent('#activities-failed'), /取組の一覧を読み込めませんでした。サーバーが一時的に応答していません/);
    assert.equal(await page.isHidden('#activities-empty'), true, 'not "no activity"');
    down = false;
    const answered = page.waitForResponse((r) => r.url().includes('/api/activities?') && r.status() === 200);
    await page.click('#activities-retry');
    await answered;
    await page.waitForSelector('#activities-failed', { state: 'hidden' });
    await page.waitForFunction(() => document.querySelectorAll('#activities-body tr').length === 105);
  } catch (e) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'truth-list-down.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

// The portal page (www/) in a real browser: Debian's chromium driven by
// playwright-core, through nginx against the running stack. Read-only
// checks first, then sign-in and editing as the demo accounts; every test
// that changes data puts the seed back, so ○102 △3 holds for the next one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, skipUnlessStack, signIn, anonymous, activitiesOf, year, restoreTexts, restoreStatus } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();


let browser;
let anonymousContext; // shared by the tests that never sign in


before(async () => {
  browser = await launchChromium();
  anonymousContext = await browser.newContext(contextOptions);
});

after(async () => {
  await browser?.close();
});

// A page with the portal loaded, in a fresh browser profile (no cookie, no
// storage) unless shared. errors collects console errors and uncaught
// exceptions. close() closes what open() made.
async function open(path = '/', { routes, shared = false } = {}) {
  const context = shared ? anonymousContext : await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = collectErrors(page);
  if (routes) await routes(page);
  await page.goto(BASE + wholeList(path));
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { context, page, errors, close: () => (shared ? page.close() : context.close()) };
}

// These tests count and find rows of the whole list: one page of all of it
// (list-page.test.mjs tries the pages and the order).
const wholeList = (path) => (/^\/(index\.html)?(\?|$)/.test(path) && !/[?&]per=/.test(path)
  ? `${path}${path.includes('?') ? '&' : '?'}per=all` : path);

// Waits until the list has settled on n rows and says "n件".
async function waitForList(page, n) {
  await page.waitForFunction((want) => {

    const t = document.querySelector('#activities');
    return t.getAttribute('aria-busy') === 'false' &&
      document.querySelector('#count').textContent === `${want}件` &&
      document.querySelectorAll('#activities-body tr').length === Math.min(want, 500);
  }, n, { timeout: 10000 }).catch(async (e) => {
    const seen = await page.evaluate(() => ({
      busy: document.querySelector('#activities').getAttribute('aria-busy'),
      count: document.querySelector('#count').textContent,
      rows: document.querySelectorAll('#activities-body tr').length,
      q: document.querySelector('#f-q').value,
    }));
    throw new Error(`list did not settle on ${n} rows: ${JSON.stringify(seen)} (${e.message})`);
  });
}

const summaryCounts = (page) => page.$$eval('#summary td[data-status]',
  (tds) => Object.fromEntries(tds.map((td) => [td.dataset.status, td.textContent.trim()])));

async function apiTotal(params) {
  const r = await anonymous.get(`/api/activities?${new URLSearchParams({ fy: '2024', limit: '1', ...params })}`);
  assert.equal(r.status, 200, r.text);
  return r.body.total;
}

// ---- read-only portal ------------------------------------------------------

test('FY2024 portal: summary, 105 activities, timeline, no console errors', { timeout: 30000 }, async () => {
  const { close, page, errors } = await open('/', { shared: true });
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    assert.equal(await page.$eval('#fy', (s) => s.value), '2024');
    assert.match(await page.$eval('#fy', (s) => s.selectedOptions[0].textContent), /令和6年度/);
    const years = await page.$$eval('#fy option', (os) => os.map((o) => o.value));
    assert.ok(years.includes('2023') && years.includes('2024'), years.join());
    assert.match(await page.$eval('#fy option[value="2023"]', (o) => o.textContent), /令和5年度/);

    assert.deepEqual(await summaryCounts(page),
      { exceeded: '0', on_schedule: '102', delayed: '3', not_started: '0', total: '105' });
    assert.equal(await page.textContent('#summary-era'), '令和6年度');
    assert.equal(await page.$$eval('#summary thead th[scope="col"]', (x) => x.length), 4);

    await waitForList(page, 105);
    assert.equal(await page.textContent('#count'), '105件');
    const head = await page.$$eval('#activities thead th', (ths) => ths.filter((t) => !t.hidden).map((t) => t.textContent));
    assert.deepEqual(head, ['取組番号', '実施内容', '進捗状況', '所管課', '取組結果']);

    // The first row is the report's first activity; departments join with 、.
    const api = (await anonymous.get('/api/activities?fy=2024&limit=500')).body.items;
    const first = await page.$eval('#activities-body tr', (tr) => ({
      id: tr.dataset.activityId, code: tr.querySelector('.code').textContent,
      name: tr.querySelector('.c-name').textContent, mark: tr.querySelector('.c-status .mark').textContent,
    }));
    assert.deepEqual(first, { id: String(api[0].id), code: api[0].measure.code, name: api[0].name, mark: api[0].status_mark });
    const multi = api.find((a) => a.departments.length > 1);
    if (multi) {
      assert.equal(await page.textContent(`#activities-body tr[data-activity-id="${multi.id}"] .c-dept`),
        multi.departments.map((d) => d.name).join('、'));
    }
    // Three △ rows in the unfiltered list too.
    assert.equal(await page.$$eval('#activities-body tr[data-status="delayed"]', (x) => x.length), 3);

    // The drafting timeline of the draft plan.
    const milestones = await page.$$eval('#timeline li.milestone', (lis) => lis.map((li) => ({
      when: li.querySelector('.ms-when').textContent, title: li.querySelector('.ms-title').textContent,
    })));
    assert.equal(milestones.length, 7);
    assert.deepEqual(milestones[0], { when: '２０２５年 ８月', title: '（仮称）中野区ＤＸ推進計画骨子' });
    assert.equal(milestones[6].title, '（仮称）中野区ＤＸ推進計画策定');
    assert.match(await page.textContent('#timeline-plan'), /（仮称）中野区ＤＸ推進計画/);

    // Accessible names for the filters.
    for (const id of ['f-goal', 'f-status', 'f-department', 'f-q', 'fy']) {
      assert.equal(await page.$$eval(`label[for="${id}"]`, (x) => x.length), 1, id);
    }
    assert.equal(await page.isHidden('#error'), true);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('filters: status, summary link, goal, department, width-insensitive search, URL', { timeout: 40000 }, async () => {
  const { close, page, errors } = await open('/', { shared: true });
  try {
    await waitForList(page, 105);
    await page.selectOption('#f-status', 'delayed');
    await waitForList(page, 3);
    assert.deepEqual(await page.$$eval('#activities-body tr', (trs) => trs.map((t) => t.dataset.status)),
      ['delayed', 'delayed', 'delayed']);
    assert.match(page.url(), /status=delayed/);

    // The URL keeps the filter: a reload shows the same 3.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await waitForList(page, 3);
    assert.equal(await page.$eval('#f-status', (s) => s.value), 'delayed');

    await page.click('#f-clear');
    await waitForList(page, 105);

    // A count in the summary filters the list.
    await page.click('#summary td[data-status="on_schedule"] button');
    await waitForList(page, 102);
    assert.equal(await page.$eval('#f-status', (s) => s.value), 'on_schedule');
    await page.selectOption('#f-status', '');
    await waitForList(page, 105);

    // Goal 2 of the adopted plan.
    const plans = (await anonymous.get('/api/plans')).body.items;
    const goal2 = plans.find((p) => p.state !== 'draft').goals.find((g) => g.number === 2);
    const goalTotal = await apiTotal({ goal: String(goal2.id) });
    assert.ok(goalTotal > 0 && goalTotal < 105);
    await page.selectOption('#f-goal', String(goal2.id));
    await waitForList(page, goalTotal);
    assert.ok((await page.$$eval('#activities-body .code', (x) => x.map((c) => c.textContent))).every((c) => c.startsWith('2-')));
    await page.selectOption('#f-goal', '');
    await waitForList(page, 105);

    // A department.
    const koseki = (await anonymous.get('/api/departments')).body.items.find((d) => d.name === '戸籍住民課');
    await page.selectOption('#f-department', String(koseki.id));
    await waitForList(page, await apiTotal({ department: String(koseki.id) }));
    assert.ok((await page.$$eval('#activities-body .c-dept', (x) => x.map((c) => c.textContent))).every((t) => t.includes('戸籍住民課')));
    await page.selectOption('#f-department', '');
    await waitForList(page, 105);

    // Full-width ＡＩ finds AI; one request for the word, committed at once
    // as an IME does (keys typed one by one would race the 250 ms debounce
    // on a loaded machine).
    const aiTotal = await apiTotal({ q: 'ＡＩ' });
    assert.equal(aiTotal, await apiTotal({ q: 'AI' }));
    assert.ok(aiTotal > 0 && aiTotal < 105, String(aiTotal));
    const searches = [];
    page.on('request', (r) => { if (/\/api\/activities\?.*q=/.test(r.url())) searches.push(r.url()); });
    await page.fill('#f-q', 'ＡＩ');
    await waitForList(page, aiTotal);
    assert.equal(searches.length, 1, searches.join('\n'));
    assert.match(decodeURIComponent(searches[0]), /q=ＡＩ/);
    await page.fill('#f-q', 'この語はどこにもない検索語');
    await waitForList(page, 0);
    assert.equal(await page.isVisible('#activities-empty'), true);
    await page.fill('#f-q', '');
    await waitForList(page, 105);

    // Another year: FY2023 has records without statuses.
    await page.selectOption('#fy', '2023');
    await page.waitForFunction(() => document.querySelector('#summary-era').textContent === '令和5年度');
    await waitForList(page, 105);
    const c2023 = await summaryCounts(page);
    assert.equal(c2023.total, '105');
    assert.equal(c2023.unset, '105');
    assert.match(page.url(), /fy=2023/);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('API text is shown as text, never as markup', { timeout: 30000 }, async () => {
  const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
  const { close, page, errors } = await open('/', {
    shared: true,
    routes: (p) => p.route(/\/api\/activities\?/, async (route) => {
      const r = await route.fetch();
      const body = await r.json();
      if (body.items?.length) {
        body.items[0].name = evil;
        body.items[0].result = evil;
        body.items[0].departments = [{ id: 1, name: evil }];
      }
      await route.fulfill({ response: r, json: body });
    }),
  });
  try {
    await waitForList(page, 105);
    const row = page.locator('#activities-body tr').first();
    assert.equal(await row.locator('.c-name').textContent(), evil);
    assert.equal(await row.locator('.c-dept').textContent(), evil);
    assert.equal(await page.$$eval('#activities-body img, #activities-body script', (x) => x.length), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('an API failure shows a Japanese message in role=alert; the rest still works', { timeout: 30000 }, async () => {
  const { close, page } = await open('/', {
    shared: true,
    routes: (p) => p.route('**/api/reports/**', (route) => route.fulfill({
      status: 503, contentType: 'application/json; charset=utf-8', headers: { 'Retry-After': '5' },
      body: JSON.stringify({ error: { code: 'db_unavailable', message: 'the database is not available' } }),
    })),
  });
  try {
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    const text = await alert.textContent();
    assert.match(text, /集計を読み込めませんでした/);
    assert.match(text, /データベースに一時的に接続できません/);
    assert.doesNotMatch(text, /Error|undefined|db_unavailable|\{/);
    // The list does not depend on the summary.
    await waitForList(page, 105);
    await page.click('#error-close');
    assert.equal(await page.isHidden('#error'), true);
  } finally {
    await close();
  }

  // Not even JSON (a proxy's HTML page): still a plain Japanese message.
  const listUrl = /\/api\/activities\?.*limit=500/;
  const second = await open('/', {
    shared: true,
    routes: (p) => p.route(listUrl, (route) => route.fulfill({
      status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    })),
  });
  try {
    const alert = second.page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    const text = await alert.textContent();
    assert.match(text, /取組の一覧を読み込めませんでした/);
    assert.match(text, /サーバーが一時的に応答していません/);
    assert.doesNotMatch(text, /Error|Bad Gateway|JSON|</);
    assert.equal(await second.page.textContent('#count'), '—');
    // Once the server answers again, the next load clears the message.
    await second.page.unroute(listUrl);
    await second.page.selectOption('#f-status', 'delayed');
    await waitForList(second.page, 3);
    assert.equal(await second.page.isHidden('#error'), true);
  } finally {
    await second.close();
  }
});

// ---- signed in ---------------------------------------------------------------

async function signInUi(page, login) {
  await page.click('#signin-open');
  await page.fill('#login-id', login);
  await page.fill('#login-password', 'shinchoku-dev');
  await page.click('#signin-submit');
  await page.waitForSelector('#user-box:not([hidden])');
  await page.waitForSelector('#activities-body tr .row-actions');
}

const rowOf = (page, id) => page.locator(`#activities-body tr[data-activity-id="${id}"]`);


test('sign-in: a wrong password is refused in Japanese; viewer gets history, no editing', { timeout: 30000 }, async () => {
  const { close, page, errors } = await open('/', { shared: true });
  try {
    await page.click('#signin-open');
    await page.fill('#login-id', 'viewer');
    await page.fill('#login-password', 'not-the-password');
    await page.click('#signin-submit');
    await page.waitForSelector('#signin-error:not([hidden])');
    assert.match(await page.textContent('#signin-error'), /ログイン ID またはパスワードが違います/);
    assert.equal(await page.isHidden('#user-box'), true);
    assert.equal(await page.inputValue('#login-password'), '');
    errors.length = 0; // the 401 of the refused sign-in

    // The right password (this also clears the failure from the throttle).
    await page.fill('#login-password', 'shinchoku-dev');
    await page.click('#signin-submit');
    await page.waitForSelector('#activities-body tr .row-actions');
    assert.equal(await page.textContent('#user-meta'), '閲覧者');
    await waitForList(page, 105);
    assert.equal(await page.$$eval('#activities-body button[data-action="edit"], #activities-body button[data-action="status"]', (x) => x.length), 0);
    assert.equal(await page.$$eval('#activities-body button[data-action="history"]', (x) => x.length), 105);
    assert.equal(await page.isHidden('#inbox-section'), true);
    await page.click('#signout');
    await page.waitForSelector('#signin-open:not([hidden])');
    assert.equal(await page.$$eval('#activities-body button[data-action]', (x) => x.length), 0);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('koseki-staff: 編集 only on 戸籍住民課 rows, edit saved and restored, history, sign-out', { timeout: 40000 }, async () => {
  const mine = await activitiesOf('戸籍住民課');
  const target = mine[0];
  const original = await year(target.id);
  const { close, page, errors } = await open();
  try {
    await signInUi(page, 'koseki-staff');
    assert.equal(await page.textContent('#user-name'), '戸籍住民課 担当');
    assert.equal(await page.textContent('#user-meta'), '担当職員・戸籍住民課');
    // Their own department's activities first, every one editable; one
    // click shows all (pages.test.mjs tries that for each role).
    await waitForList(page, mine.length);
    assert.equal(await page.$$eval('#activities-body tr button[data-action="edit"]', (x) => x.length), mine.length);
    const all = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/activities'
      && !new URL(r.url()).searchParams.has('department'));
    await page.click('#show-all');
    assert.equal((await all).status(), 200);
    await waitForList(page, 105);

    const editable = await page.$$eval('#activities-body tr', (trs) => trs
      .filter((tr) => tr.querySelector('button[data-action="edit"]'))
      .map((tr) => ({ id: Number(tr.dataset.activityId), dept: tr.querySelector('.c-dept').textContent })));
    assert.deepEqual(editable.map((e) => e.id), mine.map((a) => a.id));
    assert.ok(editable.every((e) => e.dept.includes('戸籍住民課')));
    // History is there for every row; editing is not.
    assert.equal(await page.$$eval('#activities-body button[data-action="history"]', (x) => x.length), 105);

    // Edit the result; the markup in it stays text.
    const text = `ブラウザ試験の取組結果 <b>太字ではない</b> ${Date.now()}`;
    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');
    assert.equal(await page.inputValue('#edit-result'), original.result);
    assert.equal(await page.inputValue('#edit-plan-next'), original.plan_next);
    await page.fill('#edit-result', text);
    await page.click('#edit-save');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    await page.waitForFunction(([id, t]) => document.querySelector(`#activities-body tr[data-activity-id="${id}"] .result-text`)?.textContent === t,
      [target.id, text]);
    assert.match(await page.textContent('#notice'), /保存しました/);
    const saved = await year(target.id);
    assert.equal(saved.result, text);
    assert.equal(saved.plan_next, original.plan_next);
    assert.equal(saved.version, original.version + 1);

    // The history names the editor and shows old and new text.
    await rowOf(page, target.id).locator('button[data-action="history"]').click();
    await page.waitForSelector('#history-dialog[open] #history li.history-item');
    const first = page.locator('#history li.history-item').first();
    assert.match(await first.textContent(), /戸籍住民課 担当/);
    assert.equal(await first.locator('ins').first().textContent(), text);
    assert.equal(await first.locator('del').first().textContent(), original.result);
    await page.click('#history-dialog button[data-close]');

    // Put the seed text back through the page.
    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');
    assert.equal(await page.inputValue('#edit-result'), text);
    await page.fill('#edit-result', original.result);
    await page.click('#edit-save');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal((await year(target.id)).result, original.result);
    assert.deepEqual(errors, []);

    // A reload keeps the session (the cookie), and the buttons come back.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('#user-name'), '戸籍住民課 担当');
    assert.equal(await page.$$eval('#activities-body button[data-action="edit"]', (x) => x.length), mine.length);
    assert.deepEqual(errors, []);

    // Sign out: the buttons go, the session is over on the server.
    await page.click('#signout');
    await page.waitForSelector('#signin-open:not([hidden])');
    assert.equal(await page.$$eval('#activities-body button[data-action]', (x) => x.length), 0);
    assert.equal(await page.isHidden('#actions-head'), true);
    assert.equal(await page.evaluate(async () => (await fetch('/api/session')).status), 401);
  } finally {
    await close();
    await restoreTexts(target.id, original);
  }
});

test('a stale edit gets 409: the page shows the other change and reloads it', { timeout: 40000 }, async () => {
  const target = (await activitiesOf('戸籍住民課'))[1];
  const original = await year(target.id);
  const { close, page } = await open();
  try {
    await signInUi(page, 'koseki-staff');
    await rowOf(page, target.id).locator('button[data-action="edit"]').click();
    await page.waitForSelector('#edit-dialog[open]');

    // Meanwhile the manager saves first.
    const manager = await signIn('koseki-manager');
    const theirs = `課長が先に保存した内容 ${Date.now()}`;
    const r = await manager.patch(`/api/activities/${target.id}/years/2024`, { result: theirs },
      { headers: { 'If-Match': `"${original.version}"` } });
    assert.equal(r.status, 200, r.text);

    await page.fill('#edit-result', '担当者の入力');
    await page.click('#edit-save');
    await page.waitForSelector('#edit-conflict:not([hidden])');
    assert.equal(await page.textContent('#conflict-result'), theirs);
    assert.equal(await page.isVisible('#edit-dialog'), true);
    assert.equal((await year(target.id)).result, theirs, 'the stale edit was not saved');

    await page.click('#conflict-reload');
    assert.equal(await page.inputValue('#edit-result'), theirs);
    assert.equal(await page.isHidden('#edit-conflict'), true);

    // Now based on the current version: restoring the seed text succeeds.
    await page.fill('#edit-result', original.result);
    await page.click('#edit-save');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    assert.equal((await year(target.id)).result, original.result);
  } finally {
    await close();
    await restoreTexts(target.id, original);
  }
});

test('status change: staff requests ○→△ with a reason, the manager approves in the inbox', { timeout: 50000 }, async () => {
  const target = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  const original = await year(target.id);
  const staffUi = await open();
  const managerUi = await open();
  let approved = false;
  try {
    const { page } = staffUi;
    await signInUi(page, 'koseki-staff');
    await rowOf(page, target.id).locator('button[data-action="status"]').click();
    await page.waitForSelector('#status-dialog[open]');
    assert.match(await page.textContent('#status-current'), /○/);
    assert.equal(await page.isDisabled('#status-choices input[value="on_schedule"]'), true);

    // △ needs a reason: refused in the page, nothing sent.
    await page.check('#status-choices input[value="delayed"]');
    await page.click('#status-submit');
    assert.match(await page.textContent('#status-error'), /理由を入力してください/);
    await page.fill('#status-reason', 'ブラウザ試験：システム改修の遅れ');
    await page.click('#status-submit');
    await page.waitForSelector('#status-dialog', { state: 'hidden' });
    assert.match(await page.textContent('#notice'), /申請しました/);
    await page.waitForSelector(`#inbox li[data-activity-id="${target.id}"]`);
    assert.equal((await year(target.id)).status, 'on_schedule', 'nothing changes before the decision');

    const m = managerUi.page;
    await signInUi(m, 'koseki-manager');
    await m.waitForSelector(`#inbox li[data-activity-id="${target.id}"]`);
    assert.equal(await m.textContent('#inbox-heading'), `承認待ちの申請 ${await m.$$eval('#inbox li', (x) => x.length)}件`);
    const item = m.locator(`#inbox li[data-activity-id="${target.id}"]`);
    assert.match(await item.textContent(), /ブラウザ試験：システム改修の遅れ/);
    assert.match(await item.textContent(), /戸籍住民課 担当/);
    await item.locator('input.comment').fill('了承');
    await item.getByRole('button', { name: '承認' }).click();
    await m.waitForSelector(`#inbox li[data-activity-id="${target.id}"]`, { state: 'detached' });
    approved = true;
    await m.waitForFunction(() => document.querySelector('#summary td[data-status="delayed"]').textContent === '4');
    assert.equal(await m.textContent('#summary td[data-status="on_schedule"]'), '101');
    await m.waitForFunction((id) => document.querySelector(`#activities-body tr[data-activity-id="${id}"]`)?.dataset.status === 'delayed', target.id);
    const y = await year(target.id);
    assert.equal(y.status, 'delayed');
    assert.equal(y.change_reason, 'ブラウザ試験：システム改修の遅れ');
  } finally {
    await staffUi.close();
    await managerUi.close();
    // The road back through the API: △→○ with the seed's reason.
    await restoreStatus(target.id, original, approved);
  }
});

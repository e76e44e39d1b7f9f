// The admin page (www/admin.html) and the my-updates panel of the portal in
// a real browser: Debian's chromium driven by playwright-core, through
// nginx against the running stack. An admin opens the FY2024 reporting
// round (照会) with a past due date, koseki-staff works through the panel,
// the admin imports a CSV (a dry run with a problem first), manages a user
// and closes the round once the data is back as it was. The after hook
// takes the round, its snapshot and the test's users away again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, skipUnlessStack, signIn, anonymous, activitiesOf, year, sql } from './accounts.mjs';
import { parseCsv, toCsv } from './csv.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();


const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
const login = `adminpage-${randomBytes(4).toString('hex')}`;

let browser;
let admin; // the admin's page, shared by the tests in order
let round; // the round the test opened
let originalCsv = null; // the export before the import test, until restored

const exportCsv = async () => (await fetch(`${BASE}/api/reports/2024/progress.csv`)).text();

// ---- browser -------------------------------------------------------------------

before(async () => {
  assert.equal(sql('SELECT count(*) FROM reporting_round WHERE fiscal_year = 2024'), '0',
    'a FY2024 round is left from elsewhere; this test opens its own');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (originalCsv !== null) { // the import test stopped half-way: put the text back
    const a = await signIn('admin');
    const r = await a.post('/api/reports/2024/import', originalCsv, { headers: { 'Content-Type': 'text/csv' } });
    assert.equal(r.status, 200, r.text);
  }
  // The snapshot is immutable by design; only the owner, disabling the
  // guard on purpose, can take the test's round away again.
  sql(`BEGIN; ALTER TABLE report_snapshot DISABLE TRIGGER immutable;
       DELETE FROM report_snapshot WHERE fiscal_year = 2024;
       ALTER TABLE report_snapshot ENABLE TRIGGER immutable;
       DELETE FROM reporting_round WHERE fiscal_year = 2024; COMMIT;`);
  sql(`BEGIN; DELETE FROM session WHERE user_id IN (SELECT id FROM app_user WHERE login = '${login}');
       DELETE FROM app_user WHERE login = '${login}'; COMMIT;`);
});

// A page in a fresh browser profile. errors collects console errors and
// uncaught exceptions, except the browser's own line for an HTTP error
// status that the page answers itself (a refused dry run is a 422).
async function open(path, { allow = [] } = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = collectErrors(page, allow);
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { context, page, errors, close: () => context.close() };
}

async function signInUi(page, who) {
  await page.click('#signin-open');
  await page.fill('#login-id', who);
  await page.fill('#login-password', 'shinchoku-dev');
  await page.click('#signin-submit');
  await page.waitForSelector('#user-box:not([hidden])');
  await page.waitForSelector('#activities-body tr .row-actions');
}

// A user's row is drawn anew from every answer about it. markRow tags the
// row on screen now; redrawnRow selects a row without the tag, which only
// the page's rendering of a later answer of the server puts there.
const markRow = (page, who) => page.$eval(`#users-body tr[data-login="${who}"]`, (tr) => { tr.dataset.stale = 'true'; });
const redrawnRow = (who) => `#users-body tr[data-login="${who}"]:not([data-stale])`;

// Accepts the next confirm() and returns its text.
function acceptNextDialog(page) {
  return new Promise((resolve) => {
    page.once('dialog', async (d) => { const m = d.message(); await d.accept(); resolve(m); });
  });
}

async function adminPage() {
  if (admin) return admin;
  admin = await open('/', { allow: ['400', '422'] });
  const { page } = admin;
  await signInUi(page, 'admin');
  assert.equal(await page.isVisible('#nav-admin'), true, 'admins get the 管理 link');
  await page.click('#nav-admin');
  await page.waitForURL(/admin\.html$/);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#users-body tr');
  return admin;
}

// ---- not for everyone ---------------------------------------------------------------

test('anonymous and viewer: admin.html only says it is for admins', { timeout: 30000 }, async () => {
  const anon = await open('/admin.html');
  try {
    assert.equal(await anon.page.isVisible('#denied'), true);
    assert.equal(await anon.page.textContent('#denied-heading'), '管理者のみ利用できます');
    assert.equal(await anon.page.isHidden('#admin'), true);
    assert.equal(await anon.page.getAttribute('#denied-signin', 'href'), 'index.html');
    assert.deepEqual(anon.errors, []);
  } finally {
    await anon.close();
  }

  const v = await open('/');
  try {
    const { page } = v;
    // The header links: 議会報告 for everyone, 管理 only for admins.
    assert.equal(await page.isVisible('#nav-report'), true);
    assert.match(await page.getAttribute('#nav-report', 'href'), /^report\.html/);
    assert.equal(await page.isHidden('#nav-admin'), true);
    await signInUi(page, 'viewer');
    assert.equal(await page.isHidden('#nav-admin'), true);
    assert.equal(await page.isHidden('#my-updates-section'), true);

    const asked = [];
    page.on('request', (r) => { if (/\/api\/(users|fiscal-years|rounds)/.test(r.url())) asked.push(r.url()); });
    await page.goto(`${BASE}/admin.html`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.isVisible('#denied'), true);
    assert.equal(await page.textContent('#denied-heading'), '管理者のみ利用できます');
    assert.match(await page.textContent('#denied-text'), /閲覧者/);
    assert.equal(await page.isHidden('#admin'), true);
    assert.deepEqual(asked, [], 'nothing of the admin sections is asked for');
    assert.deepEqual(v.errors, []);
  } finally {
    await v.close();
  }
});

// ---- rounds ---------------------------------------------------------------------

test('admin opens the FY2024 round with a past due date: 105 対象, overdue per department', { timeout: 30000 }, async () => {
  const { page, errors } = await adminPage();
  assert.equal(await page.isVisible('#admin'), true);
  assert.equal(await page.isHidden('#denied'), true);
  assert.equal(await page.textContent('#user-meta'), 'システム管理者・デジタル政策課');
  assert.equal(await page.$$eval('#rounds .round[data-fiscal-year="2024"]', (x) => x.length), 0);

  await page.selectOption('#round-fy', '2024');
  await page.fill('#round-due', yesterday);
  await page.click('#round-open');
  const card = page.locator('#rounds .round[data-fiscal-year="2024"]');
  await card.waitFor();
  assert.match(await page.textContent('#notice'), /令和6年度の照会を開始しました/);

  round = (await anonymous.get('/api/rounds')).body.items.find((r) => r.fiscal_year === 2024);
  assert.equal(round.state, 'open');
  assert.equal(round.due_date, yesterday);
  assert.equal(await card.getAttribute('data-round-id'), String(round.id));
  assert.equal(await card.locator('.round-total').textContent(), '105件');
  assert.equal(await card.locator('.round-updated').textContent(), '0件');
  assert.equal(await card.locator('.round-remaining').textContent(), '105件');
  assert.match(await card.locator('.round-head').textContent(), /実施中/);
  assert.equal(await card.locator('.round-head .overdue-tag').textContent(), '期限超過');

  // One row a department, as the API counts them; all overdue and highlighted.
  const rows = await card.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    id: Number(tr.dataset.departmentId), name: tr.querySelector('th').textContent,
    total: Number(tr.querySelector('[data-k="total"]').textContent),
    updated: Number(tr.querySelector('[data-k="updated"]').textContent),
    remaining: Number(tr.querySelector('[data-k="remaining"]').textContent),
    overdue: tr.classList.contains('is-overdue') && tr.querySelector('.dept-state').textContent === '期限超過',
  })));
  const byId = (a, b) => a.id - b.id;
  assert.deepEqual(rows.sort(byId), round.departments.map((d) => ({
    id: d.id, name: d.name, total: d.total, updated: d.updated, remaining: d.remaining, overdue: d.overdue,
  })).sort(byId));
  const koseki = rows.find((d) => d.name === '戸籍住民課');
  assert.equal(koseki.total, (await activitiesOf('戸籍住民課')).length);
  assert.ok(rows.every((d) => d.overdue && d.remaining === d.total));

  // One round a year: 2024 is no longer offered.
  assert.equal(await page.$$eval('#round-fy option[value="2024"]', (x) => x.length), 0);
  assert.deepEqual(errors, []);
});

// ---- my updates ------------------------------------------------------------------

test('koseki-staff: the panel lists exactly 戸籍住民課\'s activities; saving one takes it off', { timeout: 30000 }, async () => {
  assert.ok(round, 'the round test ran');
  const staff = await signIn('koseki-staff');
  const api = (await staff.get(`/api/rounds/${round.id}/my-updates`)).body.items;
  const own = await activitiesOf('戸籍住民課');
  assert.deepEqual(api.map((i) => i.activity_id).sort((a, b) => a - b), own.map((a) => a.id).sort((a, b) => a - b));

  const ui = await open('/');
  try {
    const { page, errors } = ui;
    assert.equal(await page.isHidden('#my-updates-section'), true, 'nothing before signing in');
    await signInUi(page, 'koseki-staff');
    assert.equal(await page.isHidden('#nav-admin'), true);
    await page.waitForSelector('#my-updates-section:not([hidden]) #my-updates li');
    const listed = await page.$$eval('#my-updates li', (lis) => lis.map((li) => ({
      id: Number(li.dataset.activityId), code: li.querySelector('.code').textContent, name: li.querySelector('.mu-name').textContent,
    })));
    assert.deepEqual(listed, api.map((i) => ({ id: i.activity_id, code: i.measure_code, name: i.name })));
    assert.equal(await page.textContent('#my-updates-count'), `${api.length}件`);
    assert.match(await page.textContent('#my-updates-due'), /令和6年度の照会/);
    assert.match(await page.textContent('#my-updates-due'), /期限を過ぎています/);

    // Checked without a change: 保存 still reports it for the round.
    const target = api[0];
    const before = await year(target.activity_id);
    await page.locator(`#my-updates li[data-activity-id="${target.activity_id}"] button`).click();
    await page.waitForSelector('#edit-dialog[open]');
    assert.equal(await page.textContent('#edit-fy'), '令和6年度');
    assert.equal(await page.textContent('#edit-name'), target.name);
    assert.equal(await page.inputValue('#edit-result'), before.result);
    await page.click('#edit-save');
    await page.waitForSelector('#edit-dialog', { state: 'hidden' });
    await page.waitForSelector(`#my-updates li[data-activity-id="${target.activity_id}"]`, { state: 'detached' });
    assert.equal(await page.$$eval('#my-updates li', (x) => x.length), api.length - 1);
    assert.equal(await page.textContent('#my-updates-count'), `${api.length - 1}件`);
    assert.match(await page.textContent('#notice'), /更新済み/);
    const after = await year(target.activity_id);
    assert.equal(after.result, before.result, 'the text is as it was');
    assert.equal(after.version, before.version + 1);
    const mine = (await staff.get(`/api/rounds/${round.id}/my-updates`)).body.items.map((i) => i.activity_id);
    assert.deepEqual(mine, api.slice(1).map((i) => i.activity_id));
    assert.deepEqual(errors, []);
  } finally {
    await ui.close();
  }

  // The admin's dashboard follows.
  const { page } = await adminPage();
  const card = page.locator('#rounds .round[data-fiscal-year="2024"]');
  await card.getByRole('button', { name: '最新の状況に更新' }).click();
  await page.waitForFunction(() => document.querySelector('#rounds .round[data-fiscal-year="2024"] .round-updated')?.textContent === '1件');
  const row = card.locator('tbody tr', { has: page.locator('th', { hasText: /^戸籍住民課$/ }) });
  assert.equal(await row.locator('[data-k="updated"]').textContent(), '1');
  assert.equal(await row.locator('[data-k="remaining"]').textContent(), String(api.length - 1));
});

// ---- fiscal years -------------------------------------------------------------------

test('fiscal years: records and statuses per year, lock toggle and next-year button offered', { timeout: 20000 }, async () => {
  const { page, errors } = await adminPage();
  const api = (await anonymous.get('/api/fiscal-years')).body.items;
  const shown = await page.$$eval('#years-body tr', (trs) => trs.map((tr) => ({
    fy: Number(tr.dataset.fiscalYear), locked: tr.dataset.locked === 'true',
    records: Number(tr.querySelector('[data-k="records"]').textContent),
    statuses: tr.querySelector('[data-k="statuses"]').textContent,
    button: tr.querySelector('button.year-lock').textContent,
  })));
  assert.deepEqual(shown, api.sort((a, b) => b.fiscal_year - a.fiscal_year).map((y) => ({
    fy: y.fiscal_year, locked: y.locked, records: y.records, statuses: `${y.statuses_set} / ${y.records}`,
    button: y.locked ? 'ロックを解除' : 'ロックする',
  })));
  const latest = Math.max(...api.map((y) => y.fiscal_year));
  assert.equal(await page.getAttribute('#year-next', 'data-fiscal-year'), String(latest + 1));
  assert.match(await page.textContent('#year-next'), /次年度を開始/);

  // A lock asks first; dismissed, nothing changes (the year is not opened
  // or locked here: other tests own those).
  let asked = '';
  page.once('dialog', async (d) => { asked = d.message(); await d.dismiss(); });
  await page.click('#years-body tr[data-fiscal-year="2024"] button.year-lock');
  assert.match(asked, /令和6年度をロックします/);
  assert.equal((await anonymous.get('/api/fiscal-years')).body.items.find((y) => y.fiscal_year === 2024).locked, false);
  assert.deepEqual(errors, []);
});

// ---- import ---------------------------------------------------------------------------

test('import: a dry run shows the bad cell and blocks 取り込む; the fixed file applies one change; the export restores it', { timeout: 40000 }, async () => {
  const { page, errors } = await adminPage();
  const original = await exportCsv();
  const rows = parseCsv(original.replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0].slice(6, 10), ['令和5年度 取組結果', '令和6年度 取組結果', '令和7年度以降の取組予定', '所管課']);
  const activityId = (await anonymous.get('/api/reports/2024/appendix')).body.items.find((i) => i.seq === Number(rows[1][0])).activity_id;
  const before = await year(activityId);
  const changed = `${rows[1][7]}（管理画面の取込試験 ${Date.now()}）`;

  const upload = async (text, outcome) => {
    await page.setInputFiles('#import-file', { name: 'progress.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    assert.equal(await page.isDisabled('#import-apply'), true, 'a new file needs a new dry run');
    const sent = page.waitForRequest((r) => r.url().includes('/api/reports/2024/import?dry_run=true'));
    await page.click('#import-dry');
    const req = await sent;
    assert.match(req.headers()['content-type'], /^text\/csv/);
    await page.waitForSelector(`#import-result[data-outcome="${outcome}"]`);
  };

  await page.selectOption('#import-fy', '2024');
  assert.equal(await page.getAttribute('#import-csv', 'href'), '/api/reports/2024/progress.csv');
  assert.equal(await page.isDisabled('#import-apply'), true);

  // One changed result and one department cell that is not responsible.
  const bad = rows.map((r) => [...r]);
  bad[1][7] = changed;
  bad[2][9] = '存在しない課';
  await upload(toCsv(bad), 'problems');
  const problems = await page.$$eval('#import-problems tbody tr', (trs) => trs.map((tr) => ({
    line: tr.dataset.line, column: tr.dataset.column, cells: [...tr.cells].map((c) => c.textContent),
  })));
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].line, '3');
  assert.equal(problems[0].column, 'departments');
  assert.equal(problems[0].cells[0], '3');
  assert.match(problems[0].cells[2], /所管課/);
  assert.match(problems[0].cells[3], /存在しない課/);
  assert.match(await page.textContent('#import-summary'), /1件の問題があります/);
  assert.equal(await page.isDisabled('#import-apply'), true);
  assert.equal(await page.isHidden('#error'), true, 'problems are a result, not an error');
  assert.equal((await year(activityId)).result, before.result);

  // Fixed: one change, shown before and after; nothing written yet.
  const good = rows.map((r) => [...r]);
  good[1][7] = changed;
  originalCsv = original;
  await upload(toCsv(good), 'checked');
  const changes = await page.$$eval('#import-changes tbody tr', (trs) => trs.map((tr) => ({
    line: tr.dataset.line, column: tr.dataset.column, before: tr.querySelector('del').textContent, after: tr.querySelector('ins').textContent,
  })));
  assert.deepEqual(changes, [{ line: '2', column: 'result_2024', before: before.result, after: changed }]);
  assert.equal(await page.isHidden('#import-problems-box'), true);
  assert.equal(await page.isEnabled('#import-apply'), true);
  assert.equal((await year(activityId)).result, before.result, 'a dry run writes nothing');

  // The decided box needs a new dry run too.
  await page.check('#import-decided');
  assert.equal(await page.isDisabled('#import-apply'), true);
  await page.uncheck('#import-decided');
  await page.click('#import-dry');
  await page.waitForSelector('#import-result[data-outcome="checked"]');

  const applied = page.waitForResponse((r) => /\/api\/reports\/2024\/import$/.test(r.url()));
  await page.click('#import-apply');
  assert.equal((await applied).status(), 200);
  await page.waitForSelector('#import-result[data-outcome="applied"]');
  assert.match(await page.textContent('#import-summary'), /1行を更新/);
  assert.equal(await page.isDisabled('#import-apply'), true);
  assert.equal((await year(activityId)).result, changed);

  // The original export puts the text back.
  await upload(original, 'checked');
  assert.equal(await page.$$eval('#import-changes tbody tr', (x) => x.length), 1);
  assert.equal(await page.textContent('#import-changes tbody ins'), before.result);
  await page.click('#import-apply');
  await page.waitForSelector('#import-result[data-outcome="applied"]');
  assert.equal((await year(activityId)).result, before.result);
  assert.equal(await exportCsv(), original, 'the export is byte for byte what it was');
  originalCsv = null;
  assert.deepEqual(errors, []);
});

// ---- users ------------------------------------------------------------------------------

test('users: create one, change the role, reset the password, deactivate', { timeout: 30000 }, async () => {
  const { page, errors } = await adminPage();
  const koseki = (await anonymous.get('/api/departments')).body.items.find((d) => d.name === '戸籍住民課');
  const displayName = '管理画面試験 <b>職員</b>';

  // Staff without a department: the API's refusal, in Japanese, in the alert.
  await page.fill('#user-login', login);
  await page.fill('#user-display', displayName);
  await page.selectOption('#user-role', 'staff');
  await page.selectOption('#user-dept', '0');
  await page.fill('#user-password', 'first-password-123');
  await page.click('#user-create');
  await page.waitForSelector('#error:not([hidden])');
  const alert = await page.getByRole('alert').filter({ hasText: 'ユーザーを追加できませんでした' }).textContent();
  assert.match(alert, /入力内容に誤りがあります/);
  assert.match(alert, /所管課/);
  await page.click('#error-close');

  await page.selectOption('#user-dept', String(koseki.id));
  await page.click('#user-create');
  const row = page.locator(`#users-body tr[data-login="${login}"]`);
  await row.waitFor();
  assert.match(await page.textContent('#notice'), new RegExp(`${login}`));
  assert.equal(await row.locator('.u-name').inputValue(), displayName);
  assert.equal(await page.$$eval('#users-body b', (x) => x.length), 0);
  assert.equal(await row.locator('.u-role').inputValue(), 'staff');
  assert.equal(await row.locator('.u-dept').inputValue(), String(koseki.id));
  assert.equal(await row.locator('.u-active').isChecked(), true);
  const a = await signIn('admin');
  let u = (await a.get('/api/users')).body.items.find((x) => x.login === login);
  assert.deepEqual([u.display_name, u.role, u.department.id, u.active], [displayName, 'staff', koseki.id, true]);

  // Role, inline with If-Match. The select shows manager and 保存 is
  // disabled while the PATCH is still under way: wait for its answer and
  // for the row drawn from it.
  assert.equal(await row.locator('.u-save').isDisabled(), true);
  await row.locator('.u-role').selectOption('manager');
  const roleAsked = acceptNextDialog(page);
  await markRow(page, login);
  const roleSaved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/users/${u.id}`));
  await row.locator('.u-save').click();
  assert.match(await roleAsked, /管理職/);
  assert.equal((await roleSaved).status(), 200);
  await page.waitForSelector(redrawnRow(login));
  await page.waitForFunction((l) => document.querySelector(`#users-body tr[data-login="${l}"] .u-role`)?.value === 'manager'
    && document.querySelector(`#users-body tr[data-login="${l}"] .u-save`)?.disabled, login);
  u = (await a.get('/api/users')).body.items.find((x) => x.login === login);
  assert.equal(u.role, 'manager');

  // Password reset: the new one signs in. The page then reloads the list
  // without waiting; the next step needs the row drawn from that answer
  // (the user's new version for If-Match), not the one before.
  await row.locator('.u-password').click();
  await page.waitForSelector('#password-dialog[open]');
  await page.fill('#password-new', 'second-password-456');
  await markRow(page, login);
  const relisted = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith('/api/users'));
  await page.click('#password-submit');
  await page.waitForSelector('#password-dialog', { state: 'hidden' });
  assert.equal((await relisted).status(), 200);
  await page.waitForSelector(redrawnRow(login));
  assert.match(await page.textContent('#notice'), /パスワードを再設定しました/);
  const theirs = await signIn(login, 'second-password-456');
  assert.equal(theirs.user.role, 'manager');

  // Deactivate: asked first; their session ends.
  await row.locator('.u-active').uncheck();
  const offAsked = acceptNextDialog(page);
  await row.locator('.u-save').click();
  assert.match(await offAsked, /無効にします/);
  await page.waitForSelector(`#users-body tr[data-login="${login}"][data-active="false"]`);
  u = (await a.get('/api/users')).body.items.find((x) => x.login === login);
  assert.equal(u.active, false);
  assert.equal((await theirs.get('/api/session')).status, 401);
  assert.deepEqual(errors, []);
});

// ---- closing -----------------------------------------------------------------------------

test('admin closes the round (the data is as it was): 締切済み, no close button', { timeout: 20000 }, async () => {
  assert.ok(round, 'the round test ran');
  assert.equal(originalCsv, null, 'the import test put the text back');
  const { page, errors } = await adminPage();
  const card = page.locator('#rounds .round[data-fiscal-year="2024"]');
  const asked = acceptNextDialog(page);
  await card.locator('button.round-close').click();
  assert.match(await asked, /締め切ります/);
  await page.waitForSelector('#rounds .round[data-fiscal-year="2024"][data-state="closed"]');
  assert.match(await card.locator('.round-head').textContent(), /締切済み/);
  assert.equal(await card.locator('button.round-close').count(), 0);
  assert.equal(await card.locator('.round-head .overdue-tag').count(), 0);
  const r = (await anonymous.get(`/api/rounds/${round.id}`)).body;
  assert.equal(r.state, 'closed');
  assert.equal((await anonymous.get('/api/reports/2024/summary')).body.snapshot.round_id, round.id);
  // 2024 still has its round: it is not offered again.
  assert.equal(await page.$$eval('#round-fy option[value="2024"]', (x) => x.length), 0);
  assert.deepEqual(errors, []);
  await admin.close();
  admin = null;
});

// One definition of each rule, seen through the API and the page: the era
// of FY2019/2020 in the workbook and on the report page (SQL fiscal_era
// and the browser's Intl, never a table of our own), the progress scale
// from the database, and the one table from database errors to API errors
// (a status request in a locked year is 409 locked, not "pending").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { anonymous, signIn, skipUnlessStack, sql, activitiesOf } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();
const BASE = process.env.SHINCHOKU_TEST_URL.replace(/\/$/, '');
const require = createRequire(`${process.env.SHINCHOKU_SOURCE_DIR || process.cwd()}/package.json`);

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => {
  await browser?.close();
  sql('UPDATE fiscal_year SET locked = false, locked_at = NULL WHERE year = 2024');
});

async function workbook(fy) {
  const r = await fetch(`${BASE}/api/reports/${fy}/progress.xlsx`);
  assert.equal(r.status, 200, `FY${fy} workbook`);
  const sheets = await require('read-excel-file/node').default(Buffer.from(await r.arrayBuffer()));
  return sheets[0];
}

test('the workbook names FY2019 令和元年度 and FY2018 平成30年度', async () => {
  const y2019 = await workbook(2019);
  assert.equal(y2019.sheet, '令和元年度 別紙');
  const head = y2019.data[0].join('|');
  assert.match(head, /平成30年度 取組結果/);
  assert.match(head, /令和元年度 取組結果/);
  assert.match(head, /令和2年度以降の取組予定/);
  assert.doesNotMatch(head, /令和[01]年度|令和1年度/);
  const y2020 = await workbook(2020);
  assert.equal(y2020.sheet, '令和2年度 別紙');
  assert.match(y2020.data[0].join('|'), /令和元年度 取組結果\|令和2年度 取組結果/);
  const y2024 = await workbook(2024);
  assert.equal(y2024.sheet, '令和6年度 別紙');
});

test('the report page says 令和元年度 and 令和2年度 for FY2020', async () => {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = collectErrors(page);
  // FY2020 was never opened, and the page would say there is no report for
  // it: the years are answered as if it had been, so that its headings
  // (the era's first year among them) are printed.
  await page.route(/\/api\/fiscal-years$/, (route) => route.fulfill({
    json: { items: [{ fiscal_year: 2020, era: '令和2年度', locked: false, records: 105, statuses_set: 0 }] },
  }));
  await page.goto(`${BASE}/report.html?fy=2020`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  const text = await page.locator('body').innerText();
  assert.match(text, /令和元年度/);
  assert.match(text, /令和２年度|令和2年度/);
  assert.doesNotMatch(text, /令和[0０]年度|令和[1１]年度/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the progress scale comes from the database, as the page shows it', async () => {
  const r = await anonymous.get('/api/statuses');
  assert.equal(r.status, 200);
  const rows = sql("SELECT string_agg(key || ':' || mark || ':' || reason_required, ',' ORDER BY position) FROM progress_status");
  assert.equal(r.body.items.map((s) => `${s.key}:${s.mark}:${s.reason_required}`).join(','), rows);
  // A filter by mark reads the same scale.
  assert.equal((await anonymous.get('/api/activities?status=%E2%96%B3&fy=2024')).status, 200);
  assert.equal((await anonymous.get('/api/activities?status=%E2%97%8B%E2%97%8B')).status, 400);
});

test('a reason of ideographic spaces is no reason, in C and in the database', async () => {
  const staff = await signIn('koseki-staff');
  const own = (await activitiesOf('戸籍住民課'))[0];
  const r = await staff.post(`/api/activities/${own.id}/years/2024/status-requests`, { status: '×', reason: '　　' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'reason');
});

test('a status request in a locked year is 409 locked, in Japanese, without SQL', async () => {
  const admin = await signIn('admin');
  const staff = await signIn('koseki-staff');
  const own = (await activitiesOf('戸籍住民課'))[0];
  const fy = (await anonymous.get('/api/fiscal-years')).body.items.find((y) => y.fiscal_year === 2024);
  const lock = await admin.patch('/api/fiscal-years/2024', { locked: true }, { headers: { 'If-Match': `"${fy.version}"` } });
  assert.equal(lock.status, 200, lock.text);
  try {
    const r = await staff.post(`/api/activities/${own.id}/years/2024/status-requests`, { status: '△', reason: '遅延のため' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.body.error.code, 'locked');
    assert.match(r.body.error.message, /令和6年度/);
    assert.doesNotMatch(r.body.error.message, /[A-Za-z_]{4,}/, 'no English, constraint or SQL');
  } finally {
    const unlock = await admin.patch('/api/fiscal-years/2024', { locked: false },
      { headers: { 'If-Match': `"${lock.body.version}"` } });
    assert.equal(unlock.status, 200, unlock.text);
  }
});

test('a duplicate login is 409 naming the field; a bad department 400 naming it', async () => {
  const admin = await signIn('admin');
  const dup = await admin.post('/api/users', {
    login: 'koseki-staff', display_name: '重複', role: 'viewer', password: 'long-enough-password',
  });
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.body.error.field, 'login');
  assert.doesNotMatch(dup.body.error.message, /app_user|_key|duplicate/);
  const dept = await admin.post('/api/users', {
    login: 'nobody-dept', display_name: '所属なし', role: 'staff', department_id: 999999, password: 'long-enough-password',
  });
  assert.equal(dept.status, 400, dept.text);
  assert.equal(dept.body.error.field, 'department_id');
  assert.doesNotMatch(dept.body.error.message, /fkey|violates/);
});

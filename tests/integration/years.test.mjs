// Fiscal year rollover and lock: an admin opens the next year (every
// activity gets a record, its plan carried over, no status), and a locked
// year refuses every change with 409, by every path.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, signIn, skipUnlessStack, sql, activitiesOf } from './accounts.mjs';

skipUnlessStack();
const BASE = process.env.SHINCHOKU_TEST_URL;

after(() => {
  // Leave the seed as it was: FY2025 did not exist, FY2024 was open.
  sql('UPDATE fiscal_year SET locked = false, locked_at = NULL WHERE year = 2024');
  sql('DELETE FROM status_request WHERE fiscal_year = 2025');
  sql('DELETE FROM activity_year WHERE fiscal_year = 2025');
  sql('DELETE FROM fiscal_year WHERE year = 2025');
});

const yearOf = async (fy) => (await anonymous.get('/api/fiscal-years')).body.items.find((y) => y.fiscal_year === fy);

test('rollover: the next year only, by an admin; every activity carried over', async () => {
  const admin = await signIn('admin');
  const staff = await signIn('koseki-staff');
  assert.equal((await staff.post('/api/fiscal-years', { fiscal_year: 2025 })).status, 403);
  const skip = await admin.post('/api/fiscal-years', { fiscal_year: 2026 });
  assert.equal(skip.status, 409);
  assert.match(skip.body.error.message, /2025/);
  assert.equal((await admin.post('/api/fiscal-years', { fiscal_year: '2025' })).body.error.field, 'fiscal_year');

  const audits = Number(sql("SELECT count(*) FROM audit_log WHERE entity = 'activity_year' AND entity_id LIKE '%/2025'"));
  const r = await admin.post('/api/fiscal-years', { fiscal_year: 2025 });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.fiscal_year, r.body.era, r.body.records, r.body.statuses_set, r.body.locked],
    [2025, '令和7年度', 105, 0, false]);
  assert.equal(Number(sql("SELECT count(*) FROM audit_log WHERE entity = 'activity_year' AND entity_id LIKE '%/2025'")),
    audits + 105, 'each new record audited');
  assert.equal((await admin.post('/api/fiscal-years', { fiscal_year: 2025 })).status, 409, 'once');

  const a2024 = (await anonymous.get('/api/activities?fy=2024&limit=500')).body.items;
  const a2025 = (await anonymous.get('/api/activities?fy=2025&limit=500')).body.items;
  assert.equal(a2025.length, 105);
  for (let i = 0; i < a2024.length; i++) {
    assert.equal(a2025[i].id, a2024[i].id);
    assert.equal(a2025[i].plan_next, a2024[i].plan_next, `activity ${a2024[i].id}: plan carried over`);
    assert.equal(a2025[i].status, null);
    assert.equal(a2025[i].result, '');
  }
  const s = (await anonymous.get('/api/reports/2025/summary')).body;
  assert.deepEqual([s.total, s.unset], [105, 105]);
  // The new year is editable by the department.
  const own = (await activitiesOf('戸籍住民課'))[0];
  const y = (await anonymous.get(`/api/activities/${own.id}`)).body.years.find((x) => x.fiscal_year === 2025);
  const e = await staff.patch(`/api/activities/${own.id}/years/2025`, { result: '令和7年度の取組結果' },
    { headers: { 'If-Match': `"${y.version}"` } });
  assert.equal(e.status, 200, e.text);
});

test('lock: a closed year answers 409 to edits, proposals and imports; unlock restores', async () => {
  const admin = await signIn('admin');
  const staff = await signIn('koseki-staff');
  const fy = await yearOf(2024);
  assert.equal((await staff.patch('/api/fiscal-years/2024', { locked: true },
    { headers: { 'If-Match': `"${fy.version}"` } })).status, 403);
  assert.equal((await admin.patch('/api/fiscal-years/2024', { locked: true })).status, 428);
  const lock = await admin.patch('/api/fiscal-years/2024', { locked: true }, { headers: { 'If-Match': `"${fy.version}"` } });
  assert.equal(lock.status, 200, lock.text);
  assert.equal(lock.body.locked, true);
  assert.equal((await admin.patch('/api/fiscal-years/2024', { locked: false },
    { headers: { 'If-Match': `"${fy.version}"` } })).status, 409, 'stale version');

  const own = (await activitiesOf('戸籍住民課'))[0];
  const edit = await staff.patch(`/api/activities/${own.id}/years/2024`, { result: '書き換え' },
    { headers: { 'If-Match': `"${own.version}"` } });
  assert.equal(edit.status, 409);
  assert.equal(edit.body.error.code, 'locked');
  assert.match(edit.body.error.message, /令和6年度/);
  const propose = await staff.post(`/api/activities/${own.id}/years/2024/status-requests`, { status: '△', reason: '遅延' });
  assert.equal(propose.status, 409);
  const csv = await (await fetch(`${BASE}/api/reports/2024/progress.csv`)).text();
  const changed = csv.replace(own.result, `${own.result}（追記）`);
  const imp = await admin.post('/api/reports/2024/import', changed, { headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 422);
  assert.match(imp.body.problems[0].message, /令和6年度は締め切られているため、変更できません。/);
  assert.throws(() => sql(`UPDATE activity_year SET result = 'x' WHERE activity_id = ${own.id} AND fiscal_year = 2024`), /locked/);

  const unlock = await admin.patch('/api/fiscal-years/2024', { locked: false },
    { headers: { 'If-Match': `"${lock.body.version}"` } });
  assert.equal(unlock.status, 200);
  assert.equal((await staff.patch(`/api/activities/${own.id}/years/2024`, { result: own.result },
    { headers: { 'If-Match': `"${own.version}"` } })).status, 200);
});

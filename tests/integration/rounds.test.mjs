// The reporting round (照会) of FY2024: an admin opens it with a due date,
// departments see what they still have to update, the dashboard follows,
// and closing it freezes the report as a snapshot (確定版) that the
// exports keep showing while later edits appear as differences.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, signIn, skipUnlessStack, sql, activitiesOf, year } from './accounts.mjs';

skipUnlessStack();
const BASE = process.env.SHINCHOKU_TEST_URL;

after(() => {
  // The snapshot is immutable by design; only the owner, disabling the
  // guard on purpose, can take the test's round away again.
  sql(`BEGIN; ALTER TABLE report_snapshot DISABLE TRIGGER immutable;
       DELETE FROM report_snapshot WHERE fiscal_year = 2024;
       ALTER TABLE report_snapshot ENABLE TRIGGER immutable;
       DELETE FROM reporting_round WHERE fiscal_year = 2024; COMMIT;`);
});

const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
const csv = async () => (await fetch(`${BASE}/api/reports/2024/progress.csv`)).text();
const ifMatch = (v) => ({ headers: { 'If-Match': `"${v}"` } });

let round;

test('open: admins only, one round per year, a real due date', async () => {
  const admin = await signIn('admin');
  const staff = await signIn('koseki-staff');
  assert.equal((await staff.post('/api/rounds', { fiscal_year: 2024, due_date: yesterday })).status, 403);
  const bad = await admin.post('/api/rounds', { fiscal_year: 2024, due_date: '2025-02-30' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'due_date');
  assert.equal((await admin.post('/api/rounds', { fiscal_year: 2031, due_date: yesterday })).status, 409);

  const r = await admin.post('/api/rounds', { fiscal_year: 2024, due_date: yesterday });
  assert.equal(r.status, 201, r.text);
  round = r.body;
  assert.deepEqual([round.state, round.era, round.total, round.updated, round.overdue],
    ['open', '令和6年度', 105, 0, true]);
  const koseki = round.departments.find((d) => d.name === '戸籍住民課');
  assert.equal(koseki.total, (await activitiesOf('戸籍住民課')).length);
  assert.equal(koseki.overdue, true);
  assert.equal((await admin.post('/api/rounds', { fiscal_year: 2024, due_date: yesterday })).status, 409);
});

test('my updates shrink as the department saves; the dashboard follows', async () => {
  const staff = await signIn('koseki-staff');
  const mine = (await staff.get(`/api/rounds/${round.id}/my-updates`)).body.items;
  const own = await activitiesOf('戸籍住民課');
  assert.deepEqual(mine.map((i) => i.activity_id).sort(), own.map((a) => a.id).sort());
  assert.equal((await (await signIn('viewer')).get(`/api/rounds/${round.id}/my-updates`)).status, 403);

  // Saving the record, even unchanged, reports it for the round.
  const first = own[0];
  const y = await year(first.id);
  assert.equal((await staff.patch(`/api/activities/${first.id}/years/2024`, { result: y.result }, ifMatch(y.version))).status, 200);
  const after1 = (await staff.get(`/api/rounds/${round.id}/my-updates`)).body.items;
  assert.equal(after1.length, mine.length - 1);
  assert.ok(!after1.some((i) => i.activity_id === first.id));
  const dash = (await anonymous.get(`/api/rounds/${round.id}`)).body;
  assert.equal(dash.updated, 1);
  const koseki = dash.departments.find((d) => d.name === '戸籍住民課');
  assert.deepEqual([koseki.updated, koseki.remaining], [1, own.length - 1]);
  const sangyo = (await (await signIn('sangyo-staff')).get(`/api/rounds/${round.id}/my-updates`)).body.items;
  assert.equal(sangyo.length, (await activitiesOf('産業振興課')).length, 'another department is untouched');
});

test('close: the report freezes; later edits show as differences', async () => {
  const admin = await signIn('admin');
  const staff = await signIn('koseki-staff');
  const before = await csv();
  assert.equal((await staff.post(`/api/rounds/${round.id}/closure`, {}, ifMatch(round.version))).status, 403);
  const closed = await admin.post(`/api/rounds/${round.id}/closure`, {}, ifMatch(round.version));
  assert.equal(closed.status, 200, closed.text);
  assert.deepEqual([closed.body.state, closed.body.overdue], ['closed', false]);
  assert.equal((await admin.post(`/api/rounds/${round.id}/closure`, {}, ifMatch(closed.body.version))).status, 409);

  const own = (await activitiesOf('戸籍住民課'))[0];
  const y = await year(own.id);
  const edited = `${y.result}（確定後の修正）`;
  assert.equal((await staff.patch(`/api/activities/${own.id}/years/2024`, { result: edited }, ifMatch(y.version))).status, 200);
  try {
    assert.equal(await csv(), before, 'the closed year prints from its snapshot');
    const appendix = (await anonymous.get('/api/reports/2024/appendix')).body;
    assert.equal(appendix.snapshot.round_id, round.id);
    const sum = (await anonymous.get('/api/reports/2024/summary')).body;
    assert.equal(sum.snapshot.round_id, round.id);
    assert.equal(sum.total, 105);
    const diff = (await anonymous.get('/api/reports/2024/differences')).body.items;
    assert.deepEqual(diff.map((d) => [d.activity_id, d.column, d.snapshot, d.current]),
      [[own.id, 'result', y.result, edited]]);
    assert.throws(() => sql('UPDATE report_snapshot SET taken_at = now()'), /never changed/);
  } finally {
    const now = await year(own.id);
    await staff.patch(`/api/activities/${own.id}/years/2024`, { result: y.result }, ifMatch(now.version));
  }
  assert.deepEqual((await anonymous.get('/api/reports/2024/differences')).body.items, []);
});

// Status keys are a scheme's own, and a scheme may have two scales (issue
// 15, sql/015): data/example-2scale-plan.json (実施状況 未・中・完 and
// 達成度 未達・一部・達成) reuses Nakano's keys not_started and on_schedule
// with other marks and rules. It is imported with `shinchoku import`; each
// plan's requests are judged by its own scale, and the summary counts per
// scale. The plan is removed at the end, so the seed stays as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { skipUnlessStack, signIn, anonymous, sql, BASE } from './accounts.mjs';
import { importPlanFile } from './draft-plan.mjs';
import { parseCsv } from './csv.mjs';

skipUnlessStack();

const require = createRequire(import.meta.url);

// The example's file, once imported (importPlanFile).
let example;
let plan;
let remove;
let admin;

before(async () => {
  ({ example, plan, remove } = importPlanFile('example-2scale-plan.json'));
  admin = await signIn('admin');
});

after(async () => {
  remove?.();
});

const yearOf = async (id) => (await anonymous.get(`/api/activities/${id}`)).body.years
  .find((y) => y.fiscal_year === 2024);
const activityOf = (name) => Number(sql(`SELECT id FROM activity WHERE plan_id = ${plan} AND name = '${name}'`));

test('the plan has two scales; keys shared with Nakano are its own levels', async () => {
  const p = (await anonymous.get(`/api/plans/${plan}`)).body;
  assert.deepEqual(p.scheme.scales.map((s) => s.name), ['実施状況', '達成度']);
  assert.deepEqual(p.scheme.scale.map((l) => `${l.key}:${l.mark}`), ['not_started:未', 'on_schedule:中', 'done:完']);
  assert.deepEqual(p.scheme.scale2.map((l) => l.mark), ['未達', '一部', '達成']);
  // GET /api/statuses keeps the scales apart: the first as items (the
  // filter and the status dialog), the second as items2.
  const st = (await anonymous.get(`/api/statuses?plan=${plan}`)).body;
  assert.deepEqual(st.items.map((l) => l.mark), ['未', '中', '完']);
  assert.equal(st.scale2_name, '達成度');
  assert.deepEqual(st.items2.map((l) => [l.mark, l.scale]), [['未達', 2], ['一部', 2], ['達成', 2]]);
  assert.equal((await anonymous.get('/api/statuses')).body.items2, null);
  const y = await yearOf(activityOf('電子納付'));
  assert.equal(y.status, 'on_schedule');
  assert.equal(y.status_mark, '中');
  assert.equal(y.status2, 'partly');
  assert.equal(y.status2_mark, '一部');
  // Nakano's on_schedule is still ○.
  const nakano = Number(sql("SELECT y.activity_id FROM activity_year y JOIN activity a ON a.id = y.activity_id WHERE a.plan_id = 1 AND y.fiscal_year = 2024 AND y.status = 'on_schedule' ORDER BY 1 LIMIT 1"));
  assert.equal((await yearOf(nakano)).status_mark, '○');
});

test('summary: counts per scale, late by the second scale\'s rule', async () => {
  const s = (await anonymous.get(`/api/reports/2024/summary?plan=${plan}`)).body;
  assert.equal(s.scale_name, '実施状況');
  assert.deepEqual(Object.fromEntries(s.counts.map((c) => [c.mark, c.count])), example.status_counts_reported);
  assert.equal(s.scales.length, 2);
  assert.deepEqual(Object.fromEntries(s.scales[1].counts.map((c) => [c.mark, c.count])), { 未達: 1, 一部: 1, 達成: 1 });
  assert.equal(s.scales[1].late, 1);
  assert.equal(s.late, 0);
  const seed = (await anonymous.get('/api/reports/2024/summary')).body;
  assert.equal(seed.scales.length, 1);
  assert.equal(seed.late, 3);
  // The dashboard counts each scale of the plan, named by its scheme.
  const d = (await anonymous.get(`/api/dashboard?plan=${plan}&fy=2024`)).body;
  assert.equal(d.scale_name, '実施状況');
  assert.equal(d.scale2_name, '達成度');
  const y = d.years.find((x) => x.fiscal_year === 2024);
  assert.deepEqual(Object.fromEntries(y.counts.map((c) => [c.mark, c.count])), example.status_counts_reported);
  assert.deepEqual(Object.fromEntries(y.counts2.map((c) => [c.mark, c.count])), { 未達: 1, 一部: 1, 達成: 1 });
  assert.equal(y.unset2, 0);
  const nakano = (await anonymous.get('/api/dashboard?fy=2024')).body;
  assert.equal(nakano.scale2_name, null);
  assert.ok(nakano.years.every((x) => x.counts2 === null && x.unset2 === null));
});

test('each plan is judged by its own scale', async () => {
  const id = activityOf('申請の電子化');
  // Nakano's key delayed is no level of this plan.
  let r = await admin.post(`/api/activities/${id}/years/2024/status-requests`, { status: 'delayed', reason: 'x' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.field, 'status');
  assert.match(r.body.error.message, /実施状況の区分（未・中・完）にありません/);
  // not_started needs no reason here (Nakano's × does).
  r = await admin.post(`/api/activities/${id}/years/2024/status-requests`, { status: 'not_started' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.to_mark, '未');
  assert.equal(r.body.scale, 1);
  // A second-scale level: its own request, beside the first, with its reason rule.
  r = await admin.post(`/api/activities/${id}/years/2024/status-requests`, { status: 'unmet' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.field, 'reason');
  // The database's one rule, in the scheme's words and mark.
  assert.equal(r.body.error.message, '達成度を「未達」にするときは、理由を入力してください。');
  r = await admin.post(`/api/activities/${id}/years/2024/status-requests`, { status: 'unmet', reason: '遅れ' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.scale, 2);
  assert.equal(r.body.from_mark, '達成');
  assert.equal(sql(`SELECT string_agg(scale::text, ',' ORDER BY scale) FROM status_request
    WHERE activity_id = ${id} AND state = 'pending'`), '1,2');
  // Nakano's × still needs a reason.
  const nakano = Number(sql("SELECT y.activity_id FROM activity_year y JOIN activity a ON a.id = y.activity_id WHERE a.plan_id = 1 AND y.fiscal_year = 2024 AND y.status = 'on_schedule' ORDER BY 1 LIMIT 1"));
  r = await admin.post(`/api/activities/${nakano}/years/2024/status-requests`, { status: 'not_started' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.field, 'reason');
  assert.equal(r.body.error.message, '進捗状況を「×」にするときは、理由を入力してください。');
  // A second-scale level that needs no reason is taken without one.
  const other = activityOf('電子納付');
  r = await admin.post(`/api/activities/${other}/years/2024/status-requests`, { status: 'met' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.scale, 2);
  r = await admin.post(`/api/status-requests/${r.body.id}/withdrawal`, {});
  assert.equal(r.status, 200, r.text);
});

test('the database refuses a key of another scheme or scale', () => {
  const id = activityOf('予約システム');
  assert.throws(() => sql(`UPDATE activity_year SET status = 'exceeded' WHERE activity_id = ${id} AND fiscal_year = 2024`),
    /「exceeded」はこの計画の実施状況の区分/);
  assert.throws(() => sql(`UPDATE activity_year SET status2 = 'done' WHERE activity_id = ${id} AND fiscal_year = 2024`),
    /「done」はこの計画の達成度の区分/);
});

test('CSV and XLSX: the second scale is a column of its own, named by the plan', async () => {
  const csv = await fetch(`${BASE}/api/reports/2024/progress.csv?plan=${plan}`);
  assert.equal(csv.status, 200);
  const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0].slice(0, 7), ['番号', '事業番号', '事業', '取組', '実施状況', '達成度', 'スケジュールの変更理由']);
  assert.equal(rows[0].length, 11);
  const data = rows.slice(1).filter((r) => r.length > 1);
  assert.deepEqual(data.map((r) => r[4]), example.activities.map((a) => a.status));
  assert.deepEqual(data.map((r) => r[5]), example.activities.map((a) => a.status2 ?? ''));
  assert.deepEqual(data.map((r) => r[10]), example.activities.map((a) => a.departments.join('、')));

  const x = await fetch(`${BASE}/api/reports/2024/progress.xlsx?plan=${plan}`);
  assert.equal(x.status, 200);
  const sheet = (await require('read-excel-file/node').default(Buffer.from(await x.arrayBuffer())))[0].data;
  assert.deepEqual(sheet[0].slice(4, 6), ['実施状況', '達成度']);
  assert.equal(sheet[1][5], example.activities[0].status2);

  // A plan with one scale keeps its ten columns.
  const seed = parseCsv((await (await fetch(`${BASE}/api/reports/2024/progress.csv`)).text()).replace(/^\uFEFF/, ''));
  assert.equal(seed[0].length, 10);
  assert.equal(seed[0][5], 'スケジュールの変更理由');
});

// A year's updates of a plan that is not Nakano's come back as that plan's
// export (issue 15): the header is its own (its terms, and a second
// scale's column after the first's), a status is a level of its scale 1,
// status2 of its scale 2, a reason where that scheme's level asks for one.
// The two example plans are imported with `shinchoku import` and removed
// at the end, so the seed stays as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, signIn, skipUnlessStack } from './accounts.mjs';
import { importPlanFile } from './draft-plan.mjs';
import { parseCsv, toCsv } from './csv.mjs';

skipUnlessStack();

let two;
let three;
let admin;

before(async () => {
  two = importPlanFile('example-2scale-plan.json');
  three = importPlanFile('example-3level-plan.json');
  admin = await signIn('admin');
});

// The later import first: each removal drops the departments made since its
// own import, so the first plan's would take the second's still in use.
after(() => {
  try {
    three?.remove();
  } finally {
    two?.remove();
  }
});

const exported = async (plan) => {
  const r = await anonymous.get(`/api/reports/2024/progress.csv?plan=${plan}`);
  assert.equal(r.status, 200);
  return parseCsv(r.text.replace(/^\uFEFF/, ''));
};
const upload = (plan, rows, query = '&dry_run=true') =>
  admin.post(`/api/reports/2024/import?plan=${plan}${query}`, toCsv(rows),
    { headers: { 'Content-Type': 'text/csv' } });
const changesOf = (body) => body.status_changes.map((c) => [c.seq, c.column, c.from, c.to]);

test('a two-scale plan: its export comes back unchanged, then one status and one status2 change', async () => {
  const rows = await exported(two.plan);
  assert.deepEqual(rows[0].slice(0, 7), ['番号', '事業番号', '事業', '取組', '実施状況', '達成度', 'スケジュールの変更理由']);
  assert.equal(rows[0].length, 11);
  let r = await upload(two.plan, rows);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.changed_rows, 0);
  assert.deepEqual(r.body.problems, []);

  // 申請の電子化 (完, 達成) and 電子納付 (中, 一部): 完 needs no reason, 一部 does.
  const edited = rows.map((x) => [...x]);
  const a = edited.findIndex((x) => x[3] === '申請の電子化');
  const b = edited.findIndex((x) => x[3] === '電子納付');
  edited[b][4] = '完';
  edited[a][5] = '一部';
  r = await upload(two.plan, edited);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.problems.map((p) => [p.seq, p.column, p.message]),
    [[Number(edited[a][0]), 'change_reason', '達成度を一部にするときは、スケジュールの変更理由を入力してください。']]);
  edited[a][6] = '一部は来年度に回した。';
  r = await upload(two.plan, edited);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.problems, []);
  assert.equal(r.body.changed_rows, 2);
  assert.deepEqual(r.body.changes, []);
  assert.deepEqual(changesOf(r.body).sort(), [
    [Number(edited[a][0]), 'status2', '達成', '一部'],
    [Number(edited[b][0]), 'status', '中', '完'],
  ].sort());

  // An unknown grade is refused naming its column; Nakano's ◎ is no level here.
  const bad = edited.map((x) => [...x]);
  bad[a][5] = 'S';
  bad[b][4] = '◎';
  r = await upload(two.plan, bad);
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.problems.map((p) => [p.seq, p.column, p.message]).sort(), [
    [Number(bad[a][0]), 'status2', '達成度は 未達、一部、達成 のいずれかにしてください（「S」は使えません）。'],
    [Number(bad[b][0]), 'status', '実施状況は 未、中、完 のいずれかにしてください（「◎」は使えません）。'],
  ].sort());

  // The file of a one-scale header is not this plan's.
  r = await upload(two.plan, rows.map((x) => [...x.slice(0, 5), ...x.slice(6)]));
  assert.equal(r.status, 422);
  assert.equal(r.body.problems[0].column, 'status2');
  assert.match(r.body.problems[0].message, /見出し行の6列目は「達成度」/);

  // Applied as decided, both values are the record's; exported again, the
  // file is what was imported.
  r = await upload(two.plan, edited, '&decided=true');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.applied, true);
  const again = await exported(two.plan);
  assert.deepEqual(again.slice(1), edited.slice(1));
});

test('a staff-facing request of scale 2 comes from the import too', async () => {
  const rows = await exported(two.plan);
  const i = rows.findIndex((x) => x[3] === '電子納付');
  rows[i][5] = '達成';
  const r = await upload(two.plan, rows, '');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(changesOf(r.body), [[Number(rows[i][0]), 'status2', '一部', '達成']]);
  assert.equal(r.body.status_changes[0].state, 'pending');
  const id = r.body.status_changes[0].activity_id;
  const reqs = (await admin.get(`/api/activities/${id}/status-requests`)).body;
  const pending = (reqs.items ?? reqs).filter((q) => q.state === 'pending');
  assert.equal(pending.length, 1);
  assert.equal(pending[0].to_status, 'met');
  assert.equal(pending[0].from_status, 'partly');
  // A second one of the same scale waits for the first.
  const again = await upload(two.plan, rows, '');
  assert.equal(again.status, 422);
  assert.equal(again.body.problems[0].column, 'status2');
  assert.match(again.body.problems[0].message, /承認待ちの達成度の申請/);
});

test('the three-level A–D plan: its header, its grades, its reason rule', async () => {
  const rows = await exported(three.plan);
  assert.equal(rows[0].length, 10);
  assert.deepEqual(rows[0].slice(0, 5), ['番号', '施策番号', '施策', '事業', '達成度']);
  let r = await upload(three.plan, rows);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.changed_rows, 0);

  const edited = rows.map((x) => [...x]);
  const i = edited.findIndex((x) => x[4] === 'A');
  edited[i][4] = 'B';            // B needs no reason
  r = await upload(three.plan, edited);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(changesOf(r.body), [[Number(edited[i][0]), 'status', 'A', 'B']]);

  edited[i][4] = 'D';            // D does
  r = await upload(three.plan, edited);
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.problems.map((p) => [p.column, p.message]),
    [['change_reason', '達成度をDにするときは、スケジュールの変更理由を入力してください。']]);

  edited[i][4] = 'E';
  r = await upload(three.plan, edited);
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.problems.map((p) => [p.column, p.message]),
    [['status', '達成度は A、B、C、D のいずれかにしてください（「E」は使えません）。']]);
  // The key is taken as well as the mark (as files exported before wrote).
  edited[i][4] = 'grade_b';
  r = await upload(three.plan, edited);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(changesOf(r.body), [[Number(edited[i][0]), 'status', 'A', 'grade_b']]);
});

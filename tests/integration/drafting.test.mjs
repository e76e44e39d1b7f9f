// Writing the next plan (issue 12) against the real stack: the structure
// of a draft (goals, measures, activities, departments), staff proposals,
// carry-over from the current plan, the comparison (JSON and CSV), and
// indicator writes. Everything happens in a draft plan of this test's own,
// created and removed through psql as the owning role, so the seeded plans
// stay as they were (other test files check them exactly); the seeded
// plans are only read, and the writes tried on them are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { skipUnlessStack, signIn, anonymous, sql, auditCount } from './accounts.mjs';
import { createPlan, removePlan } from './draft-plan.mjs';

skipUnlessStack();

let admin, koseki, sangyo, kosekiManager, viewer;
let draft, current, currentPlan, depts;
const TITLE = `（試験用）新計画 ${process.pid}`;
const ifMatch = (v) => ({ headers: { 'If-Match': `"${v}"` } });

const count = (table, where) => Number(sql(`SELECT count(*) FROM ${table} WHERE ${where}`));

before(async () => {
  [admin, koseki, sangyo, kosekiManager, viewer] = await Promise.all(
    ['admin', 'koseki-staff', 'sangyo-staff', 'koseki-manager', 'viewer'].map((l) => signIn(l)));
  draft = createPlan(TITLE);
  const plans = (await anonymous.get('/api/plans')).body.items;
  current = plans.find((p) => p.state === 'adopted').id;
  currentPlan = (await anonymous.get(`/api/plans/${current}`)).body;
  depts = Object.fromEntries((await anonymous.get('/api/departments')).body.items.map((d) => [d.name, d.id]));
  for (const [n, t] of [[1, '目標１（試験）'], [2, '目標２（試験）']]) {
    const r = await admin.post(`/api/plans/${draft}/goals`, { number: n, title: t });
    assert.equal(r.status, 201, r.text);
  }
});

after(() => {
  if (draft) removePlan(draft);
  assert.equal(count('plan', `title = '${TITLE}'`), 0, 'the test plan is gone');
});

const outline = async () => (await anonymous.get(`/api/plans/${draft}/outline`)).body;
const goalId = async (n) => (await outline()).goals.find((g) => g.number === n).id;
const measureOf = (code) => currentPlan.goals.flatMap((g) => g.measures).find((m) => m.code === code);
// The activities reported under a measure of the current plan, in order.
const reportedUnder = (code) => measureOf(code).entries.filter((e) => !e.relisted);

test('every write route is 403 for staff, managers and viewers, 401 without a session; nothing written', async () => {
  const before = Number(sql('SELECT count(*) FROM audit_log'));
  const routes = [
    ['post', `/api/plans/${draft}/goals`, { number: 9, title: 'x' }],
    ['patch', '/api/goals/1', { title: 'x' }, 1],
    ['del', '/api/goals/1', undefined, 1],
    ['post', `/api/plans/${draft}/measures`, { code: '1-9-①', name: 'x' }],
    ['patch', '/api/measures/1', { name: 'x' }, 1],
    ['del', '/api/measures/1', undefined, 1],
    ['post', '/api/measures/1/activities', { name: 'x' }],
    ['patch', '/api/activities/1', { name: 'x' }, 1],
    ['del', '/api/activities/1', undefined, 1],
    ['post', '/api/activities/1/departments', { department_id: 1 }],
    ['patch', '/api/activities/1/departments/1', { position: 1 }, 1],
    ['del', '/api/activities/1/departments/1', undefined, 1],
    ['post', `/api/plans/${draft}/carry-over`, { measure_id: 1 }],
    ['post', '/api/proposals/1/decision', { accept: true }, 1],
    ['post', `/api/plans/${draft}/indicators`, { goal_id: 1, name: 'x', unit: '件' }],
    ['patch', '/api/indicators/1', { name: 'x' }, 1],
    ['del', '/api/indicators/1', undefined, 1],
    ['post', '/api/indicators/1/values', { fiscal_year: 2026, kind: 'target', value: '1', text: '1' }],
    ['patch', '/api/indicators/1/values/2024?kind=actual', { text: 'x' }, 1],
    ['del', '/api/indicators/1/values/2024?kind=actual', undefined, 1],
    ['post', `/api/plans/${draft}/footnotes`, { number: 9, text: 'x' }],
    ['patch', `/api/plans/${current}/footnotes/1`, { text: 'x' }, 1],
    ['post', '/api/indicators/1/notes', { number: 1 }],
    ['del', '/api/indicators/1/notes/1'],
  ];
  for (const [method, path, body, version] of routes) {
    const o = version ? ifMatch(version) : {};
    for (const who of [koseki, kosekiManager, viewer]) {
      const r = method === 'del' ? await who.del(path, o) : await who[method](path, body, o);
      assert.equal(r.status, 403, `${who.login} ${method} ${path}: ${r.text}`);
      assert.equal(r.body.error.code, 'forbidden');
    }
    const r = method === 'del' ? await anonymous.del(path, o) : await anonymous[method](path, body, o);
    assert.equal(r.status, 401, `anonymous ${method} ${path}`);
  }
  // A viewer proposes nothing either.
  const p = await viewer.post(`/api/plans/${draft}/proposals`, { measure_id: 1, name: 'x', department_id: 1 });
  assert.equal(p.status, 403);
  assert.equal(Number(sql('SELECT count(*) FROM audit_log')), before, 'no audit row: nothing was written');
});

test('the seeded adopted plan is no draft: its structure is refused 409 not_draft, nothing changes', async () => {
  const m = measureOf('1-1-①');
  const a = m.entries[0];
  const v = JSON.parse(sql(`SELECT json_build_object('m', version, 'n', name) FROM measure WHERE id = ${m.id}`));
  for (const [r, what] of [
    [await admin.patch(`/api/measures/${m.id}`, { name: '変更' }, ifMatch(v.m)), 'rename a measure'],
    [await admin.post(`/api/plans/${current}/measures`, { code: '1-9-⑨', name: '新' }), 'add a measure'],
    [await admin.del(`/api/activities/${a.activity_id}`, ifMatch(1)), 'remove an activity'],
    [await admin.post(`/api/plans/${current}/carry-over`, { measure_id: m.id }), 'carry into it'],
  ]) {
    assert.equal(r.status, 409, `${what}: ${r.text}`);
    assert.equal(r.body.error.code, 'not_draft', what);
    assert.match(r.body.error.message, /策定中/);
  }
  assert.equal(sql(`SELECT name FROM measure WHERE id = ${m.id}`), v.n);
  // Below the API, sql/008's trigger holds the adopted structure read-only
  // for every role: this suite relies on it and checks it is there.
  const r = spawnSync('psql', [process.env.SHINCHOKU_TEST_DB_ADMIN, '-X', '-q', '-v', 'ON_ERROR_STOP=1',
    '-v', 'VERBOSITY=verbose', '-c', `UPDATE measure SET name = name || '（変更）' WHERE id = ${m.id}`],
  { encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'refused');
  assert.match(r.stderr, /SHRDO/);
  assert.equal(sql(`SELECT name FROM measure WHERE id = ${m.id}`), v.n);
});

test('goals, measures and activities: create, rename, reorder; a duplicate code is 409 naming code, nothing written', async () => {
  const g1 = await goalId(1);
  let r = await admin.post(`/api/plans/${draft}/measures`, { code: '1-5-①', name: '新しい施策（試験）' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), '"1"');
  const m = r.body;
  assert.deepEqual([m.goal_id, m.policy, m.number, m.origin], [g1, 5, 1, null]);
  assert.equal(auditCount('measure', m.id), 1, 'the insert is audited');

  const measures = count('measure', `plan_id = ${draft}`);
  const audits = Number(sql('SELECT count(*) FROM audit_log'));
  r = await admin.post(`/api/plans/${draft}/measures`, { code: '1-5-①', name: '同じコード' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.error.code, 'conflict');
  assert.equal(r.body.error.field, 'code');
  assert.match(r.body.error.message, /施策コード/);
  assert.doesNotMatch(r.text, /measure_plan_id_code_key|duplicate|INSERT/);
  assert.equal(count('measure', `plan_id = ${draft}`), measures, 'nothing written');
  assert.equal(Number(sql('SELECT count(*) FROM audit_log')), audits, 'no audit row');
  for (const [body, field] of [[{ code: '1-5', name: 'x' }, 'code'], [{ code: '1-6-①', name: '　' }, 'name'],
    [{ code: '9-1-①', name: '目標がない' }, 'code'], [{ name: 'x' }, 'code']]) {
    r = await admin.post(`/api/plans/${draft}/measures`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.body.error.field, field, JSON.stringify(body));
  }
  assert.equal(count('measure', `plan_id = ${draft}`), measures);

  // Rename with If-Match; a stale version is 409 with the record and its ETag.
  r = await admin.patch(`/api/measures/${m.id}`, { name: '新しい施策（改称）' }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), '"2"');
  r = await admin.patch(`/api/measures/${m.id}`, { name: '古い版から' }, ifMatch(1));
  assert.equal(r.status, 409);
  assert.equal(r.body.name, '新しい施策（改称）');
  assert.equal(r.headers.get('etag'), '"2"');
  r = await admin.patch(`/api/measures/${m.id}`, { name: 'x' });
  assert.equal(r.status, 428, 'If-Match is required');
  // Renumbering to a taken code is refused too.
  const other = (await admin.post(`/api/plans/${draft}/measures`, { code: '1-5-②', name: '二つ目' })).body;
  r = await admin.patch(`/api/measures/${other.id}`, { code: '1-5-①' }, ifMatch(1));
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'code');
  r = await admin.patch(`/api/measures/${other.id}`, { code: '1-5-③' }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.code, r.body.number], ['1-5-③', 3]);

  // Activities: placed at the end or at a position, moved, with ordered departments.
  const names = ['取組Ａ', '取組Ｂ', '取組Ｃ'];
  const acts = [];
  for (const name of names) acts.push((await admin.post(`/api/measures/${m.id}/activities`, { name })).body);
  r = await admin.post(`/api/measures/${m.id}/activities`, { name: '取組０', position: 1 });
  assert.equal(r.status, 201);
  let got = (await anonymous.get(`/api/measures/${m.id}`)).body.activities;
  assert.deepEqual(got.map((a) => [a.name, a.position]), [['取組０', 1], ['取組Ａ', 2], ['取組Ｂ', 3], ['取組Ｃ', 4]]);
  r = await admin.patch(`/api/activities/${acts[2].id}`, { position: 1, name: '取組Ｃ（改）' }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  got = (await anonymous.get(`/api/measures/${m.id}`)).body.activities;
  assert.deepEqual(got.map((a) => a.name), ['取組Ｃ（改）', '取組０', '取組Ａ', '取組Ｂ']);
  // Moved under another measure: at its end, both measures numbered 1, 2, ….
  r = await admin.patch(`/api/activities/${acts[0].id}`, { measure_id: other.id }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.measure_code, r.body.position], ['1-5-③', 1]);
  got = (await anonymous.get(`/api/measures/${m.id}`)).body.activities;
  assert.deepEqual(got.map((a) => a.position), [1, 2, 3]);

  const a = acts[1];
  let v = 1;
  for (const [name, position] of [['戸籍住民課'], ['産業振興課'], ['デジタル政策課', 1]]) {
    r = await admin.post(`/api/activities/${a.id}/departments`, { department_id: depts[name], position });
    assert.equal(r.status, 201, r.text);
    v = r.body.version;
  }
  assert.deepEqual(r.body.departments.map((d) => [d.name, d.position]),
    [['デジタル政策課', 1], ['戸籍住民課', 2], ['産業振興課', 3]]);
  r = await admin.post(`/api/activities/${a.id}/departments`, { department_id: depts['戸籍住民課'] });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'department_id');
  r = await admin.patch(`/api/activities/${a.id}/departments/${depts['産業振興課']}`, { position: 1 }, ifMatch(v));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.departments.map((d) => d.name), ['産業振興課', 'デジタル政策課', '戸籍住民課']);
  r = await admin.del(`/api/activities/${a.id}/departments/${depts['デジタル政策課']}`, ifMatch(r.body.version));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.departments.map((d) => [d.name, d.position]), [['産業振興課', 1], ['戸籍住民課', 2]]);
  assert.ok(auditCount('activity_department', `${a.id}/${depts['デジタル政策課']}`) >= 2, 'department changes audited');

  // A goal renumbered: its measures' codes follow.
  const g3 = (await admin.post(`/api/plans/${draft}/goals`, { number: 3, title: '目標３' })).body;
  const m3 = (await admin.post(`/api/plans/${draft}/measures`, { code: '3-1-①', name: '目標３の施策' })).body;
  r = await admin.patch(`/api/goals/${g3.id}`, { number: 2 }, ifMatch(1));
  assert.equal(r.status, 409, 'number 2 is taken');
  assert.equal(r.body.error.field, 'number');
  r = await admin.patch(`/api/goals/${g3.id}`, { number: 4 }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  assert.equal((await anonymous.get(`/api/measures/${m3.id}`)).body.code, '4-1-①');
  // Removal cascades within the draft: the goal's measure and its activity.
  await admin.post(`/api/measures/${m3.id}/activities`, { name: '消える取組' });
  r = await admin.del(`/api/goals/${g3.id}`, ifMatch(2));
  assert.equal(r.status, 200, r.text);
  assert.equal(count('measure', `id = ${m3.id}`), 0);
  assert.equal(count('activity', `plan_id = ${draft} AND name = '消える取組'`), 0);

  // An activity with yearly records is not removed: 409 has_records.
  sql(`INSERT INTO activity_year (activity_id, fiscal_year) VALUES (${acts[1].id}, 2024)`);
  const ver = Number(sql(`SELECT version FROM activity WHERE id = ${acts[1].id}`));
  r = await admin.del(`/api/activities/${acts[1].id}`, ifMatch(ver));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.error.code, 'has_records');
  assert.equal(count('activity_department', `activity_id = ${acts[1].id}`), 2, 'nothing removed');
  sql(`DELETE FROM activity_year WHERE activity_id = ${acts[1].id}`);
  r = await admin.del(`/api/activities/${acts[1].id}`, ifMatch(ver));
  assert.equal(r.status, 200, r.text);
  assert.equal(count('activity_department', `activity_id = ${acts[1].id}`), 0, 'its departments went with it');
  // Clean the measures of this test away (the comparison below counts its own).
  for (const id of [m.id, other.id]) {
    const mv = (await anonymous.get(`/api/measures/${id}`)).body.version;
    assert.equal((await admin.del(`/api/measures/${id}`, ifMatch(mv))).status, 200);
  }
});

test('carry-over copies a measure with its activities, their departments in order and their origins', async () => {
  const src = measureOf('1-1-②');
  const reported = reportedUnder('1-1-②');
  const before = count('measure', `plan_id = ${current}`);
  const r = await admin.post(`/api/plans/${draft}/carry-over`, { measure_id: src.id });
  assert.equal(r.status, 201, r.text);
  const m = r.body;
  assert.deepEqual([m.code, m.name, m.origin.id, m.origin.plan_id], [src.code, src.name, src.id, current]);
  assert.equal(m.activities.length, reported.length);
  m.activities.forEach((a, i) => {
    const o = reported[i];
    assert.equal(a.name, o.name, `activity ${i + 1}`);
    assert.equal(a.origin.id, o.activity_id, `origin of ${a.name}`);
    assert.equal(a.position, i + 1);
    assert.deepEqual(a.departments.map((d) => d.name), o.departments.map((d) => d.name), `departments of ${a.name}`);
  });
  assert.ok(m.activities.some((a) => a.departments.length > 0), 'departments were copied');
  assert.equal(count('measure', `plan_id = ${current}`), before, 'the current plan is untouched');
  assert.equal(auditCount('measure', m.id), 1);
  const again = await admin.post(`/api/plans/${draft}/carry-over`, { measure_id: src.id, code: '1-1-⑨' });
  assert.equal(again.status, 409, 'a measure is carried over once');
  assert.equal(again.body.error.field, 'measure_id');
  const own = await admin.post(`/api/plans/${draft}/carry-over`, { measure_id: m.id });
  assert.equal(own.status, 404, 'a measure of the draft itself is not carried over');
  // Cleaned away for the comparison test, which builds its own.
  assert.equal((await admin.del(`/api/measures/${m.id}`, ifMatch(m.version))).status, 200);
  assert.equal(count('activity', `plan_id = ${draft}`), 0);
});

test('the comparison lists continued, renamed, new and ended for a draft built partly by carry-over; CSV bytes', async () => {
  // Continued: 1-1-① as it is. Renamed: the next measure with two
  // activities or more, carried over under 1-7-①, the measure and its first
  // activity renamed, its last activity removed (ended). New: a measure of
  // its own with one activity, and one new activity under the continued
  // measure.
  const cont = measureOf('1-1-①');
  const ren = currentPlan.goals.flatMap((g) => g.measures)
    .find((m) => m.code !== cont.code && reportedUnder(m.code).length >= 2);
  const a = (await admin.post(`/api/plans/${draft}/carry-over`, { measure_id: cont.id })).body;
  const b = (await admin.post(`/api/plans/${draft}/carry-over`, { measure_id: ren.id, code: '1-7-①' })).body;
  assert.equal(b.code, '1-7-①');
  let r = await admin.patch(`/api/measures/${b.id}`, { name: `${ren.name}（改）` }, ifMatch(b.version));
  assert.equal(r.status, 200);
  const first = b.activities[0];
  r = await admin.patch(`/api/activities/${first.id}`, { name: '=改称された取組' }, ifMatch(first.version));
  assert.equal(r.status, 200, r.text);
  const last = b.activities[b.activities.length - 1];
  assert.equal((await admin.del(`/api/activities/${last.id}`, ifMatch(last.version))).status, 200);
  const n = (await admin.post(`/api/plans/${draft}/measures`, { code: '2-9-①', name: '新規の施策' })).body;
  await admin.post(`/api/measures/${n.id}/activities`, { name: '新規の取組' });
  await admin.post(`/api/measures/${a.id}/activities`, { name: '継続施策の新しい取組' });

  r = await anonymous.get(`/api/plans/${draft}/comparison?with=${current}`);
  assert.equal(r.status, 200, r.text);
  const c = r.body;
  assert.deepEqual([c.plan.id, c.with.id], [draft, current]);
  const measures = currentPlan.goals.flatMap((g) => g.measures);
  const reportedTotal = measures.reduce((s, m) => s + m.entries.filter((e) => !e.relisted).length, 0);
  assert.deepEqual(c.counts.measure, { continued: 1, renamed: 1, new: 1, ended: measures.length - 2 });
  assert.deepEqual(c.counts.activity, {
    continued: reportedUnder(cont.code).length + reportedUnder(ren.code).length - 2,
    renamed: 1, new: 2, ended: reportedTotal - reportedUnder(cont.code).length - reportedUnder(ren.code).length + 1,
  });
  const row = (kind, pred) => c.rows.find((x) => x.kind === kind && pred(x));
  const mr = row('measure', (x) => x.draft?.id === b.id);
  assert.deepEqual([mr.status, mr.label, mr.current.code, mr.draft.code], ['renamed', '名称変更', ren.code, '1-7-①']);
  assert.equal(row('measure', (x) => x.draft?.id === a.id).label, '継続');
  assert.equal(row('measure', (x) => x.draft?.id === n.id).label, '新規');
  const ended = row('activity', (x) => x.current?.id === last.origin.id);
  assert.deepEqual([ended.status, ended.label, ended.draft], ['ended', '終了', null]);
  assert.equal(row('activity', (x) => x.draft?.id === first.id).status, 'renamed');
  const untouched = measures.find((m) => ![cont.code, ren.code].includes(m.code));
  assert.equal(row('measure', (x) => x.current?.id === untouched.id).status, 'ended');
  // Order: the draft's codes, an ended activity under its measure's row.
  const seqOf = (x) => c.rows.indexOf(x);
  assert.ok(seqOf(mr) < seqOf(ended), 'the ended activity follows its measure');
  assert.deepEqual(c.rows.map((x) => x.seq), c.rows.map((_, i) => i + 1));
  // The default "with" is the plan the carried measures come from.
  assert.deepEqual((await anonymous.get(`/api/plans/${draft}/comparison`)).body.counts, c.counts);
  assert.equal((await anonymous.get(`/api/plans/${draft}/comparison?with=999999`)).status, 404);
  assert.equal((await anonymous.get(`/api/plans/${draft}/comparison?with=x`)).body.error.field, 'with');

  // The CSV: BOM, CRLF, one line per row, a formula neutralised.
  const res = await fetch(`${process.env.SHINCHOKU_TEST_URL}/api/plans/${draft}/comparison.csv?with=${current}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(res.headers.get('content-disposition'), /attachment; filename="shinchoku-comparison-\d+\.csv"/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const text = bytes.subarray(3).toString('utf8');
  const lines = text.split('\r\n');
  assert.equal(lines.pop(), '', 'ends with CRLF');
  assert.ok(!text.replaceAll('\r\n', '').includes('\n'), 'CRLF line ends only');
  assert.equal(lines[0], '種別,区分,現行計画の施策,現行計画の名称,現行計画の所管課,新計画の施策,新計画の名称,新計画の所管課,status');
  assert.equal(lines.length - 1, c.rows.length);
  const renamedLine = lines.find((l) => l.includes('=改称された取組'));
  assert.ok(renamedLine.startsWith(`取組,名称変更,${ren.code},`), renamedLine);
  assert.ok(renamedLine.includes(`,1-7-①,"'=改称された取組",`), `neutralised: ${renamedLine}`);
  assert.ok(lines.includes(`施策,新規,,,,2-9-①,新規の施策,,new`));
});

test('staff propose for their own department; an admin accepts or declines; the proposer sees the outcome', async () => {
  const m = (await admin.post(`/api/plans/${draft}/measures`, { code: '2-8-①', name: '提案を受ける施策' })).body;
  let r = await koseki.post(`/api/plans/${draft}/proposals`, { measure_id: m.id, name: '戸籍の提案', note: '理由' });
  assert.equal(r.status, 201, r.text);
  const p1 = r.body;
  assert.deepEqual([p1.state, p1.department.name, p1.measure_code], ['pending', '戸籍住民課', '2-8-①']);
  assert.equal(count('activity', `measure_id = ${m.id}`), 0, 'a proposal is not in the plan');
  r = await koseki.post(`/api/plans/${draft}/proposals`, { measure_id: m.id, name: '他課の提案', department_id: depts['産業振興課'] });
  assert.equal(r.status, 403, 'another department');
  r = await koseki.post(`/api/plans/${draft}/proposals`, { measure_id: m.id, name: '　' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'name');
  r = await koseki.post(`/api/plans/${current}/proposals`, { measure_id: measureOf('1-1-①').id, name: '現行計画へ' });
  assert.equal(r.status, 409, 'only into a draft');
  const p2 = (await koseki.post(`/api/plans/${draft}/proposals`, { measure_id: m.id, name: '見送られる提案' })).body;
  const p3 = (await sangyo.post(`/api/plans/${draft}/proposals`, { measure_id: m.id, name: '産業の提案' })).body;

  // Who sees what.
  const seen = async (who) => (await who.get(`/api/plans/${draft}/proposals`)).body.items.map((x) => x.id);
  assert.deepEqual(await seen(koseki), [p1.id, p2.id]);
  assert.deepEqual(await seen(sangyo), [p3.id]);
  assert.deepEqual(await seen(admin), [p1.id, p2.id, p3.id]);

  // A measure with pending proposals is not removed.
  r = await admin.del(`/api/measures/${m.id}`, ifMatch(m.version));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.error.code, 'has_proposals');

  r = await admin.post(`/api/proposals/${p1.id}/decision`, { accept: true, comment: '採用します' }, ifMatch(p1.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'accepted');
  const act = (await anonymous.get(`/api/measures/${m.id}`)).body.activities;
  assert.deepEqual(act.map((a) => [a.id, a.name, a.departments.map((d) => d.name)]),
    [[r.body.activity_id, '戸籍の提案', ['戸籍住民課']]]);
  r = await admin.post(`/api/proposals/${p1.id}/decision`, { accept: false, comment: 'x' }, ifMatch(p1.version));
  assert.equal(r.status, 409, 'decided once');
  r = await admin.post(`/api/proposals/${p2.id}/decision`, { accept: false }, ifMatch(p2.version));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'comment');
  r = await admin.post(`/api/proposals/${p2.id}/decision`, { accept: false, comment: '今回は見送ります' }, ifMatch(p2.version));
  assert.equal(r.status, 200);
  const mine = (await koseki.get(`/api/plans/${draft}/proposals`)).body.items;
  assert.deepEqual(mine.map((x) => [x.state, x.comment, x.mine]),
    [['accepted', '採用します', true], ['declined', '今回は見送ります', true]]);
  assert.equal(auditCount('activity_proposal', p1.id), 3, 'proposed, decided, linked to its activity');
});

test('indicators: defined in the draft, values entered and corrected with If-Match, every write audited', async () => {
  const g1 = await goalId(1);
  let r = await admin.post(`/api/plans/${draft}/indicators`, { goal_id: g1, name: '試験の成果指標', unit: '件' });
  assert.equal(r.status, 201, r.text);
  const ind = r.body;
  assert.equal(ind.position, 1);
  for (const [body, field] of [
    [{ fiscal_year: 2026, kind: 'plan', value: '1', text: '1件' }, 'kind'],
    [{ fiscal_year: 2026, kind: 'target', value: '約231万', text: '約231万件' }, 'value'],
    [{ fiscal_year: 2026, kind: 'target', value: 2310000, text: '約231万件' }, 'value'],
    [{ fiscal_year: 2026, kind: 'target', value: '1', text: '　' }, 'text'],
    [{ fiscal_year: 1999, kind: 'target', value: '1', text: '1' }, 'fiscal_year'],
  ]) {
    r = await admin.post(`/api/indicators/${ind.id}/values`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.field, field, JSON.stringify(body));
  }
  r = await admin.post(`/api/indicators/${ind.id}/values`, { fiscal_year: 2026, kind: 'target', value: '2310000', text: '約231万件' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.value, r.body.text, r.body.version], [2310000, '約231万件', 1]);
  const key = `${ind.id}/2026/target`;
  assert.equal(auditCount('indicator_value', key), 1);
  r = await admin.post(`/api/indicators/${ind.id}/values`, { fiscal_year: 2026, kind: 'target', value: '1', text: '1件' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'fiscal_year');
  r = await admin.patch(`/api/indicators/${ind.id}/values/2026?kind=target`, { value: '2320000', text: '約232万件' }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), '"2"');
  r = await admin.patch(`/api/indicators/${ind.id}/values/2026?kind=target`, { text: '古い' }, ifMatch(1));
  assert.equal(r.status, 409);
  assert.equal(r.body.text, '約232万件', 'the record as it is now');
  r = await admin.patch(`/api/indicators/${ind.id}/values/2026`, { text: 'x' }, ifMatch(2));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'kind');
  r = await admin.patch(`/api/indicators/${ind.id}/values/2026?kind=target`, { value: '' }, ifMatch(2));
  assert.equal(r.status, 200);
  assert.equal(r.body.value, null, '"" is no figure (ー)');
  assert.equal(auditCount('indicator_value', key), 3);
  const audit = JSON.parse(sql(`SELECT json_agg(json_build_object('user', user_id, 'action', action, 'channel', channel)
    ORDER BY id) FROM audit_log WHERE entity = 'indicator_value' AND entity_id = '${key}'`));
  assert.deepEqual(audit.map((x) => x.action), ['insert', 'update', 'update']);
  assert.ok(audit.every((x) => x.user === admin.user.id && x.channel === 'api'), 'who and how');

  // Footnotes: a plan's ※n, attached to the indicator, corrected with If-Match.
  r = await admin.post(`/api/plans/${draft}/footnotes`, { number: 1, text: '試験の注記' });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/indicators/${ind.id}/notes`, { number: 2 });
  assert.equal(r.status, 400, 'no ※2 in this plan');
  assert.equal(r.body.error.field, 'number');
  r = await admin.post(`/api/indicators/${ind.id}/notes`, { number: 1 });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.notes.map((x) => [x.mark, x.text]), [['※1', '試験の注記']]);
  r = await admin.patch(`/api/plans/${draft}/footnotes/1`, { text: '直した注記' }, ifMatch(1));
  assert.equal(r.status, 200, r.text);
  assert.equal((await anonymous.get(`/api/indicators/${ind.id}`)).body.notes[0].text, '直した注記');
  assert.equal(auditCount('footnote', `${draft}/※1`), 2);
  r = await admin.patch(`/api/indicators/${ind.id}`, { name: '試験の成果指標（改）' }, ifMatch(ind.version));
  assert.equal(r.status, 200);
  assert.equal(auditCount('indicator', ind.id), 2);

  // The current plan's actuals are corrected too (values are not structure).
  const seeded = (await anonymous.get(`/api/indicators?plan=${current}`)).body.items[0];
  const v = seeded.values[0];
  const detail = (await anonymous.get(`/api/indicators/${seeded.id}`)).body.values
    .find((x) => x.kind === v.kind && x.fiscal_year === v.fiscal_year);
  r = await admin.patch(`/api/indicators/${seeded.id}/values/${v.fiscal_year}?kind=${v.kind}`, { text: `${v.text}（訂正）` }, ifMatch(detail.version));
  assert.equal(r.status, 200, r.text);
  r = await admin.patch(`/api/indicators/${seeded.id}/values/${v.fiscal_year}?kind=${v.kind}`, { text: v.text }, ifMatch(r.body.version));
  assert.equal(r.status, 200, 'put back as it was');
  assert.deepEqual((await anonymous.get(`/api/indicators?plan=${current}`)).body.items[0].values[0], v);
  sql(`UPDATE indicator_value SET version = ${detail.version} WHERE indicator_id = ${seeded.id} AND fiscal_year = ${v.fiscal_year} AND kind = '${v.kind}'`);
});

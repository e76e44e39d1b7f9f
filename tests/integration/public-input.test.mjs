// Public input on the seeded draft plan (（仮称）中野区ＤＸ推進計画) through
// nginx: the public comment's period and counts, its result table, the
// exchange sessions; who may write, what bad input answers (and that it
// writes nothing), the tallies per topic and outcome, the CSV's bytes,
// optimistic locking and the audit trail. Everything created is removed
// and the public comment restored afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { skipUnlessStack, signIn, anonymous, sql } from './accounts.mjs';
import { parseCsv } from './csv.mjs';

skipUnlessStack();

const DRAFT = '（仮称）中野区ＤＸ推進計画';
let plan, admin, clients, saved;

// How much of public input the database holds, and its audit rows.
const footprint = () => sql(`SELECT (SELECT count(*) FROM opinion) || '/' || (SELECT count(*) FROM exchange_session)
  || '/' || (SELECT version FROM public_comment WHERE plan_id = ${plan})
  || '/' || (SELECT count(*) FROM audit_log WHERE entity IN ('opinion', 'exchange_session', 'public_comment'))`);

// psql as the application's role (shinchoku_app), acting as user: what the
// row-level policies let through when a statement forgets to check.
const sqlAs = (user, query) => execFileSync('psql', [process.env.SHINCHOKU_TEST_DB, '-X', '-A', '-t',
  '-v', 'ON_ERROR_STOP=1', '-c', `BEGIN; SELECT set_config('app.user_id', '${user}', true); ${query}; ROLLBACK`],
{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n');

const ifMatch = (v) => ({ headers: { 'If-Match': `"${v}"` } });

before(async () => {
  plan = (await anonymous.get('/api/plans')).body.items.find((p) => p.title === DRAFT).id;
  saved = sql(`SELECT row_to_json(c)::text FROM public_comment c WHERE plan_id = ${plan}`);
  admin = await signIn('admin');
  clients = { anonymous, viewer: await signIn('viewer'), staff: await signIn('koseki-staff'),
    manager: await signIn('koseki-manager') };
});

after(() => {
  // Our rows only: the seed has none.
  sql(`DELETE FROM opinion WHERE plan_id = ${plan}; DELETE FROM exchange_session WHERE plan_id = ${plan};
    UPDATE public_comment c SET starts_on = s.starts_on, ends_on = s.ends_on, submitters = s.submitters,
      opinions = s.opinions, notes = s.notes, version = s.version, updated_at = s.updated_at
    FROM json_populate_record(NULL::public_comment, '${saved.replaceAll("'", "''")}') s WHERE c.plan_id = ${plan}`);
});

async function pcVersion() {
  const r = await anonymous.get(`/api/plans/${plan}/public-comment`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), `"${r.body.version}"`);
  return r.body.version;
}

async function addOpinion(body, path = `/api/plans/${plan}/public-comment/opinions`) {
  const r = await admin.post(path, body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), `"${r.body.version}"`);
  return r.body;
}

test('everyone reads; the draft plan has an empty public comment to fill in', async () => {
  const r = await anonymous.get(`/api/plans/${plan}/public-comment`);
  assert.equal(r.status, 200);
  assert.equal(r.body.plan.title, DRAFT);
  assert.deepEqual(r.body.tally.by_outcome.map((o) => [o.outcome, o.label]),
    [['reflected', '反映'], ['partly', '一部反映'], ['not_reflected', '反映なし']]);
  assert.equal((await anonymous.get('/api/plans/999999/public-comment')).status, 404);
  assert.equal((await anonymous.get(`/api/plans/${plan}/public-comment/opinions`)).status, 200);
  assert.equal((await anonymous.get(`/api/plans/${plan}/exchange-sessions`)).status, 200);
  assert.equal((await anonymous.get('/api/exchange-sessions/999999')).status, 404);
});

test('only admins write: unsigned 401, viewer, staff and manager 403 with a JSON error, nothing written', async () => {
  const op = await addOpinion({ topic: '計画全体', summary: '権限の確認', outcome: 'partly' });
  const xs = (await admin.post(`/api/plans/${plan}/exchange-sessions`,
    { title: '権限の確認', held_on: '2025-11-20', online: true })).body;
  const xop = await addOpinion({ topic: '目標1', summary: '権限の確認', outcome: 'reflected' },
    `/api/exchange-sessions/${xs.id}/opinions`);
  const v = await pcVersion();
  const writes = [
    (c) => c.patch(`/api/plans/${plan}/public-comment`, {}, ifMatch(v)), // wrong method: 405 for all
    (c) => c.post(`/api/plans/${plan}/public-comment/opinions`, { topic: 'x', summary: 'y', outcome: 'partly' }),
    (c) => c.patch(`/api/public-comment-opinions/${op.id}`, { count: 5 }, ifMatch(op.version)),
    (c) => c.del(`/api/public-comment-opinions/${op.id}`, ifMatch(op.version)),
    (c) => c.post(`/api/plans/${plan}/exchange-sessions`, { title: 'x', held_on: '2025-11-20', online: true }),
    (c) => c.patch(`/api/exchange-sessions/${xs.id}`, { participants: 3 }, ifMatch(xs.version)),
    (c) => c.del(`/api/exchange-sessions/${xs.id}`, ifMatch(xs.version)),
    (c) => c.post(`/api/exchange-sessions/${xs.id}/opinions`, { topic: 'x', summary: 'y', outcome: 'partly' }),
    (c) => c.patch(`/api/exchange-session-opinions/${xop.id}`, { count: 5 }, ifMatch(xop.version)),
    (c) => c.del(`/api/exchange-session-opinions/${xop.id}`, ifMatch(xop.version)),
  ];
  const before_ = footprint();
  const put = (c) => {
    const o = ifMatch(v);
    return fetch(`${process.env.SHINCHOKU_TEST_URL}/api/plans/${plan}/public-comment`, {
      method: 'PUT', body: JSON.stringify({ submitters: 9 }),
      headers: { 'Content-Type': 'application/json', ...o.headers,
        ...(c.cookie ? { Cookie: c.cookie, 'X-CSRF-Token': c.csrf } : {}) },
    }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }));
  };
  for (const [who, c] of Object.entries(clients)) {
    const want = who === 'anonymous' ? 401 : 403;
    const r = await put(c);
    assert.equal(r.status, want, `${who} PUT public-comment`);
    assert.equal(r.body.error.code, who === 'anonymous' ? 'unauthenticated' : 'forbidden');
    for (const [i, w] of writes.entries()) {
      const a = await w(c);
      if (i === 0) { assert.equal(a.status, 405, `${who} PATCH public-comment`); continue; }
      assert.equal(a.status, want, `${who} write ${i}: ${a.text}`);
      assert.equal(typeof a.body.error.message, 'string');
    }
  }
  assert.equal(footprint(), before_, 'nothing was written');
  // The database says no too, whatever a statement forgets: the policies.
  const policy = (user) => sqlAs(user, `WITH u AS (UPDATE opinion SET count = 7 WHERE id = ${op.id} RETURNING 1),
    d AS (DELETE FROM exchange_session WHERE id = ${xs.id} RETURNING 1)
    SELECT (SELECT count(*) FROM u) || '/' || (SELECT count(*) FROM d)`);
  assert.ok(policy(clients.viewer.user.id).includes('0/0'), 'a viewer changes nothing');
  assert.ok(policy(clients.staff.user.id).includes('0/0'), 'staff change nothing');
  assert.ok(policy(admin.user.id).includes('1/1'), 'an admin could (rolled back)');
});

test('bad input is a 400 naming the field, and changes nothing', async () => {
  const op = await addOpinion({ topic: '計画全体', summary: '検証用', outcome: 'reflected' });
  const xs = (await admin.post(`/api/plans/${plan}/exchange-sessions`,
    { title: '検証用', held_on: '2025-11-21', place: '区役所' })).body;
  const v = await pcVersion();
  const cases = [
    ['PUT', `/api/plans/${plan}/public-comment`, { starts_on: '2026-02-20', ends_on: '2026-02-01' }, v, 'ends_on'],
    ['PUT', `/api/plans/${plan}/public-comment`, { submitters: -1 }, v, 'submitters'],
    ['PUT', `/api/plans/${plan}/public-comment`, { opinions: -5 }, v, 'opinions'],
    ['PUT', `/api/plans/${plan}/public-comment`, { starts_on: '2026-02-30' }, v, 'starts_on'],
    ['POST', `/api/plans/${plan}/public-comment/opinions`, { topic: '目標1', summary: '  　', outcome: 'partly' }, null, 'summary'],
    ['POST', `/api/plans/${plan}/public-comment/opinions`, { topic: '目標1', outcome: 'partly' }, null, 'summary'],
    ['POST', `/api/plans/${plan}/public-comment/opinions`, { topic: '目標1', summary: 'x', outcome: 'adopted' }, null, 'outcome'],
    ['POST', `/api/plans/${plan}/public-comment/opinions`, { topic: '目標1', summary: 'x', outcome: 'partly', count: -1 }, null, 'count'],
    ['POST', `/api/plans/${plan}/public-comment/opinions`, { topic: '目標1', summary: 'x', outcome: 'partly', number: op.number }, null, 'number'],
    ['PATCH', `/api/public-comment-opinions/${op.id}`, { outcome: '採用' }, op.version, 'outcome'],
    ['PATCH', `/api/public-comment-opinions/${op.id}`, { summary: '' }, op.version, 'summary'],
    ['POST', `/api/plans/${plan}/exchange-sessions`, { title: '会場なし', held_on: '2025-11-22' }, null, 'place'],
    ['POST', `/api/plans/${plan}/exchange-sessions`, { title: 'x', held_on: '2025-11-22', online: true, participants: -3 }, null, 'participants'],
    ['PATCH', `/api/exchange-sessions/${xs.id}`, { place: '' }, xs.version, 'place'],
    ['POST', `/api/exchange-sessions/${xs.id}/opinions`, { topic: '目標2', summary: 'x', outcome: '不明' }, null, 'outcome'],
  ];
  const before_ = footprint();
  for (const [method, path, body, version, field] of cases) {
    const opts = version === null ? {} : ifMatch(version);
    const r = method === 'PUT'
      ? await fetch(`${process.env.SHINCHOKU_TEST_URL}${path}`, { method, body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, ...opts.headers } })
        .then(async (x) => ({ status: x.status, body: JSON.parse(await x.text()) }))
      : await admin[method === 'POST' ? 'post' : 'patch'](path, body, opts);
    const what = `${method} ${path} ${JSON.stringify(body)}`;
    assert.equal(r.status, method === 'POST' && field === 'number' ? 409 : 400, what);
    assert.equal(r.body.error.field, field, what);
    assert.doesNotMatch(r.body.error.message, /constraint|_check|_fkey|_key|SQL|violates/i, what);
  }
  assert.equal(footprint(), before_, 'nothing was written');
});

// PUT through fetch: accounts.mjs has no put().
async function put(client, path, body, version) {
  const r = await fetch(`${process.env.SHINCHOKU_TEST_URL}${path}`, {
    method: 'PUT', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Cookie: client.cookie, 'X-CSRF-Token': client.csrf,
      'If-Match': `"${version}"` },
  });
  return { status: r.status, headers: r.headers, body: JSON.parse(await r.text()) };
}

test('the period and counts: saved with If-Match, a stale version is 409 with the record as it is', async () => {
  const v = await pcVersion();
  const r = await put(admin, `/api/plans/${plan}/public-comment`,
    { starts_on: '2026-02-02', ends_on: '2026-03-03', submitters: 12, opinions: 31, notes: '持参・郵送・電子申請' }, v);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.version, v + 1);
  assert.equal(r.headers.get('etag'), `"${v + 1}"`);
  assert.deepEqual([r.body.starts_on, r.body.ends_on, r.body.submitters, r.body.opinions], ['2026-02-02', '2026-03-03', 12, 31]);
  const stale = await put(admin, `/api/plans/${plan}/public-comment`, { submitters: 1 }, v);
  assert.equal(stale.status, 409);
  assert.equal(stale.body.submitters, 12, 'the record as it is now');
  assert.equal(stale.headers.get('etag'), `"${v + 1}"`);
  const last = sql(`SELECT user_id || ' ' || channel || ' ' || action || ' ' || (after->>'submitters')
    FROM audit_log WHERE entity = 'public_comment' AND entity_id = '${plan}' ORDER BY id DESC LIMIT 1`);
  assert.equal(last, `${admin.user.id} api update 12`);
});

test('the result table: numbered rows, tallies per topic and outcome, If-Match on change and removal, audited', async () => {
  const rows = [
    { topic: '計画全体', summary: 'DXの目的をわかりやすく', outcome: 'reflected', count: 2, answer: '追記します。' },
    { topic: '目標1', summary: '窓口の手続をオンラインに', outcome: 'partly', count: 3 },
    { topic: '計画全体', summary: '計画期間について', outcome: '反映なし' },
    { topic: '目標2', summary: 'デジタルデバイド対策', outcome: 'not_reflected', count: 4 },
  ];
  const made = [];
  for (const r of rows) made.push(await addOpinion(r));
  const numbers = made.map((m) => m.number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'numbered in order');
  assert.equal(new Set(numbers).size, 4);
  assert.equal(made[2].outcome, 'not_reflected', 'a label is taken for its key');
  assert.equal(made[2].count, 1, 'count defaults to 1');

  // Move one row from 目標1/一部反映 to 目標2/反映.
  const patched = await admin.patch(`/api/public-comment-opinions/${made[1].id}`,
    { topic: '目標2', outcome: 'reflected' }, ifMatch(made[1].version));
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.headers.get('etag'), `"${made[1].version + 1}"`);
  const stale = await admin.patch(`/api/public-comment-opinions/${made[1].id}`, { count: 9 }, ifMatch(made[1].version));
  assert.equal(stale.status, 409);
  assert.equal(stale.body.topic, '目標2');
  assert.equal(stale.headers.get('etag'), `"${made[1].version + 1}"`);

  const list = (await anonymous.get(`/api/plans/${plan}/public-comment/opinions`)).body;
  const ours = list.items.filter((o) => made.some((m) => m.id === o.id));
  assert.equal(ours.length, 4);
  // Expected tallies of every row in the table (earlier tests may have left some).
  const expectTopics = new Map();
  const outcomes = { reflected: [0, 0], partly: [0, 0], not_reflected: [0, 0] };
  for (const o of list.items) {
    const t = expectTopics.get(o.topic) || { topic: o.topic, groups: 0, opinions: 0, reflected: 0, partly: 0, not_reflected: 0 };
    t.groups += 1; t.opinions += o.count; t[o.outcome] += o.count;
    expectTopics.set(o.topic, t);
    outcomes[o.outcome][0] += 1; outcomes[o.outcome][1] += o.count;
  }
  assert.deepEqual(list.tally.by_topic, [...expectTopics.values()], 'per topic, in the order topics first appear');
  assert.deepEqual(list.tally.by_outcome.map((o) => [o.outcome, o.groups, o.opinions]),
    Object.entries(outcomes).map(([k, [g, n]]) => [k, g, n]));
  assert.deepEqual(list.tally.total, { groups: list.items.length, opinions: list.items.reduce((s, o) => s + o.count, 0) });
  // And the figures of our four rows alone, by hand: 目標2 has 3 (反映) + 4 (反映なし).
  const t2 = list.tally.by_topic.find((t) => t.topic === '目標2');
  assert.ok(t2.reflected >= 3 && t2.not_reflected >= 4);
  assert.equal((await anonymous.get(`/api/plans/${plan}/public-comment`)).body.tally.total.opinions,
    list.tally.total.opinions, 'the public comment shows the same tallies');

  const staleDel = await admin.del(`/api/public-comment-opinions/${made[3].id}`, ifMatch(made[3].version + 1));
  assert.equal(staleDel.status, 409);
  const del = await admin.del(`/api/public-comment-opinions/${made[3].id}`, ifMatch(made[3].version));
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.body, { id: made[3].id, deleted: true });
  assert.equal((await admin.del(`/api/public-comment-opinions/${made[3].id}`, ifMatch(1))).status, 404);

  const audit = (id) => sql(`SELECT string_agg(action || ':' || user_id || ':' || channel, ',' ORDER BY id)
    FROM audit_log WHERE entity = 'opinion' AND entity_id = '${id}'`);
  const a = admin.user.id;
  assert.equal(audit(made[1].id), `insert:${a}:api,update:${a}:api`);
  assert.equal(audit(made[3].id), `insert:${a}:api,delete:${a}:api`);
});

test('the CSV: BOM, Japanese header, RFC 4180 quoting, a formula-looking summary neutralised', async () => {
  const evil = await addOpinion({ topic: '目標1', summary: '=HYPERLINK("http://evil.example/","x")', outcome: 'partly', answer: '+1 について' });
  const quoted = await addOpinion({ topic: '計画全体', summary: '意見A, 意見B\n「引用」と "quote"', outcome: 'reflected', count: 2 });
  const r = await fetch(`${process.env.SHINCHOKU_TEST_URL}/api/plans/${plan}/public-comment.csv`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(r.headers.get('content-disposition'), new RegExp(`attachment; filename="shinchoku-public-comment-${plan}.csv"`));
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF], 'UTF-8 BOM');
  const text = bytes.toString('utf8').slice(1);
  assert.ok(text.startsWith('番号,項目,意見の概要,意見数,区の考え方,反映状況\r\n'), text.slice(0, 80));
  assert.ok(text.includes(`${evil.number},目標1,"'=HYPERLINK(""http://evil.example/"",""x"")",1,"'+1 について",一部反映\r\n`), text);
  assert.ok(text.includes(`${quoted.number},計画全体,"意見A, 意見B\n「引用」と ""quote""",2,,反映\r\n`), text);
  // Read back strictly: one row per opinion, in number order.
  const rows = parseCsv(text);
  const list = (await anonymous.get(`/api/plans/${plan}/public-comment/opinions`)).body.items;
  assert.equal(rows.length, list.length + 1);
  assert.deepEqual(rows.slice(1).map((x) => Number(x[0])), list.map((o) => o.number));
  assert.equal(rows.find((x) => Number(x[0]) === quoted.number)[2], '意見A, 意見B\n「引用」と "quote"');
  assert.equal((await anonymous.get('/api/plans/999999/public-comment.csv')).status, 404);
});

test('exchange sessions: a place or online, their own numbered table and tallies, removal takes their opinions', async () => {
  const r = await admin.post(`/api/plans/${plan}/exchange-sessions`,
    { title: '区民意見交換会（オンライン）', held_on: '2025-11-08', online: true, participants: 18 });
  assert.equal(r.status, 201, r.text);
  const xs = r.body;
  assert.deepEqual([xs.place, xs.online, xs.participants], ['', true, 18]);
  const o1 = await addOpinion({ topic: '計画全体', summary: 'オンラインで参加しやすい', outcome: 'reflected' }, `/api/exchange-sessions/${xs.id}/opinions`);
  const o2 = await addOpinion({ topic: '目標1', summary: 'スマホ教室を', outcome: 'partly', count: 5 }, `/api/exchange-sessions/${xs.id}/opinions`);
  assert.deepEqual([o1.number, o2.number], [1, 2], 'a session numbers its own table');
  assert.equal(o1.session_id, xs.id);
  // A session's opinion is not the public comment's.
  assert.equal((await admin.patch(`/api/public-comment-opinions/${o1.id}`, { count: 2 }, ifMatch(o1.version))).status, 404);
  const got = await anonymous.get(`/api/exchange-sessions/${xs.id}`);
  assert.equal(got.headers.get('etag'), `"${xs.version}"`);
  assert.deepEqual(got.body.tally.by_topic, [
    { topic: '計画全体', groups: 1, opinions: 1, reflected: 1, partly: 0, not_reflected: 0 },
    { topic: '目標1', groups: 1, opinions: 5, reflected: 0, partly: 5, not_reflected: 0 },
  ]);
  assert.deepEqual(got.body.tally.total, { groups: 2, opinions: 6 });
  const list = (await anonymous.get(`/api/exchange-sessions/${xs.id}/opinions`)).body;
  assert.deepEqual(list.items.map((o) => o.id), [o1.id, o2.id]);
  const pcTable = (await anonymous.get(`/api/plans/${plan}/public-comment/opinions`)).body.items;
  assert.ok(!pcTable.some((o) => o.id === o1.id), 'not in the public comment table');

  const moved = await admin.patch(`/api/exchange-sessions/${xs.id}`, { place: '区役所 会議室', participants: 20 }, ifMatch(xs.version));
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await admin.patch(`/api/exchange-sessions/${xs.id}`, { participants: 1 }, ifMatch(xs.version))).status, 409);
  const staleDel = await admin.del(`/api/exchange-sessions/${xs.id}`, ifMatch(xs.version));
  assert.equal(staleDel.status, 409);
  assert.equal(staleDel.body.participants, 20);
  const del = await admin.del(`/api/exchange-sessions/${xs.id}`, ifMatch(moved.body.version));
  assert.equal(del.status, 200, del.text);
  assert.equal(sql(`SELECT count(*) FROM opinion WHERE session_id = ${xs.id}`), '0');
  assert.equal(sql(`SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = 'opinion' AND entity_id = '${o2.id}'`),
    'insert,delete', 'the opinions removed with the session are audited');
  assert.equal(sql(`SELECT string_agg(action || ':' || user_id, ',' ORDER BY id) FROM audit_log
    WHERE entity = 'exchange_session' AND entity_id = '${xs.id}'`), `insert:${admin.user.id},update:${admin.user.id},delete:${admin.user.id}`);
});

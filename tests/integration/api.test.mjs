// The read API contract (docs/API.md) through nginx, checked against the
// dataset file data/nakano-plan-r6.json: the FY2024 report is the source of
// truth, so expected values are read from it, not copied here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const URL_ = process.env.SHINCHOKU_TEST_URL;
const SRC = process.env.SHINCHOKU_SOURCE_DIR;
const DATA = JSON.parse(readFileSync(join(SRC, 'data', 'nakano-plan-r6.json'), 'utf8'));

const JSON_TYPE = 'application/json; charset=utf-8';
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]/;

// The dataset, seen the way the API should show it.
const ROWS = DATA.activities;                        // 113 table rows
const REPORTED = ROWS.filter((a) => a.status !== ''); // 105 activities
const RELISTED = ROWS.filter((a) => a.status === '');  // 8 re-listings (再掲)
const BY_SEQ = new Map(ROWS.map((a) => [a.seq, a]));
const MARK_KEY = Object.fromEntries(DATA.status_legend.map((s) => [s.mark, s.key]));
const norm = (s) => s.normalize('NFKC').toLowerCase();
const names = (deps) => deps.map((d) => d.name);

// Every answer goes through here: it must be JSON, UTF-8, Japanese as itself.
async function get(path, init = {}) {
  const r = await fetch(URL_ + path, init);
  const text = await r.text();
  const where = `${init.method ?? 'GET'} ${path} (${r.status})`;
  if (init.method !== 'HEAD') {
    assert.equal(r.headers.get('content-type'), JSON_TYPE, `${where}: content-type`);
    assert.ok(!text.includes('\\u'), `${where}: no \\u escapes in the body`);
  }
  let body = null;
  if (text !== '' && init.method !== 'HEAD') {
    try {
      body = JSON.parse(text);
    } catch (e) {
      assert.fail(`${where}: body is not JSON: ${text.slice(0, 200)}`);
    }
  }
  return { status: r.status, headers: r.headers, text, body, where };
}

async function ok(path) {
  const r = await get(path);
  assert.equal(r.status, 200, `${r.where}: ${r.text.slice(0, 300)}`);
  return r.body;
}

const q = (params) => '?' + new URLSearchParams(params).toString();

// Fetched once and shared by the subtests below.
let plans, plan1, allActivities;
async function loadAll() {
  plans ??= (await ok('/api/plans')).items;
  const p1 = plans.find((p) => p.title === DATA.plan.title);
  assert.ok(p1, `plan ${DATA.plan.title} listed`);
  plan1 ??= await ok(`/api/plans/${p1.id}`);
  allActivities ??= await ok('/api/activities' + q({ limit: 500 }));
  return { plans, plan1, list: allActivities };
}

// seq of a reported dataset row -> activity id, by table order (both are in
// goal, policy, measure number, position order).
async function seqToId() {
  const { list } = await loadAll();
  assert.equal(list.items.length, REPORTED.length);
  const map = new Map();
  REPORTED.forEach((row, i) => {
    const item = list.items[i];
    assert.equal(item.name, row.name, `seq ${row.seq}: table order`);
    assert.equal(item.measure.code, row.measure, `seq ${row.seq}: measure`);
    map.set(row.seq, item.id);
  });
  return map;
}

test('GET /api/health: 200 ok, db ok; HEAD answers like GET without a body', async () => {
  const r = await get('/api/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok', db: 'ok' });
  // The router maps HEAD to GET and the worker drops the body (src/router.c).
  for (const path of ['/api/health', '/api/plans', '/api/activities?limit=1']) {
    const h = await get(path, { method: 'HEAD' });
    assert.equal(h.status, 200, `HEAD ${path}`);
    assert.equal(h.headers.get('content-type'), JSON_TYPE, `HEAD ${path}: content-type`);
    assert.equal(h.text, '', `HEAD ${path}: no body`);
  }
  const h404 = await get('/api/nowhere', { method: 'HEAD' });
  assert.equal(h404.status, 404, 'HEAD on an unknown path is a 404 like GET');
});

test('GET /api/plans: the adopted plan with its goals and 39 measures, and the draft plan', async () => {
  const { plans: items } = await loadAll();
  assert.equal(items.length, 2, 'two plans');
  const p = items.find((x) => x.title === DATA.plan.title);
  assert.equal(p.state, 'adopted');
  assert.equal(p.adopted, DATA.plan.adopted);
  assert.equal(p.report_fiscal_year, DATA.plan.report_fiscal_year);
  assert.deepEqual(p.goals.map((g) => [g.number, g.title]), DATA.goals.map((g) => [g.number, g.title]));
  const measures = p.goals.flatMap((g) => g.measures.map((m) => ({ ...m, goal: g.number })));
  assert.equal(measures.length, 39);
  assert.deepEqual(measures.map((m) => m.code), DATA.measures.map((m) => m.code), 'codes in dataset order');
  for (const [i, m] of measures.entries()) {
    const d = DATA.measures[i];
    assert.deepEqual([m.goal, m.policy, m.number, m.name, m.relisted_from],
      [d.goal, d.policy, d.number, d.name, d.relisted_from], `measure ${d.code}`);
    const count = REPORTED.filter((a) => a.measure === d.code).length;
    assert.equal(m.activity_count, count, `activity_count of ${d.code}`);
    assert.equal(m.entries, undefined, 'the list has no entries');
  }
  assert.equal(measures.reduce((n, m) => n + m.activity_count, 0), 105, 'sum of activity_count');
  const draft = items.find((x) => x.title === '（仮称）中野区ＤＸ推進計画');
  assert.ok(draft, 'draft plan listed');
  assert.equal(draft.state, 'draft');
  assert.deepEqual(draft.goals, []);
});

test('GET /api/plans/{id}: 113 entries in table order, 8 re-listings pointing to where they are reported', async () => {
  const { plan1: p } = await loadAll();
  const ids = await seqToId();
  const measures = p.goals.flatMap((g) => g.measures);
  const entries = measures.flatMap((m) => m.entries.map((e) => ({ ...e, measure: m.code })));
  assert.equal(entries.length, 113, '113 appendix rows');
  assert.equal(entries.filter((e) => e.relisted).length, 8, '8 re-listings');
  const codeToId = new Map(measures.map((m) => [m.code, m.id]));
  ROWS.forEach((row, i) => {
    const e = entries[i];
    const at = `seq ${row.seq} (${row.measure})`;
    assert.equal(e.measure, row.measure, `${at}: measure`);
    assert.equal(e.name, row.name, `${at}: name as printed`);
    assert.equal(e.relisted, row.relisted_from !== null, `${at}: relisted`);
    assert.deepEqual(names(e.departments), row.departments, `${at}: departments`);
    if (row.relisted_from === null) {
      assert.equal(e.reported_under, null, `${at}: reported_under`);
      assert.equal(e.activity_id, ids.get(row.seq), `${at}: activity id`);
    } else {
      assert.deepEqual(e.reported_under,
        { measure_id: codeToId.get(row.relisted_from), code: row.relisted_from }, `${at}: reported_under`);
      assert.equal(e.activity_id, ids.get(row.relisted_of_seq), `${at}: the re-listed activity`);
    }
  });
  // Positions number the rows of each measure 1, 2, 3 ...
  for (const m of measures) {
    assert.deepEqual(m.entries.map((e) => e.position), m.entries.map((_, i) => i + 1), `${m.code} positions`);
  }
  // Measures whose rows are all re-listings, per the dataset. Only 2-1-①:
  // 2-1-④ holds a re-listing (seq 69) and a reported row (seq 70), although
  // data/README.md says it would be left empty without re-listings.
  const onlyRelisted = DATA.measures.map((d) => d.code)
    .filter((code) => ROWS.some((a) => a.measure === code) && ROWS.every((a) => a.measure !== code || a.status === ''));
  assert.deepEqual(onlyRelisted, ['2-1-①'], 'dataset: measures made only of re-listings');
  for (const m of measures) {
    const all = m.entries.length > 0 && m.entries.every((e) => e.relisted);
    assert.equal(all, onlyRelisted.includes(m.code), `${m.code}: holds only re-listed entries?`);
    if (all) assert.equal(m.activity_count, 0, `${m.code} reports nothing`);
  }
  const m214 = measures.find((x) => x.code === '2-1-④');
  assert.deepEqual(m214.entries.map((e) => e.relisted), ROWS.filter((a) => a.measure === '2-1-④').map((a) => a.status === ''),
    '2-1-④: the re-listing first, then the reported row');
  assert.equal(BY_SEQ.get(16).name, BY_SEQ.get(39).name, 'dataset: seq 16 and 39 share a name');
  assert.notEqual(ids.get(16), ids.get(39), 'seq 16 and 39 are different activities');
  const e16 = entries[15], e39 = entries[38];
  assert.equal(e16.name, e39.name);
  assert.ok(!e16.relisted && !e39.relisted);
  assert.notEqual(e16.activity_id, e39.activity_id);

  const draftId = plans.find((x) => x.state === 'draft').id;
  const draft = await ok(`/api/plans/${draftId}`);
  assert.equal(draft.state, 'draft');
  assert.deepEqual(draft.goals, []);
  const missing = await get('/api/plans/999999');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');
});

test('GET /api/activities: 105 activities, FY2024 records equal to the dataset', async () => {
  const { list } = await loadAll();
  const ids = await seqToId();
  const def = await ok('/api/activities');
  assert.equal(def.total, 105);
  assert.equal(def.fiscal_year, 2024, 'default fy is the latest year with records');
  assert.equal(def.limit, 100, 'default limit');
  assert.equal(def.offset, 0);
  assert.equal(def.items.length, 100);
  assert.equal(list.total, 105);
  assert.equal(list.items.length, 105);
  const plan1Id = plans.find((x) => x.title === DATA.plan.title).id;
  REPORTED.forEach((row, i) => {
    const a = list.items[i];
    const at = `seq ${row.seq} ${row.name}`;
    assert.equal(a.id, ids.get(row.seq));
    assert.equal(a.plan_id, plan1Id, at);
    assert.equal(a.fiscal_year, 2024, at);
    assert.equal(a.status_mark, row.status, `${at}: status mark`);
    assert.equal(a.status, MARK_KEY[row.status], `${at}: status`);
    assert.equal(a.result, row.result_2024, `${at}: result (result_2024)`);
    assert.equal(a.plan_next, row.plan_2025, `${at}: plan_next (plan_2025)`);
    assert.equal(a.change_reason, row.change_reason, `${at}: change_reason`);
    assert.deepEqual(names(a.departments), row.departments, `${at}: departments`);
    assert.equal(a.goal.number, DATA.measures.find((m) => m.code === row.measure).goal, `${at}: goal`);
    assert.equal(a.measure.name, DATA.measures.find((m) => m.code === row.measure).name, `${at}: measure name`);
  });
});

test('GET /api/activities: limit/offset paging', async () => {
  const { list } = await loadAll();
  const tail = await ok('/api/activities' + q({ limit: 10, offset: 100 }));
  assert.equal(tail.items.length, 5, 'limit=10 offset=100 → 5 items');
  assert.equal(tail.total, 105);
  assert.equal(tail.limit, 10);
  assert.equal(tail.offset, 100);
  const pages = [];
  for (let offset = 0; offset < 105; offset += 20) {
    const page = await ok('/api/activities' + q({ limit: 20, offset }));
    assert.equal(page.total, 105);
    pages.push(...page.items);
  }
  assert.deepEqual(pages, list.items, 'the pages concatenated equal the one-page list');
  const past = await ok('/api/activities' + q({ offset: 1000 }));
  assert.deepEqual(past.items, []);
  assert.equal(past.total, 105);
});

test('GET /api/activities?status=: 102 ○ and 3 △, by key and by mark', async () => {
  const ids = await seqToId();
  const expected = DATA.status_counts_reported;
  for (const s of DATA.status_legend) {
    const rows = REPORTED.filter((a) => a.status === s.mark);
    assert.equal(rows.length, expected[s.mark], `dataset: ${s.mark} rows match the reported count`);
    for (const param of [s.key, s.mark]) {
      const r = await ok('/api/activities' + q({ status: param, limit: 500 }));
      assert.equal(r.total, expected[s.mark], `status=${param}`);
      assert.deepEqual(r.items.map((a) => a.id), rows.map((a) => ids.get(a.seq)), `status=${param}: ids`);
      assert.ok(r.items.every((a) => a.status === s.key && a.status_mark === s.mark));
    }
  }
  const delayed = await ok('/api/activities' + q({ status: 'delayed' }));
  assert.equal(delayed.total, 3);
  assert.deepEqual(delayed.items.map((a) => a.id), [23, 96, 99].map((s) => ids.get(s)), 'the △ rows are seq 23, 96, 99');
});

test('GET /api/activities: filters goal, measure (id and code), department, plan', async () => {
  const ids = await seqToId();
  const { plan1: p } = await loadAll();
  const idsOf = (rows) => rows.map((a) => ids.get(a.seq));
  for (const g of p.goals) {
    const r = await ok('/api/activities' + q({ goal: g.id, limit: 500 }));
    const rows = REPORTED.filter((a) => DATA.measures.find((m) => m.code === a.measure).goal === g.number);
    assert.equal(r.total, rows.length, `goal ${g.number}`);
    assert.deepEqual(r.items.map((a) => a.id), idsOf(rows), `goal ${g.number}: ids`);
  }
  const measures = p.goals.flatMap((g) => g.measures);
  for (const code of ['1-1-①', '1-4-②', '2-3-①', '2-1-①']) {
    const m = measures.find((x) => x.code === code);
    const rows = REPORTED.filter((a) => a.measure === code);
    const byCode = await ok('/api/activities' + q({ measure: code }));
    const byId = await ok('/api/activities' + q({ measure: m.id }));
    assert.equal(byCode.total, rows.length, `measure=${code}`);
    assert.deepEqual(byCode.items.map((a) => a.id), idsOf(rows), `measure=${code}: ids`);
    assert.deepEqual(byId, byCode, `measure=${m.id} equals measure=${code}`);
  }
  const depts = (await ok('/api/departments')).items;
  for (const name of ['戸籍住民課', 'デジタル政策課', '施設所管課']) {
    const d = depts.find((x) => x.name === name);
    assert.ok(d, `department ${name} listed`);
    const rows = REPORTED.filter((a) => a.departments.includes(name));
    const r = await ok('/api/activities' + q({ department: d.id, limit: 500 }));
    assert.equal(r.total, rows.length, `department=${name}`);
    assert.deepEqual(r.items.map((a) => a.id), idsOf(rows), `department=${name}: ids`);
  }
  const plan1Id = plans.find((x) => x.title === DATA.plan.title).id;
  const draftId = plans.find((x) => x.state === 'draft').id;
  assert.equal((await ok('/api/activities' + q({ plan: plan1Id }))).total, 105);
  assert.equal((await ok('/api/activities' + q({ plan: draftId }))).total, 0, 'the draft plan has no activities');
  const combined = await ok('/api/activities' + q({ measure: '2-3-①', status: '△' }));
  assert.deepEqual(combined.items.map((a) => a.id), [96, 99].map((s) => ids.get(s)), 'filters combine');
  const none = await ok('/api/activities' + q({ goal: 999999 }));
  assert.equal(none.total, 0);
  assert.deepEqual(none.items, []);
});

test('GET /api/activities?fy=2023: the 2023 results equal the dataset', async () => {
  const ids = await seqToId();
  const r = await ok('/api/activities' + q({ fy: 2023, limit: 500 }));
  assert.equal(r.fiscal_year, 2023);
  assert.equal(r.total, 105);
  REPORTED.forEach((row, i) => {
    const a = r.items[i];
    assert.equal(a.id, ids.get(row.seq));
    assert.equal(a.fiscal_year, 2023);
    assert.equal(a.result, row.result_2023, `seq ${row.seq}: result_2023`);
  });
  // A year without records: every activity listed, with null status and empty texts.
  const empty = await ok('/api/activities' + q({ fy: 2030, limit: 500 }));
  assert.equal(empty.total, 105);
  assert.ok(empty.items.every((a) => a.status === null && a.status_mark === null && a.version === null &&
    a.result === '' && a.plan_next === '' && a.change_reason === ''), 'fy=2030: no records');
});

test('GET /api/activities?q=: free text search, width-insensitive', async () => {
  const ids = await seqToId();
  // What the server searches: name, that year's texts and department names.
  const hay = (a) => norm([a.name, a.result_2024, a.plan_2025, a.change_reason, a.departments.join(' ')].join(' '));
  const expect = (text) => REPORTED.filter((a) => hay(a).includes(norm(text)));
  for (const text of ['ガバメントクラウド', '窓口', '保健企画課', 'ペーパーレス', 'ＡＩ', 'AI', 'Wi-Fi', 'ｗｉ－ｆｉ']) {
    const rows = expect(text);
    assert.ok(rows.length > 0, `dataset has ${text}`);
    const r = await ok('/api/activities' + q({ q: text, limit: 500 }));
    assert.equal(r.total, rows.length, `q=${text}`);
    assert.deepEqual(r.items.map((a) => a.id), rows.map((a) => ids.get(a.seq)), `q=${text}: ids`);
  }
  // A phrase only in one FY2024 result.
  const row = BY_SEQ.get(1);
  const phrase = '申請書請求の電子申請サービス';
  assert.ok(row.result_2024.includes(phrase));
  const one = await ok('/api/activities' + q({ q: phrase }));
  assert.ok(one.items.some((a) => a.id === ids.get(1) && a.result.includes(phrase)), `q=${phrase} finds seq 1`);
  const full = await ok('/api/activities' + q({ q: 'ＡＩ' }));
  const half = await ok('/api/activities' + q({ q: 'AI' }));
  assert.ok(full.total > 0);
  assert.equal(full.total, half.total, 'ＡＩ and AI find the same');
  assert.deepEqual(full.items, half.items);
  const nothing = await ok('/api/activities' + q({ q: '存在しない語句ぴよぴよ' }));
  assert.equal(nothing.total, 0);
  assert.deepEqual(nothing.items, []);
  const hundred = await ok('/api/activities' + q({ q: 'あ'.repeat(100) }));
  assert.equal(hundred.total, 0, '100 characters is allowed');
});

test('GET /api/activities/{id}: years 2023 and 2024, relistings, 404 and 400', async () => {
  const ids = await seqToId();
  const { plan1: p } = await loadAll();
  const measures = p.goals.flatMap((g) => g.measures);
  for (const row of REPORTED) {
    const a = await ok(`/api/activities/${ids.get(row.seq)}`);
    const at = `seq ${row.seq}`;
    assert.equal(a.id, ids.get(row.seq));
    assert.equal(a.name, row.name, at);
    assert.equal(a.plan.title, DATA.plan.title);
    assert.equal(a.measure.code, row.measure, at);
    assert.deepEqual(names(a.departments), row.departments, `${at}: departments`);
    // The dataset has results for 2023 and 2024, and the 2025 plan as the
    // 2024 record's plan_next: no 2025 record.
    assert.deepEqual(a.years.map((y) => y.fiscal_year), [2023, 2024], `${at}: years`);
    const [y23, y24] = a.years;
    assert.equal(y23.result, row.result_2023, `${at}: 2023 result`);
    assert.equal(y23.status, null, `${at}: 2023 has no mark`);
    assert.equal(y23.plan_next, '', `${at}: 2023 plan_next`);
    assert.equal(y24.result, row.result_2024, `${at}: 2024 result`);
    assert.equal(y24.plan_next, row.plan_2025, `${at}: 2024 plan_next`);
    assert.equal(y24.change_reason, row.change_reason, `${at}: change_reason`);
    assert.equal(y24.status_mark, row.status, `${at}: mark`);
    assert.equal(y24.status, MARK_KEY[row.status], `${at}: status`);
    for (const y of a.years) {
      assert.ok(Number.isInteger(y.version) && y.version >= 1, `${at}: version`);
      assert.ok(!Number.isNaN(Date.parse(y.updated_at)), `${at}: updated_at`);
    }
    const relistings = RELISTED.filter((x) => x.relisted_of_seq === row.seq);
    assert.deepEqual(a.relistings.map((r) => [r.code, r.label]).sort(),
      relistings.map((x) => [x.measure, x.name]).sort(), `${at}: relistings`);
    for (const r of a.relistings) {
      const m = measures.find((x) => x.code === r.code);
      assert.equal(r.measure_id, m.id);
      assert.equal(r.position, m.entries.findIndex((e) => e.relisted && e.activity_id === a.id) + 1);
    }
  }
  const relisted = await ok(`/api/activities/${ids.get(8)}`);
  assert.deepEqual(relisted.relistings.map((r) => r.code), ['2-1-①'], 'seq 8 is re-listed under 2-1-①');
  const unknown = await get('/api/activities/999999');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'not_found');
  for (const bad of ['abc', '0', '-1', '1.5']) {
    const r = await get(`/api/activities/${bad}`);
    assert.equal(r.status, 400, `id=${bad}`);
    assert.equal(r.body.error.code, 'bad_parameter');
    assert.equal(r.body.error.field, 'id');
  }
});

test('GET /api/indicators: every indicator, value, target, text and footnote of the dataset', async () => {
  await loadAll();
  const r = await ok('/api/indicators');
  const plan1Id = plans.find((x) => x.title === DATA.plan.title).id;
  assert.equal(r.items.length, DATA.indicators.length, 'ten indicators');
  DATA.indicators.forEach((d, i) => {
    const it = r.items[i];
    const at = `indicator ${i + 1} ${d.name}`;
    assert.equal(it.name, d.name, at);
    assert.equal(it.unit, d.unit, `${at}: unit`);
    assert.equal(it.goal.number, d.goal, `${at}: goal`);
    assert.equal(it.plan_id, plan1Id, `${at}: plan`);
    assert.deepEqual(it.notes, d.notes.map((mark) => ({ mark, text: DATA.footnotes[mark] })), `${at}: notes`);
    const values = [
      ...Object.keys(d.values).map((fy) => ({ fiscal_year: Number(fy), kind: 'actual',
        value: d.values_numeric[fy], text: d.values[fy] })),
      ...Object.keys(d.target).map((fy) => ({ fiscal_year: Number(fy), kind: 'target',
        value: d.target_numeric[fy], text: d.target[fy] })),
    ];
    assert.deepEqual(it.values, values, `${at}: values`);
  });
  // Positions run 1..5 within each goal, in report order.
  for (const g of [1, 2]) {
    const its = r.items.filter((x) => x.goal.number === g);
    assert.deepEqual(its.map((x) => x.position), its.map((_, i) => i + 1), `goal ${g} positions`);
  }
  const byPlan = await ok('/api/indicators' + q({ plan: plan1Id }));
  assert.deepEqual(byPlan, r, 'plan=1 holds them all');
  const draftId = plans.find((x) => x.state === 'draft').id;
  assert.deepEqual((await ok('/api/indicators' + q({ plan: draftId }))).items, []);
});

test('GET /api/plans/{draft}/milestones: the 7 timeline entries, in order', async () => {
  const { plans: items } = await loadAll();
  const draft = items.find((x) => x.state === 'draft');
  const r = await ok(`/api/plans/${draft.id}/milestones`);
  assert.deepEqual(r.plan, { id: draft.id, title: draft.title, state: 'draft' });
  assert.equal(r.items.length, DATA.timeline.length);
  assert.equal(r.items.length, 7);
  DATA.timeline.forEach((t, i) => {
    const m = r.items[i];
    const at = `milestone ${i + 1} ${t.item}`;
    assert.equal(m.position, i + 1, at);
    assert.equal(m.title, t.item, at);
    assert.equal(m.planned_month, t.date, at);
    assert.equal(m.planned_text, t.date_text, at);
    assert.equal(m.open_ended, t.date_text.endsWith('～'), `${at}: open_ended`);
  });
  const missing = await get('/api/plans/999999/milestones');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');
});

test('GET /api/reports/2024/summary: ◎0 ○102 △3 ×0 of 105, 令和6年度', async () => {
  await loadAll();
  const r = await ok('/api/reports/2024/summary');
  assert.equal(r.fiscal_year, 2024);
  assert.equal(r.era, '令和6年度');
  assert.deepEqual(r.counts, DATA.status_legend.map((s) => ({ status: s.key, mark: s.mark, label: s.label,
    count: DATA.status_counts_reported[s.mark] })));
  assert.deepEqual(r.counts.map((c) => c.count), [0, 102, 3, 0]);
  assert.equal(r.total, 105);
  assert.equal(r.unset, 0);
  const plan1Id = plans.find((x) => x.title === DATA.plan.title).id;
  assert.deepEqual(await ok(`/api/reports/2024/summary?plan=${plan1Id}`), r);
  const y23 = await ok('/api/reports/2023/summary');
  assert.equal(y23.era, '令和5年度');
  assert.equal(y23.total, 105, '2023 records exist');
  assert.equal(y23.unset, 105, 'the 2023 records carry no mark');
  const bad = await get('/api/reports/abc/summary');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'fy');
});

test('GET /api/departments: every department of the dataset, by name, with counts', async () => {
  const r = await ok('/api/departments');
  const expected = [...new Set(ROWS.flatMap((a) => a.departments))].sort();
  assert.deepEqual(r.items.map((d) => d.name), expected, 'names, ordered by name');
  for (const d of r.items) {
    const count = REPORTED.filter((a) => a.departments.includes(d.name)).length;
    assert.equal(d.activity_count, count, `activity_count of ${d.name}`);
  }
});

test('errors: 404 for unknown paths, 405 with Allow for wrong methods', async () => {
  for (const path of ['/api/nowhere', '/api/plans/1/nothing', '/api/activities/1/extra', '/api']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'not_found', path);
  }
  for (const [method, path] of [['POST', '/api/plans'], ['DELETE', '/api/activities'],
    ['PUT', '/api/activities/1'], ['POST', '/api/reports/2024/summary']]) {
    const r = await get(path, { method });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.body.error.code, 'method_not_allowed', `${method} ${path}`);
    const allow = (r.headers.get('allow') ?? '').split(/,\s*/);
    assert.ok(allow.includes('GET'), `${method} ${path}: Allow lists GET (${allow})`);
    assert.ok(!allow.includes(method), `${method} ${path}: Allow does not list ${method}`);
  }
});

test('errors: malformed, unknown or repeated parameters are 400 naming the field', async () => {
  const cases = [
    ['/api/activities?fy=abc', 'fy'],
    ['/api/activities?fy=1999', 'fy'],
    ['/api/activities?limit=-1', 'limit'],
    ['/api/activities?limit=0', 'limit'],
    ['/api/activities?limit=501', 'limit'],
    ['/api/activities?limit=100000', 'limit'],
    ['/api/activities?limit=abc', 'limit'],
    ['/api/activities?offset=-1', 'offset'],
    ['/api/activities?offset=100001', 'offset'],
    ['/api/activities?status=unknown', 'status'],
    ['/api/activities?goal=abc', 'goal'],
    ['/api/activities?department=0', 'department'],
    ['/api/activities?measure=abc', 'measure'],
    ['/api/activities?foo=1', 'foo'],
    ['/api/activities?limt=10', 'limt'],
    ['/api/activities?fy=2024&fy=2024', 'fy'],
    ['/api/activities?status=delayed&status=delayed', 'status'],
    ['/api/activities' + q({ q: 'あ'.repeat(101) }), 'q'],
    ['/api/activities' + q({ q: 'a'.repeat(101) }), 'q'],
    ['/api/plans?x=1', 'x'],
    ['/api/indicators?plan=abc', 'plan'],
    ['/api/reports/2024/summary?plan=-1', 'plan'],
    ['/api/activities/1?fy=2024', 'fy'],
  ];
  for (const [path, field] of cases) {
    const r = await get(path);
    assert.equal(r.status, 400, `${path}: ${r.text.slice(0, 200)}`);
    assert.equal(r.body.error.code, 'bad_parameter', path);
    assert.equal(r.body.error.field, field, `${path}: error.field`);
    assert.equal(typeof r.body.error.message, 'string');
  }
});

test('every answer: application/json; charset=utf-8, Japanese written as itself', async () => {
  await loadAll();
  const p1 = plans.find((x) => x.title === DATA.plan.title).id;
  const draft = plans.find((x) => x.state === 'draft').id;
  const paths = ['/api/health', '/api/plans', `/api/plans/${p1}`, '/api/activities',
    `/api/activities/${allActivities.items[0].id}`, '/api/indicators', `/api/plans/${draft}/milestones`, '/api/reports/2024/summary', '/api/departments',
    '/api/nowhere', '/api/activities?fy=abc', '/api/activities/999999'];
  for (const path of paths) {
    const r = await get(path); // checks content-type and the absence of \u
    assert.ok(r.text.length > 0, `${path}: has a body`);
  }
  for (const path of ['/api/plans', '/api/activities', '/api/indicators', '/api/reports/2024/summary',
    '/api/activities?fy=abc']) {
    const r = await get(path);
    assert.match(r.text, JAPANESE, `${path}: Japanese characters as themselves`);
  }
  const post = await get('/api/plans', { method: 'POST' });
  assert.equal(post.headers.get('content-type'), JSON_TYPE, '405 is JSON too');
});

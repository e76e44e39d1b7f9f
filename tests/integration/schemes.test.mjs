// A second municipality's plan in its own terms (issue 15, sql/014): the
// three-level example of docs/plan-format.md (目標 → 施策 → 事業, codes
// 1-1-1 … 1-2-11, an A–D scale with thresholds) imported with `shinchoku
// import`, then read back through the API, the files and the report page;
// a draft plan's definition written through PUT /api/plans/{id}/scheme.
// The plans made here are removed at the end, so the seed stays as the
// other files expect (and this file checks that it reads as before).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { skipUnlessStack, signIn, anonymous, sql, BASE } from './accounts.mjs';
import { createPlan, removePlan } from './draft-plan.mjs';
import { parseCsv } from './csv.mjs';
import { launchChromium, collectErrors, contextOptions, signInThroughPage } from './chromium.mjs';

skipUnlessStack();

const require = createRequire(import.meta.url);
const SRC = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();
const FILE = `${SRC}/data/example-3level-plan.json`;
const example = JSON.parse(readFileSync(FILE, 'utf8'));

const importFile = (path) => spawnSync(process.env.SHINCHOKU_BIN,
  ['import', `--config=${process.env.SHINCHOKU_TEST_CONFIG}`, path], { encoding: 'utf8' });

let admin;
let plan; // the imported plan's id
const drafts = [];

let lastDepartment; // the departments after it are the import's, removed at the end

before(async () => {
  lastDepartment = Number(sql('SELECT coalesce(max(id), 0) FROM department'));
  const r = importFile(FILE);
  assert.equal(r.status, 0, r.stderr);
  plan = Number(sql(`SELECT id FROM plan WHERE title = '${example.plan.title}'`));
  admin = await signIn('admin');
});

after(() => {
  for (const id of [plan, ...drafts]) if (id) removePlan(id);
  if (lastDepartment !== undefined) sql(`DELETE FROM department WHERE id > ${lastDepartment}`);
});

const put = (id, body) => fetch(`${BASE}/api/plans/${id}/scheme`, {
  method: 'PUT',
  headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: await r.json() }));

const counts = (items) => Object.fromEntries(items.map((c) => [c.mark, c.count]));

test('the plan carries its definition: levels, code format, scale', async () => {
  const p = (await anonymous.get(`/api/plans/${plan}`)).body;
  assert.deepEqual(p.scheme.levels.map((l) => l.name), ['目標', '施策', '事業']);
  assert.equal(p.scheme.levels[1].code_pattern, '^[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,3}$');
  assert.equal(p.scheme.scale_name, '達成度');
  assert.equal(p.scheme.fixed, true, 'yearly records fix it');
  const codes = p.goals.flatMap((g) => g.measures.map((m) => m.code));
  assert.ok(codes.includes('1-2-11'));
  assert.equal(codes.length, 15);

  const s = (await anonymous.get(`/api/statuses?plan=${plan}`)).body;
  assert.deepEqual(s.items.map((x) => [x.key, x.mark, x.reason_required, x.counts_as_late, x.min_rate]), [
    ['grade_a', 'A', false, false, 100], ['grade_b', 'B', false, false, 80],
    ['grade_c', 'C', true, true, 50], ['grade_d', 'D', true, true, 0]]);
  assert.equal((await anonymous.get('/api/statuses?plan=999999')).status, 404);
});

test('the Nakano seed reads as before: its scale, summary and files', async () => {
  const s = (await anonymous.get('/api/statuses')).body;
  assert.deepEqual(s.items.map((x) => x.mark), ['◎', '○', '△', '×']);
  assert.deepEqual(s.items.map((x) => x.reason_required), [false, false, true, true]);
  const sum = (await anonymous.get('/api/reports/2024/summary')).body;
  assert.deepEqual(counts(sum.counts), { '◎': 0, '○': 102, '△': 3, '×': 0 });
  assert.equal(sum.total, 105);
  assert.equal(sum.late, 3);
  assert.equal(sum.scale_name, '進捗状況');
});

test('summary of the plan: its scale, its counts, its late ones', async () => {
  const r = await anonymous.get(`/api/reports/2024/summary?plan=${plan}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.scale_name, '達成度');
  assert.deepEqual(counts(r.body.counts), example.status_counts_reported);
  assert.deepEqual(r.body.counts.map((c) => c.label), example.status_legend.map((l) => l.label));
  assert.equal(r.body.total, 15);
  assert.equal(r.body.late, example.status_counts_reported.C + example.status_counts_reported.D);
});

test('the dashboard counts by the plan\'s scale; the seed\'s stays ◎○△×', async () => {
  const mine = (await anonymous.get(`/api/dashboard?plan=${plan}&fy=2024`)).body;
  const y = mine.years.find((x) => x.fiscal_year === 2024);
  assert.deepEqual(Object.fromEntries(y.counts.map((c) => [c.mark, c.count])), example.status_counts_reported);
  const seed = (await anonymous.get('/api/dashboard?fy=2024')).body;
  assert.ok(seed.years.every((x) => x.counts.map((c) => c.mark).join('') === '◎○△×'));
});

test('filters follow the plan: status by key or mark of its scale', async () => {
  const byKey = (await anonymous.get(`/api/activities?plan=${plan}&fy=2024&status=grade_c`)).body;
  assert.equal(byKey.total, example.status_counts_reported.C);
  assert.ok(byKey.items.every((a) => a.status === 'grade_c' && a.status_mark === 'C'));
  const byMark = (await anonymous.get(`/api/activities?plan=${plan}&fy=2024&status=D`)).body;
  assert.equal(byMark.total, example.status_counts_reported.D);
  const code = (await anonymous.get(`/api/activities?plan=${plan}&fy=2024&measure=1-2-11`)).body;
  assert.equal(code.total, 1);
  assert.equal(code.items[0].measure.code, '1-2-11');
});

test('CSV and XLSX: its rows and codes; the XLSX header in its level names', async () => {
  const csv = await fetch(`${BASE}/api/reports/2024/progress.csv?plan=${plan}`);
  assert.equal(csv.status, 200);
  const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ''));
  const data = rows.slice(1).filter((r) => r.length > 1);
  assert.equal(data.length, 15);
  assert.deepEqual(data.map((r) => r[1]), example.activities.map((a) => a.measure));
  assert.deepEqual(data.map((r) => r[4]), example.activities.map((a) => a.status));

  const x = await fetch(`${BASE}/api/reports/2024/progress.xlsx?plan=${plan}`);
  assert.equal(x.status, 200);
  const sheets = await require('read-excel-file/node').default(Buffer.from(await x.arrayBuffer()));
  const sheet = sheets[0].data;
  assert.deepEqual(sheet[0].slice(0, 5), ['番号', '施策番号', '施策', '事業', '達成度']);
  assert.equal(sheet.length, 16);
  assert.equal(sheet[14][1], '1-2-11');

  // The seed's header is as before.
  const n = await fetch(`${BASE}/api/reports/2024/progress.xlsx`);
  const seed = await require('read-excel-file/node').default(Buffer.from(await n.arrayBuffer()));
  assert.deepEqual(seed[0].data[0].slice(0, 5), ['番号', '取組番号', '取組', '実施内容', '進捗状況']);
});

test('indicators: the grade computed against the target, beside the value', async () => {
  const items = (await anonymous.get(`/api/indicators?plan=${plan}`)).body.items;
  const grade = (name) => items.find((i) => i.name === name).values.find((v) => v.kind === 'actual');
  assert.deepEqual([grade('電子申請の件数').rate, grade('電子申請の件数').grade_mark], [90, 'B']);
  assert.deepEqual([grade('ペーパーレス会議の割合').rate, grade('ペーパーレス会議の割合').grade], [40, 'grade_d']);
  // Nakano's scale has no thresholds: no grade, the values as before.
  const seed = (await anonymous.get('/api/indicators?plan=1')).body.items;
  assert.ok(seed.flatMap((i) => i.values).every((v) => !('grade' in v) && !('rate' in v)));
});

test('status requests: an unknown grade names status; a reason exactly where the scale asks', async () => {
  const items = (await anonymous.get(`/api/activities?plan=${plan}&fy=2024&status=grade_a`)).body.items;
  const id = items[0].id;
  const ask = (body) => admin.post(`/api/activities/${id}/years/2024/status-requests`, body);

  for (const status of ['E', 'on_schedule', '○']) {
    const r = await ask({ status, reason: '理由' });
    assert.equal(r.status, 400, status);
    assert.equal(r.body.error.field, 'status', status);
  }
  for (const status of ['C', 'grade_d']) {
    const r = await ask({ status });
    assert.equal(r.status, 400, status);
    assert.equal(r.body.error.field, 'reason', status);
    assert.match(r.body.error.message, /理由/);
  }
  // Through the database too: its trigger speaks the plan's scale.
  assert.throws(() => sql(`INSERT INTO status_request (activity_id, fiscal_year, from_status, to_status, requested_by)
    VALUES (${id}, 2024, 'grade_a', 'grade_c', 1)`), /達成度を「C」にするときは、理由を入力してください/);
  const b = await ask({ status: 'B' });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.body.to_mark, 'B');
  await admin.post(`/api/status-requests/${b.body.id}/withdrawal`);
  const c = await ask({ status: 'C', reason: '周知が遅れたため' });
  assert.equal(c.status, 201, c.text);
  await admin.post(`/api/status-requests/${c.body.id}/withdrawal`);
});

test('the import refuses a code outside the format, naming the cell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemes-'));
  const bad = structuredClone(example);
  bad.plan.title = 'みどり市（形式違い）';
  bad.measures[4].code = '1-2-x';
  bad.activities[4].measure = '1-2-x';
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
  let r = importFile(join(dir, 'bad.json'));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\$\.measures\[4\]\.code: 1-2-x does not match/);

  const grade = structuredClone(example);
  grade.plan.title = 'みどり市（区分違い）';
  grade.activities[0].status = 'E';
  writeFileSync(join(dir, 'grade.json'), JSON.stringify(grade));
  r = importFile(join(dir, 'grade.json'));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\$\.activities\[0\]\.status: must be a mark of A, B, C, D/);
  assert.equal(sql("SELECT count(*) FROM plan WHERE title LIKE 'みどり市（%'"), '0');
});

test('an admin defines a draft plan\'s terms; its codes then follow them', async () => {
  const id = createPlan('スキーム試験計画');
  drafts.push(id);
  const def = {
    name: '試験（目標・施策・事業、A～D）', scale_name: '達成度',
    levels: [{ name: '目標' }, { name: '施策', code_pattern: '^[0-9]+-[0-9]+-[0-9]+$', code_description: '目標-施策-番号（例：1-2-11）' }, { name: '事業' }],
    scale: [{ key: 'test_a', mark: 'A', label: '達成', min_rate: 100 }, { key: 'test_b', mark: 'B', label: '未達成', reason_required: true, min_rate: 0 }],
  };
  // Not signed in as an admin: refused before anything is read.
  const staff = await signIn('koseki-staff');
  const s = await fetch(`${BASE}/api/plans/${id}/scheme`, {
    method: 'PUT', headers: { Cookie: staff.cookie, 'X-CSRF-Token': staff.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify(def),
  });
  assert.equal(s.status, 403);

  let r = await put(id, def);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.levels.map((l) => l.name), ['目標', '施策', '事業']);
  assert.equal(r.body.fixed, false);
  // Again, with the same keys: the plan's previous definition makes way.
  r = await put(id, def);
  assert.equal(r.status, 200, JSON.stringify(r.body));

  for (const [body, field] of [
    [{ ...def, levels: [{ name: '目標' }] }, 'levels'],
    [{ ...def, levels: [{ name: '目標' }, { name: '施策', code_pattern: '^[0-9', code_description: 'x' }, { name: '事業' }] }, 'code_pattern'],
    [{ ...def, scale: [] }, 'scale'],
    [{ ...def, scale: [{ key: 'Bad key', mark: 'A' }] }, 'scale'],
    // Keys are the scheme's own (sql/015): twice in one scheme is refused.
    [{ ...def, scale: [{ key: 'dup', mark: 'A' }, { key: 'dup', mark: 'B' }] }, 'scale'],
  ]) {
    const e = await put(id, body);
    assert.ok([400, 409].includes(e.status), JSON.stringify(e.body));
    assert.equal(e.body.error.field, field, JSON.stringify(e.body));
    assert.doesNotMatch(e.body.error.message, /[a-z]{4,} (of|the|is)|constraint|violat/i);
  }
  assert.equal((await put(id, '[1]')).status, 400);

  const g = await admin.post(`/api/plans/${id}/goals`, { number: 1, title: '目標一' });
  assert.equal(g.status, 201, g.text);
  const nakano = await admin.post(`/api/plans/${id}/measures`, { code: '1-1-①', name: '丸数字の施策' });
  assert.equal(nakano.status, 400);
  assert.equal(nakano.body.error.field, 'code');
  assert.match(nakano.body.error.message, /施策のコード「1-1-①」の形式が正しくありません（目標-施策-番号（例：1-2-11））/);
  const m = await admin.post(`/api/plans/${id}/measures`, { code: '1-2-21', name: '二十一番目の施策' });
  assert.equal(m.status, 201, m.text);
  assert.equal(sql(`SELECT policy || ':' || number FROM measure WHERE id = ${m.body.id}`), '2:21');

  // A definition the plan's measures do not meet is refused, naming code.
  const other = await put(id, { ...def, levels: [{ name: '目標' }, { name: '施策', code_pattern: '^[0-9]+$', code_description: '番号' }, { name: '事業' }] });
  assert.equal(other.status, 400);
  assert.equal(other.body.error.field, 'code');

  // Fixed once the plan has a yearly record: 409, in Japanese.
  const a = await admin.post(`/api/measures/${m.body.id}/activities`, { name: '事業一' });
  assert.equal(a.status, 201, a.text);
  sql(`INSERT INTO activity_year (activity_id, fiscal_year, status) VALUES (${a.body.id}, 2024, 'test_a')`);
  const fixed = await put(id, def);
  assert.equal(fixed.status, 409);
  assert.equal(fixed.body.error.code, 'scheme_fixed');
  assert.match(fixed.body.error.message, /年度の記録がある計画/);
  assert.throws(() => sql(`UPDATE progress_status SET reason_required = true WHERE key = 'test_a'`), /変更できません/);
  // A record's status is one of its plan's scale.
  assert.throws(() => sql(`UPDATE activity_year SET status = 'on_schedule' WHERE activity_id = ${a.body.id}`),
    /この計画の達成度の区分（A・B）にありません/);
});

test('the report page speaks the plan\'s terms', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ ...contextOptions, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${BASE}/report.html?fy=2024&plan=${plan}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    const seen = await page.evaluate(() => {
      const t = (s) => document.querySelector(s)?.textContent;
      const qa = (s) => [...document.querySelectorAll(s)];
      return {
        heading: t('#summary-heading'), scale: t('#h-summary-scale'), count: t('#h-summary-count'),
        rows: qa('#summary-body tr').map((r) => [r.querySelector('.mark').textContent, r.querySelector('td.num').textContent]),
        total: t('#summary-total'),
        legendTitle: t('#legend-title'),
        legend: qa('#legend-list li .legend-mark').map((e) => e.textContent),
        measure: t('#h-measure'), activity: t('#h-activity'), status: t('#h-status'),
        appendix: t('#appendix-heading'),
        codes: qa('#appendix tr.activity').map((r) => r.dataset.measure),
        marks: qa('#appendix tr.activity .c-status').map((e) => e.textContent),
        grades: qa('#indicators .grade').map((e) => e.textContent),
        csv: document.querySelector('#dl-csv').getAttribute('href'),
      };
    });
    assert.equal(seen.heading, '１　各事業の達成度');
    assert.equal(seen.scale, '達成度の区分');
    assert.equal(seen.count, '事業の数');
    assert.deepEqual(seen.rows, Object.entries(example.status_counts_reported).map(([k, v]) => [k, String(v)]));
    assert.equal(seen.total, '15');
    assert.equal(seen.legendTitle, '【達成度の凡例】');
    assert.deepEqual(seen.legend, ['A', 'B', 'C', 'D']);
    assert.equal(seen.measure, '施策（施策番号・施策）');
    assert.equal(seen.activity, '事業');
    assert.equal(seen.status, '達成度');
    assert.equal(seen.appendix, `${example.plan.title}達成度一覧`);
    assert.deepEqual(seen.codes, example.activities.map((a) => a.measure));
    assert.deepEqual(seen.marks, example.activities.map((a) => a.status));
    assert.deepEqual(seen.grades, ['（B）', '（D）']);
    assert.equal(seen.csv, `/api/reports/2024/progress.csv?plan=${plan}`);

    // The portal with ?plan=: its summary, its filter, its rows.
    const list = page.waitForResponse((r) => r.url().includes('/api/activities?') && r.url().includes(`plan=${plan}`));
    await page.goto(`${BASE}/?fy=2024&plan=${plan}`);
    await list;
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    await page.waitForSelector('#activities-body tr[data-id], #activities-body tr .c-code');
    const portal = await page.evaluate(() => ({
      counts: [...document.querySelectorAll('#summary-body tr')].map((r) => r.dataset.status),
      options: [...document.querySelectorAll('#f-status option')].map((o) => o.value).filter((v) => v),
      codes: [...document.querySelectorAll('#activities-body .c-code .code')].map((e) => e.textContent),
      report: document.querySelector('#nav-report')?.getAttribute('href'),
    }));
    assert.deepEqual(portal.counts.filter((k) => k !== 'unset'), ['grade_a', 'grade_b', 'grade_c', 'grade_d']);
    assert.deepEqual(portal.options, ['grade_a', 'grade_b', 'grade_c', 'grade_d']);
    assert.equal(portal.codes.length, 15);
    assert.ok(portal.codes.includes('1-2-11'));
    assert.equal(portal.report, `report.html?fy=2024&plan=${plan}`);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});

test('the admin page defines a draft plan\'s terms', async () => {
  const id = createPlan('スキーム画面試験計画');
  drafts.push(id);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext(contextOptions);
    const page = await context.newPage();
    const errors = collectErrors(page, ['400']);
    await page.goto(`${BASE}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    await signInThroughPage(page, 'admin');
    await page.goto(`${BASE}/admin.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    await page.selectOption('#scheme-plan', String(id));
    // The draft starts with Nakano's definition, not fixed for it.
    assert.equal(await page.inputValue('#scheme-levels tr[data-depth="3"] .lv-name'), '取組');
    assert.equal(await page.locator('#scheme-scale tr').count(), 4);

    await page.fill('#scheme-name', '画面試験（施策・事業）');
    await page.fill('#scheme-scale-name', '実施状況');
    const level = (d, cls) => `#scheme-levels tr[data-depth="${d}"] .${cls}`;
    await page.fill(level(1, 'lv-name'), '施策');
    await page.fill(level(1, 'lv-pattern'), '^[0-9]+-[0-9]+$');
    await page.fill(level(1, 'lv-desc'), '施策-番号（例：1-2）');
    await page.fill(level(2, 'lv-name'), '事業');
    for (const d of [3, 4]) for (const c of ['lv-name', 'lv-pattern', 'lv-desc']) await page.fill(level(d, c), '');
    for (let i = 0; i < 4; i++) await page.click('#scheme-scale tr:first-child .sc-remove');
    // A level added with the button add to the table tbody; check: the box
    // to tick (sc-reason, sc-late), if any.
    const addLevel = async (add, tbody, [key, mark, label, check]) => {
      await page.click(add);
      const tr = `${tbody} tr:last-child`;
      await page.fill(`${tr} .sc-key`, key);
      await page.fill(`${tr} .sc-mark`, mark);
      await page.fill(`${tr} .sc-label`, label);
      if (check) await page.check(`${tr} .${check}`);
    };
    // 保存, and the status of the PUT it sends.
    const save = async () => {
      const answer = page.waitForResponse((r) => r.url().endsWith(`/api/plans/${id}/scheme`) && r.request().method() === 'PUT');
      await page.click('#scheme-save');
      return (await answer).status();
    };
    for (const row of [['ui_todo', '未', '未着手', 'sc-reason'], ['ui_doing', '中', '取組中'], ['ui_done', '済', '完了']]) {
      await addLevel('#scheme-add', '#scheme-scale', row);
    }
    assert.equal(await save(), 200);
    await page.waitForSelector('#scheme-status:has-text("保存しました")');

    const s = (await anonymous.get(`/api/statuses?plan=${id}`)).body;
    assert.equal(s.scale_name, '実施状況');
    const p = (await anonymous.get(`/api/plans/${id}`)).body;
    assert.deepEqual(p.scheme.levels.map((l) => l.name), ['施策', '事業']);
    assert.deepEqual(s.items.map((x) => [x.key, x.mark, x.reason_required]),
      [['ui_todo', '未', true], ['ui_doing', '中', false], ['ui_done', '済', false]]);

    // A second scale (達成度 beside 実施状況), defined on the same form.
    await page.fill('#scheme-scale2-name', '達成度');
    for (const row of [['ui_short', '未達', '未達成', 'sc-late'], ['ui_met', '達成', '達成']]) {
      await addLevel('#scheme-add2', '#scheme-scale2', row);
    }
    assert.equal(await save(), 200);
    const p2 = (await anonymous.get(`/api/plans/${id}`)).body;
    assert.equal(p2.scheme.scale2_name, '達成度');
    assert.deepEqual(p2.scheme.scale2.map((x) => [x.key, x.mark, x.counts_as_late]),
      [['ui_short', '未達', true], ['ui_met', '達成', false]]);
    assert.equal(p2.scheme.scale.length, 3, 'the first scale is kept as it was');
    // Shown again as saved, both tables.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    await page.selectOption('#scheme-plan', String(id));
    assert.equal(await page.inputValue('#scheme-scale2-name'), '達成度');
    assert.equal(await page.locator('#scheme-scale2 tr').count(), 2);

    // A refusal is shown in Japanese, naming the field.
    await page.fill(level(1, 'lv-pattern'), '1-2');
    assert.equal(await save(), 400);
    await page.waitForSelector('#error:not([hidden])');
    assert.match(await page.textContent('#error-text'), /（コードの形式）.*正規表現/);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});

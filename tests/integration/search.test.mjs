// The list's free-text search (sql/012): app_fold (NFKC, lower case,
// katakana to hiragana) on both sides, over the precomputed text that
// triggers keep, and the synthetic data generator of the benchmark
// (bench/gen.sql) at a small scale, rolled back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sql, anonymous } from './accounts.mjs';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const URL_ = process.env.SHINCHOKU_TEST_URL;
const SRC = process.env.SHINCHOKU_SOURCE_DIR;

async function list(params) {
  const r = await fetch(`${URL_}/api/activities?${new URLSearchParams({ fy: '2024', limit: '500', ...params })}`);
  assert.equal(r.status, 200, `q=${params.q}`);
  return r.json();
}
const ids = (body) => body.items.map((a) => a.id);

test('app_fold folds width, case and katakana to hiragana', () => {
  assert.equal(sql("SELECT app_fold('キャッシュレス')"), 'きゃっしゅれす');
  assert.equal(sql("SELECT app_fold('ＡＩーＯＣＲ ｶﾞｲﾄﾞ ヴァ ヵヶ')"), 'aiーocr がいど ゔぁ ゕゖ');
  // Only U+30A1..U+30F6 move: the long vowel mark and the middle dot stay.
  assert.equal(sql("SELECT app_fold('ー・ヷ')"), 'ー・ヷ');
});

test('hiragana finds what is written in katakana, and the reverse', async () => {
  const kata = await list({ q: 'キャッシュレス' });
  assert.ok(kata.total > 0, 'the seed mentions キャッシュレス');
  for (const a of kata.items) {
    const text = [a.name, a.result, a.plan_next, a.change_reason, ...a.departments.map((d) => d.name)].join(' ');
    assert.match(text.normalize('NFKC'), /キャッシュレス/);
  }
  const hira = await list({ q: 'きゃっしゅれす' });
  assert.deepEqual(ids(hira), ids(kata));
  assert.equal(hira.total, kata.total);
  // Half-width katakana is folded too.
  assert.deepEqual(ids(await list({ q: 'ｷｬｯｼｭﾚｽ' })), ids(kata));
});

test('short queries (no trigram) and LIKE characters are still exact', async () => {
  const all = await list({});
  const text = (a) => [a.name, a.result, a.plan_next, a.change_reason, ...a.departments.map((d) => d.name)]
    .join(' ').normalize('NFKC').toLowerCase();
  for (const q of ['課', 'ai', '%', '_', '\\', '（']) {
    const want = all.items.filter((a) => text(a).includes(q.normalize('NFKC').toLowerCase())).map((a) => a.id);
    assert.deepEqual(ids(await list({ q })), want, `q=${q}`);
  }
});

test('the search text follows a change of the yearly record in the same transaction', () => {
  const id = Number(sql("SELECT activity_id FROM activity_year WHERE fiscal_year = 2024 ORDER BY activity_id LIMIT 1"));
  const found = (q) => Number(sql(`SELECT count(*) FROM activity_search WHERE activity_id = ${id}
    AND fiscal_year = 2024 AND folded LIKE app_like_anywhere(app_fold('${q}'))`));
  const out = sql(`BEGIN;
    UPDATE activity_year SET result = result || 'ケンサクテスト' WHERE activity_id = ${id} AND fiscal_year = 2024;
    SELECT count(*) FROM activity_search WHERE activity_id = ${id} AND fiscal_year = 2024
      AND folded LIKE app_like_anywhere(app_fold('けんさくてすと'));
    ROLLBACK;`);
  assert.ok(out.split('\n').includes('1'), out);
  assert.equal(found('けんさくてすと'), 0);
});

test('bench/gen makes scale × the seed with every trigger active (rolled back)', () => {
  const scale = 10;
  const out = execFileSync('psql', [process.env.SHINCHOKU_TEST_DB_ADMIN, '-X', '-A', '-t', '-q',
    '-v', `scale=${scale}`, '-v', 'rollback=1', '-f', join(SRC, 'bench', 'gen.sql')],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const line = out.split('\n').find((l) => l.startsWith('bench/gen|'));
  assert.ok(line, out);
  const [, seed, plans, activities, years, search, departments, fiscalYears, folded] = line.split('|').map(Number);
  assert.equal(seed, 105);
  assert.equal(plans, scale - 1);
  assert.equal(activities, (scale - 1) * seed);
  assert.equal(years, 2 * activities, 'a FY2024 record and an earlier one each');
  assert.equal(search, activities + years, 'one search row per record and one without');
  assert.ok(departments >= 4 * scale, `departments: ${departments}`);
  assert.equal(fiscalYears, 10);
  assert.ok(folded > 0, 'the copies are found by the folded search');
  assert.equal(Number(sql("SELECT count(*) FROM plan WHERE title LIKE '%（合成 %'")), 0, 'rolled back');
});

// The number of rows that one of table and source has and the other has
// not: 0 when a derived table equals what it is computed from.
const differing = (table, source) => `SELECT count(*) FROM ((${table} EXCEPT ${source})
  UNION ALL (${source} EXCEPT ${table})) d`;

// Rows of activity_rank whose ord is not their place in the list's order.
const misplaced = `SELECT count(*) FROM (SELECT ord, row_number() OVER (ORDER BY plan_id, goal_number,
  policy, measure_no, position, activity_id) AS place FROM activity_rank) x WHERE ord IS DISTINCT FROM place`;

// Run after the drafting, import and lifecycle suites (ctest runs the files
// in name order): whatever they wrote, the triggers kept the derived tables
// equal to what they are computed from.
test('activity_search, activity_rank and activity_card equal their sources', () => {
  const rankKeys = 'activity_id, plan_id, goal_id, goal_number, measure_id, policy, measure_no, position';
  for (const [table, source] of [['TABLE activity_search', 'TABLE activity_search_source'],
    [`SELECT ${rankKeys} FROM activity_rank`, 'TABLE activity_rank_source'],
    ['TABLE activity_card', 'TABLE activity_card_source']]) {
    assert.equal(sql(differing(table, source)), '0', table);
  }
  // The unfiltered list's total is the number sql/018 keeps, not a count.
  assert.equal(sql('SELECT n = (SELECT count(*) FROM activity_rank) FROM activity_rank_total'), 't');
  assert.equal(sql(misplaced), '0', 'every activity_rank.ord is its place in the list (sql/019)');
});

// The card (sql/021) after each kind of write it depends on, in one
// transaction, rolled back: each statement's triggers kept it equal to its
// source. The adopted plan's structure guard is off for this transaction.
test('activity_card follows renames and department changes in the same transaction (rolled back)', () => {
  const differs = `SELECT 'differs', (${differing('TABLE activity_card', 'TABLE activity_card_source')});`;
  // A name with a tab, a newline and a backslash, as SQL or an import
  // could store it: the card's format writes them \t, \n and \\.
  const odd = String.raw`E'タブ\tと改行\nと\\の課'`;
  const out = sql(`BEGIN;
    ALTER TABLE activity DISABLE TRIGGER structure_guard;
    ALTER TABLE measure DISABLE TRIGGER structure_guard;
    ALTER TABLE activity_department DISABLE TRIGGER structure_guard;
    CREATE TEMP TABLE one ON COMMIT DROP AS
      SELECT a.id, a.measure_id, (SELECT min(department_id) FROM activity_department ad
        WHERE ad.activity_id = a.id) AS dept FROM activity a ORDER BY a.id LIMIT 1;
    UPDATE activity SET name = name || '（改称）' WHERE id = (SELECT id FROM one);
    ${differs}
    UPDATE measure SET name = name || '（改）' WHERE id = (SELECT measure_id FROM one);
    ${differs}
    UPDATE department SET name = ${odd} WHERE id = (SELECT dept FROM one);
    ${differs}
    SELECT 'escaped', strpos(departments, (SELECT dept FROM one) || E'\t' || ${String.raw`'タブ\tと改行\nと\\の課'`}) > 0
      FROM activity_card WHERE activity_id = (SELECT id FROM one);
    INSERT INTO activity_department (activity_id, department_id, position)
      SELECT o.id, d.id, 99 FROM one o, department d
      WHERE d.id NOT IN (SELECT department_id FROM activity_department WHERE activity_id = o.id)
      ORDER BY d.id LIMIT 1;
    ${differs}
    DELETE FROM activity_department WHERE activity_id = (SELECT id FROM one) AND position = 99;
    ${differs}
    ROLLBACK;`);
  const lines = out.split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('differs')), Array(5).fill('differs|0'), out);
  assert.ok(lines.includes('escaped|t'), out);
});

test('a page of the unfiltered list is the same slice of the list at any offset', async () => {
  const all = ids(await list({}));
  assert.ok(all.length > 30, `${all.length} activities`);
  assert.deepEqual(all.map(String), sql(`SELECT activity_id FROM activity_rank ORDER BY plan_id, goal_number,
    policy, measure_no, position, activity_id`).split('\n'), 'in the order of the keys');
  for (const [offset, limit] of [[0, 10], [7, 5], [all.length - 3, 10], [all.length, 10], [all.length + 5, 1]]) {
    const page = await list({ offset: String(offset), limit: String(limit) });
    assert.deepEqual(ids(page), all.slice(offset, offset + limit), `offset ${offset} limit ${limit}`);
    assert.equal(page.total, all.length);
  }
});

test('moving an activity renumbers the places from where it was or is on (rolled back)', () => {
  // The first activity of the list moves behind its measure's others: the
  // guard of an adopted plan's structure is off for this transaction only.
  const out = sql(`BEGIN;
    ALTER TABLE placement DISABLE TRIGGER structure_guard;
    CREATE TEMP TABLE first ON COMMIT DROP AS
      SELECT activity_id, measure_id, ord FROM activity_rank ORDER BY ord LIMIT 1;
    UPDATE placement p SET position = 900 FROM first f
      WHERE p.activity_id = f.activity_id AND NOT p.relisted;
    SELECT 'moved', r.ord > f.ord, (SELECT count(*) FROM activity_rank s
      WHERE s.measure_id = f.measure_id) = r.ord - f.ord + 1
      FROM activity_rank r JOIN first f USING (activity_id);
    ${misplaced};
    ROLLBACK;`);
  const lines = out.split('\n').filter((l) => l !== '' && !/^[A-Z]/.test(l));
  assert.deepEqual(lines, ['moved|t|t', '0'], out);
});

test('the unfiltered list\'s kept total is the number of activities listed', async () => {
  const rank = Number(sql('SELECT count(*) FROM activity_rank'));
  const all = (await anonymous.get('/api/activities?fy=2024&limit=1')).body;
  assert.equal(all.total, rank);
  // A statement that adds and one that removes move it by as much (rolled back).
  const out = sql(`BEGIN;
    DELETE FROM activity_rank WHERE activity_id IN (SELECT activity_id FROM activity_rank ORDER BY 1 LIMIT 3);
    SELECT n FROM activity_rank_total;
    ROLLBACK;`);
  assert.ok(out.split('\n').includes(String(rank - 3)), out);
});

test('shinchoku statement prints a prepared statement (bench/run gives it to pgbench)', () => {
  const out = execFileSync(process.env.SHINCHOKU_BIN, ['statement', 'activity_list'], { encoding: 'utf8' });
  assert.match(out, /FROM activity_rank a WHERE a.ord > \$9/);
  assert.throws(() => execFileSync(process.env.SHINCHOKU_BIN, ['statement', 'no_such'], { stdio: 'ignore' }),
    (e) => e.status === 1);
});

test('a year without a record searches the name and departments only, in both statements', async () => {
  // 32,061 is in activity 1's FY2024 result, 戸籍住民課 is its department.
  const inYear = await list({ q: '32,061' });
  assert.ok(ids(inYear).includes(1), 'the year\'s result is searched');
  assert.deepEqual(ids(await list({ q: '32,061', fy: '2030' })), [], 'FY2030 has no record, so no result');
  const dept2030 = await list({ q: '戸籍住民課', fy: '2030' });
  assert.ok(ids(dept2030).includes(1), 'the department is searched in a year without records');
  const dept2024 = ids(await list({ q: '戸籍住民課' }));
  for (const a of dept2030.items) {
    assert.ok(dept2024.includes(a.id), `${a.id} is found in FY2024 too`);
    assert.ok(a.departments.some((d) => d.name === '戸籍住民課') || a.name.includes('戸籍住民課'), `${a.id}`);
  }
  assert.ok(dept2024.length > dept2030.items.length, 'FY2024 also searches the results that name it');
  // With a second filter the generic statement (activity_list_any) answers: the same.
  for (const fy of ['2024', '2030']) {
    for (const q of ['32,061', '戸籍住民課', 'きゃっしゅれす']) {
      const one = await list({ q, fy });
      assert.equal(new Set(ids(one)).size, one.total, `${q} ${fy}: each activity once`);
      const two = await list({ q, fy, plan: String(one.items[0]?.plan_id ?? 1) });
      assert.deepEqual(ids(two), ids(one).filter((id, i) => one.items[i].plan_id === (one.items[0]?.plan_id ?? 1)), `${q} ${fy}`);
      assert.equal(two.total, two.items.length);
    }
  }
});

test('a page of a search is the same slice of its whole answer, for few matches and for many', async () => {
  // sql/022: many matches (32 or more, and one in sixteen activities or
  // more) are kept from a walk of the list's order index, few are looked
  // up and sorted.
  const activities = Number(sql('SELECT n FROM activity_rank_total'));
  const few = sql('SELECT name FROM activity ORDER BY id LIMIT 1');
  for (const [q, many] of [['課', true], ['32,061', false], [few, false]]) {
    const whole = await list({ q });
    assert.equal(whole.total >= 32 && whole.total * 16 > activities, many, `${q}: ${whole.total} of ${activities}`);
    assert.equal(whole.items.length, whole.total, q);
    const order = sql(`SELECT string_agg(activity_id::text, ',' ORDER BY ord) FROM activity_rank
      WHERE activity_id IN (${ids(whole).join(',')})`);
    assert.equal(ids(whole).join(','), order, `${q}: in the list's order`);
    for (const [offset, limit] of [[0, 1], [2, 3], [whole.total - 1, 5], [whole.total, 5]]) {
      const page = await list({ q, offset: String(offset), limit: String(limit) });
      assert.deepEqual(ids(page), ids(whole).slice(offset, offset + limit), `${q} offset ${offset} limit ${limit}`);
      assert.equal(page.total, whole.total, q);
    }
  }
});

test('a year-less search row carries the years of its activity\'s records (rolled back)', () => {
  const differs = `SELECT 'differs', (${differing('TABLE activity_search', 'TABLE activity_search_source')});`;
  const id = sql('SELECT activity_id FROM activity_year WHERE fiscal_year = 2024 ORDER BY activity_id LIMIT 1');
  const years = `SELECT 'years', record_years FROM activity_search WHERE activity_id = ${id} AND fiscal_year = 0;`;
  const out = sql(`BEGIN;
    ${years}
    INSERT INTO activity_year (activity_id, fiscal_year, scheme_id, result)
      SELECT activity_id, 2031, scheme_id, 'ー' FROM activity_year WHERE activity_id = ${id} AND fiscal_year = 2024;
    ${years} ${differs}
    UPDATE activity_year SET fiscal_year = 2032 WHERE activity_id = ${id} AND fiscal_year = 2031;
    ${years} ${differs}
    DELETE FROM activity_year WHERE activity_id = ${id} AND fiscal_year = 2032;
    ${years} ${differs}
    ROLLBACK;`);
  const lines = out.split('\n').filter((l) => /^(years|differs)\|/.test(l));
  const before = lines[0].slice('years|'.length); // {2024} or {2023,2024}: 2031 and 2032 come last
  const add = (y) => `${before.slice(0, -1)},${y}}`;
  assert.deepEqual(lines, [`years|${before}`, `years|${add(2031)}`, 'differs|0', `years|${add(2032)}`, 'differs|0',
    `years|${before}`, 'differs|0'], out);
});

test('an activity keeps its reported placement: removing it alone is refused (at commit)', () => {
  // The list's search counts activity_search's matches as the list's
  // (sql/022), so every activity must be in the list, that is, placed.
  // The deferred check is asked for before the end, so that a missing
  // check rolls back rather than commits.
  const id = sql('SELECT activity_id FROM placement WHERE NOT relisted ORDER BY activity_id LIMIT 1');
  assert.throws(() => sql(`BEGIN;
    ALTER TABLE placement DISABLE TRIGGER structure_guard;
    DELETE FROM placement WHERE activity_id = ${id} AND NOT relisted;
    SET CONSTRAINTS placement_reported_kept IMMEDIATE;
    ROLLBACK;`), /has no reported placement/);
  assert.equal(sql(`SELECT count(*) FROM placement WHERE activity_id = ${id} AND NOT relisted`), '1');
});

// One definition of each rule (sql/006_rules.sql, www/dom.js): what blank
// means, the Japanese name of a fiscal year, and the reason a move to △ or
// × needs. The database's functions are asked through psql as the owning
// role; the page's helpers are imported from www/dom.js into node, and the
// two are compared with each other. Nothing is left changed: every write is
// refused or rolled back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { skipUnlessStack, sql, activitiesOf } from './accounts.mjs';

skipUnlessStack();
const SRC = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();
const { eraYear, isBlank } = await import(pathToFileURL(`${SRC}/www/dom.js`).href);

// psql reading a script, with the error fields (SQLSTATE, constraint) shown.
function psql(script) {
  const r = spawnSync('psql', [process.env.SHINCHOKU_TEST_DB_ADMIN, '-X', '-A', '-t', '-q',
    '-v', 'ON_ERROR_STOP=1', '-v', 'VERBOSITY=verbose'], { input: script, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

// A text as an SQL literal, any character written as a U& escape.
const literal = (s) => (s === null ? 'NULL'
  : `U&'${[...s].map((c) => `\\+${c.codePointAt(0).toString(16).padStart(6, '0')}`).join('')}'`);

test('app_blank: NULL, empty and white space (U+3000 too) are blank; text is not', () => {
  const cases = [['', true], ['　　', true], [' \t\n', true], ['a', false], [null, true],
    ['\u3000a\u3000', false], ['\r\v\f', true], ['\u00a0', true], ['\u0085', false]];
  const got = sql(`SELECT string_agg(app_blank(v)::text, ',' ORDER BY n) FROM (VALUES
    ${cases.map(([v], i) => `(${i}, ${literal(v)})`).join(', ')}) AS t (n, v)`);
  assert.equal(got, cases.map(([, b]) => String(b)).join(','));
});

test('app_blank and the page\'s isBlank agree on every character', () => {
  const db = sql(`SELECT string_agg(c::text, ',' ORDER BY c) FROM generate_series(1, 65535) c
    WHERE c NOT BETWEEN 55296 AND 57343 AND app_blank(chr(c))`).split(',').map(Number);
  const page = [];
  for (let c = 1; c <= 0xffff; c++) if ((c < 0xd800 || c > 0xdfff) && isBlank(String.fromCharCode(c))) page.push(c);
  assert.deepEqual(db, page);
  assert.ok(db.includes(0x3000), 'U+3000 is blank');
  for (const [s, b] of [['', true], ['　　', true], [' \t\n', true], ['a', false], [null, true], [undefined, true], ['　a', false]]) {
    assert.equal(isBlank(s), b, JSON.stringify(s));
  }
});

test('fiscal_era: 平成30年度, 令和元年度, 令和2年度, 令和6年度; before 1989 refused', () => {
  assert.equal(sql("SELECT string_agg(fiscal_era(y), ',' ORDER BY y) FROM unnest('{2018,2019,2020,2024,1989}'::int[]) y"),
    '平成元年度,平成30年度,令和元年度,令和2年度,令和6年度');
  const r = psql('SELECT fiscal_era(1988);');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /ERROR:\s+22023:/);
});

test('eraYear in www/dom.js: 平成30年度, 令和元年度, 令和2年度, 令和6年度', () => {
  assert.deepEqual([2018, 2019, 2020, 2024].map(eraYear), ['平成30年度', '令和元年度', '令和2年度', '令和6年度']);
  assert.equal(eraYear('2024'), '令和6年度');
  assert.equal(eraYear(1989), '平成元年度');
});

test('eraYear and fiscal_era name every year the portal accepts (2000-2100) alike', () => {
  const db = sql("SELECT string_agg(fiscal_era(y), ',' ORDER BY y) FROM generate_series(2000, 2100) y").split(',');
  const page = Array.from({ length: 101 }, (_, i) => eraYear(2000 + i));
  assert.deepEqual(page, db);
});

test('progress_status: the short texts and which statuses need a reason', () => {
  assert.equal(sql("SELECT string_agg(concat_ws('|', key, mark, short, reason_required::text), ',' ORDER BY position) FROM progress_status"),
    'exceeded|◎|予定を上回る|false,on_schedule|○|予定どおり|false,delayed|△|予定より遅れ|true,not_started|×|未着手|true');
});

test('a request to △ with an ideographic space as its reason is refused: 23514, status_request_reason', async () => {
  const own = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  assert.ok(own, 'an activity of 戸籍住民課 on schedule in FY2024');
  const staff = sql("SELECT id FROM app_user WHERE login = 'koseki-staff'");
  const insert = (to, reason) => `INSERT INTO status_request (activity_id, fiscal_year, from_status, to_status, reason, requested_by)
    VALUES (${own.id}, 2024, 'on_schedule', '${to}', ${literal(reason)}, ${staff});`;
  const before = sql('SELECT count(*) FROM status_request');

  for (const [to, reason] of [['delayed', '　'], ['not_started', ' \t\n　'], ['delayed', '']]) {
    const r = psql(insert(to, reason));
    assert.notEqual(r.status, 0, `${to} ${JSON.stringify(reason)} accepted`);
    assert.match(r.stderr, /ERROR:\s+23514:/);
    assert.match(r.stderr, /CONSTRAINT NAME:\s+status_request_reason/);
    assert.match(r.stderr, /COLUMN NAME:\s+reason/);
  }
  // A real reason, or a status that needs none, passes (and is rolled back).
  for (const [to, reason] of [['delayed', '　システム改修の遅れ'], ['exceeded', '　']]) {
    const r = psql(`BEGIN;\n${insert(to, reason)}\nROLLBACK;`);
    assert.equal(r.status, 0, `${to} ${JSON.stringify(reason)}: ${r.stderr}`);
  }
  assert.equal(sql('SELECT count(*) FROM status_request'), before);
});

test('a locked year is refused in Japanese, by fiscal_era, with SQLSTATE SHLCK', async () => {
  const own = (await activitiesOf('戸籍住民課'))[0];
  const r = psql(`BEGIN;
UPDATE fiscal_year SET locked = true, locked_at = now() WHERE year = 2024;
UPDATE activity_year SET result = result WHERE activity_id = ${own.id} AND fiscal_year = 2024;
ROLLBACK;`);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /ERROR:\s+SHLCK: 令和6年度は締め切られているため、変更できません。\n/);
  assert.equal(sql('SELECT locked FROM fiscal_year WHERE year = 2024'), 'f', 'rolled back');
});

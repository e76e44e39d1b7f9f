// migrate and import against the test stack's database: idempotent
// migrations, all-or-nothing imports, refusals that change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const BIN = process.env.SHINCHOKU_BIN;
const CONFIG = process.env.SHINCHOKU_TEST_CONFIG;
const SRC = process.env.SHINCHOKU_SOURCE_DIR;
const SEED = join(SRC, 'data', 'nakano-plan-r6.json');

function sql(query) {
  return execFileSync('psql', [process.env.SHINCHOKU_TEST_DB_ADMIN, '-X', '-A', '-t',
    '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' }).trim();
}

function run(...args) {
  const r = spawnSync(BIN, [args[0], `--config=${CONFIG}`, ...args.slice(1)], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

// Everything an import writes, as one comparable line.
const snapshot = () => sql(`SELECT concat_ws(' ', (SELECT count(*) FROM plan),
  (SELECT count(*) FROM measure), (SELECT count(*) FROM activity),
  (SELECT count(*) FROM placement), (SELECT count(*) FROM activity_year),
  (SELECT count(*) FROM department), (SELECT count(*) FROM milestone),
  (SELECT count(*) FROM audit_log))`);

function dataset(edit) {
  const dir = mkdtempSync(join(tmpdir(), 'shinchoku-import-'));
  const data = JSON.parse(readFileSync(SEED, 'utf8'));
  edit(data);
  const file = join(dir, 'plan.json');
  writeFileSync(file, JSON.stringify(data));
  return { file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('every seeded row has its insert in the audit log, channel import', () => {
  // Qualified with t.: audit_log has an id of its own.
  const keys = { plan: 't.id::text', goal: 't.id::text', measure: 't.id::text',
    activity: 't.id::text', placement: 't.id::text', indicator: 't.id::text',
    milestone: 't.id::text', activity_department: "t.activity_id || '/' || t.department_id",
    activity_year: "t.activity_id || '/' || t.fiscal_year",
    indicator_value: "t.indicator_id || '/' || t.fiscal_year || '/' || t.kind" };
  for (const [table, key] of Object.entries(keys)) {
    assert.equal(sql(`SELECT count(*) FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM audit_log l
      WHERE l.entity = '${table}' AND l.entity_id = ${key} AND l.action = 'insert'
        AND l.channel = 'import')`), '0', table);
  }
  // 2-1-① gets relisted_from_id in a second statement: its update is audited too.
  assert.equal(sql(`SELECT count(*) FROM audit_log l JOIN measure m ON l.entity_id = m.id::text
    WHERE l.entity = 'measure' AND l.action = 'update' AND m.code = '2-1-①'
      AND m.plan_id = (SELECT min(id) FROM plan)
      AND (l.after ->> 'relisted_from_id')::int = (SELECT id FROM measure WHERE code = '1-1-③'
        AND plan_id = m.plan_id)`), '1');
  assert.equal(sql(`SELECT count(*) FROM activity`), '105');
  assert.equal(sql(`SELECT count(*) FROM placement WHERE relisted`), '8');
  assert.equal(sql(`SELECT count(*) FROM placement`), '113');
});

test('migrate twice applies nothing the second time', () => {
  const before = snapshot();
  const r = run('migrate');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /0 applied, \d+ already there/);
  assert.equal(snapshot(), before);
});

test('import --if-empty on a seeded database does nothing', () => {
  const before = snapshot();
  const r = run('import', '--if-empty', '--timeline-plan=（仮称）中野区ＤＸ推進計画', SEED);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /nothing to do/);
  assert.equal(snapshot(), before);
});

test('importing a plan whose title exists is refused and changes nothing', () => {
  const before = snapshot();
  const r = run('import', '--timeline-plan=別の計画', SEED);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /exists already/);
  assert.equal(snapshot(), before);
});

test('a dataset that fails validation names the place and changes nothing', () => {
  const d = dataset((data) => { data.plan.title = '検証用計画'; data.activities[41].status = '◯'; });
  try {
    const before = snapshot();
    const r = run('import', '--timeline-plan=検証用の次期計画', d.file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\$\.activities\[41\]\.status/);
    assert.equal(snapshot(), before);
  } finally { d.done(); }
});

test('an import the database refuses at its last row leaves nothing behind', () => {
  // The timeline plan has the dataset's own title: every row goes in, then
  // the draft plan collides with the UNIQUE title and the whole import rolls back.
  const d = dataset((data) => { data.plan.title = '検証用計画'; });
  try {
    const before = snapshot();
    const r = run('import', '--timeline-plan=検証用計画', d.file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refused by the database/);
    assert.equal(snapshot(), before);
    assert.equal(sql(`SELECT count(*) FROM plan WHERE title = '検証用計画'`), '0');
  } finally { d.done(); }
});

test('a timeline without --timeline-plan is refused, not dropped', () => {
  const d = dataset((data) => { data.plan.title = '検証用計画'; });
  try {
    const before = snapshot();
    const r = run('import', d.file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--timeline-plan/);
    assert.equal(snapshot(), before);
  } finally { d.done(); }
});

test('a second plan imports beside the first, sharing departments', () => {
  const d = dataset((data) => { data.plan.title = '別区の計画'; data.timeline = []; });
  try {
    const depts = sql('SELECT count(*) FROM department');
    const r = run('import', d.file);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sql(`SELECT count(*) FROM activity a JOIN plan p ON p.id = a.plan_id
      WHERE p.title = '別区の計画'`), '105');
    assert.equal(sql('SELECT count(*) FROM department'), depts);
  } finally {
    d.done();
    // Leave the stack as the other tests expect it: only the seed. The
    // audit log is append-only, so the rows go but their history stays.
    // The plan is adopted, so its structure is read-only (sql/008) unless
    // the owning role unlocks it for this transaction.
    sql(`BEGIN;
      SET CONSTRAINTS ALL DEFERRED;
      SET LOCAL app.structure_unlock = 'on';
      CREATE TEMP TABLE gone AS SELECT id FROM plan WHERE title = '別区の計画';
      DELETE FROM activity_year WHERE activity_id IN (SELECT id FROM activity WHERE plan_id IN (SELECT id FROM gone));
      DELETE FROM activity_department WHERE activity_id IN (SELECT id FROM activity WHERE plan_id IN (SELECT id FROM gone));
      DELETE FROM placement WHERE activity_id IN (SELECT id FROM activity WHERE plan_id IN (SELECT id FROM gone));
      DELETE FROM activity WHERE plan_id IN (SELECT id FROM gone);
      DELETE FROM indicator_value WHERE indicator_id IN (SELECT id FROM indicator WHERE plan_id IN (SELECT id FROM gone));
      DELETE FROM indicator_footnote WHERE plan_id IN (SELECT id FROM gone);
      DELETE FROM indicator WHERE plan_id IN (SELECT id FROM gone);
      DELETE FROM footnote WHERE plan_id IN (SELECT id FROM gone);
      UPDATE measure SET relisted_from_id = NULL WHERE plan_id IN (SELECT id FROM gone);
      DELETE FROM measure WHERE plan_id IN (SELECT id FROM gone);
      DELETE FROM goal WHERE plan_id IN (SELECT id FROM gone);
      DELETE FROM plan WHERE id IN (SELECT id FROM gone);
      COMMIT;`);
  }
});

// A year's updates come back as the export's CSV: a dry run reports every
// problem by row and column; one bad row among good ones changes nothing;
// a good file applies every row in one transaction, audited; status
// changes become pending requests unless imported as decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { anonymous, signIn, skipUnlessStack, sql } from './accounts.mjs';
import { parseCsv, toCsv } from './csv.mjs';

skipUnlessStack();
const BASE = process.env.SHINCHOKU_TEST_URL;


async function exported() {
  const r = await fetch(`${BASE}/api/reports/2024/progress.csv`);
  return parseCsv((await r.text()).replace(/^\uFEFF/, ''));
}
const upload = (client, csv, query = '', headers = {}) =>
  client.post(`/api/reports/2024/import${query}`, csv, { headers: { 'Content-Type': 'text/csv', ...headers } });
const summary = async () => Object.fromEntries((await anonymous.get('/api/reports/2024/summary')).body.counts.map((c) => [c.mark, c.count]));
const importAudits = () => Number(sql("SELECT count(*) FROM audit_log WHERE channel = 'import'"));
const versions = () => sql('SELECT string_agg(activity_id || \':\' || version, \',\' ORDER BY activity_id) FROM activity_year WHERE fiscal_year = 2024');

test('the export comes back unchanged: no changes, no problems', async () => {
  const admin = await signIn('admin');
  const rows = await exported();
  const r = await upload(admin, toCsv(rows), '?dry_run=true');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.rows, 113);
  assert.equal(r.body.changed_rows, 0);
  assert.deepEqual(r.body.problems, []);
  const applied = await upload(admin, toCsv(rows));
  assert.equal(applied.status, 200);
  assert.equal(applied.body.applied, true);
  assert.equal(applied.body.changed_rows, 0);
  // Its header is in Japanese; a file with the former keys is taken too,
  // and a wrong header is named by the title the report prints.
  assert.equal(rows[0][7], '令和6年度 取組結果');
  const keys = ['seq', 'measure_code', 'measure_name', 'activity', 'status', 'change_reason',
    'result_2023', 'result_2024', 'plan_2025', 'departments'];
  const old = await upload(admin, toCsv([keys, ...rows.slice(1)]), '?dry_run=true');
  assert.equal(old.status, 200, old.text);
  assert.equal(old.body.changed_rows, 0);
  const wrong = await upload(admin, toCsv([[...rows[0].slice(0, 7), '取組結果', ...rows[0].slice(8)], ...rows.slice(1)]), '?dry_run=true');
  assert.equal(wrong.status, 422);
  assert.deepEqual(wrong.body.problems.map((p) => [p.line, p.column, p.message]),
    [[1, 'result_2024', '見出し行の8列目は「令和6年度 取組結果」にしてください（書き出したファイルの見出し行のとおりに）。']]);
});

test('one bad row among good ones: every problem by row and column, nothing changed', async () => {
  const admin = await signIn('admin');
  const rows = await exported();
  const bad = rows.map((r) => [...r]);
  bad[1][7] += '（追記）';            // good: a result
  bad[2][9] = '存在しない課';          // not a responsible department
  bad[3][4] = '◇';                    // not a status
  bad[5][7] = 'あ'.repeat(4001);      // too long
  bad[55][4] = '○';                   // a re-listed row (seq 55) with a status
  bad[6][3] = '別の取組';              // unknown activity
  bad[7][6] = '前年度を書き換え';      // the previous year's result
  bad.push(['999', '1-1-①', 'x', 'x', '', '', '', '', '', '']);
  const before = [versions(), importAudits()];
  for (const query of ['?dry_run=true', '']) {
    const r = await upload(admin, toCsv(bad), query);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.applied, false);
    assert.equal(r.body.error.code, 'import_problems');
    const found = r.body.problems.map((p) => `${p.line}:${p.column}`).sort();
    assert.deepEqual(found, ['115:seq', '3:departments', '4:status', '56:status', '6:result_2024',
      '7:activity', '8:result_2023'].sort());
    assert.match(r.body.problems.find((p) => p.column === 'departments').message, /存在しない課/);
  }
  assert.deepEqual([versions(), importAudits()], before, 'nothing was written');
});

test('a good file: every row applied in one transaction, audited; status as a pending request', async () => {
  const admin = await signIn('admin');
  const original = await exported();
  const rows = original.map((r) => [...r]);
  rows[1][7] += '（令和6年度末時点）';
  rows[2][8] = '（拡充）';
  rows[3][4] = '△'; rows[3][5] = '調達の遅れにより年度内に完了しなかった。';
  const audits = importAudits();
  const dry = await upload(admin, toCsv(rows), '?dry_run=true');
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.changed_rows, 3);
  // Row 3's reason is not a change of the record: it goes with the request.
  assert.equal(dry.body.changes.length, 2);
  assert.deepEqual(dry.body.status_changes.map((s) => s.reason), [rows[3][5]]);
  assert.equal(importAudits(), audits, 'a dry run writes nothing');

  const r = await upload(admin, toCsv(rows));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.applied, true);
  assert.deepEqual(r.body.status_changes.map((s) => [s.seq, s.from, s.to, s.state]), [[3, '○', '△', 'pending']]);
  // Two text updates and the request of row 3: its reason is the request's.
  assert.equal(importAudits(), audits + 3);
  assert.deepEqual(await summary(), { '◎': 0, '○': 102, '△': 3, '×': 0 }, 'the status waits for approval');
  const id = r.body.status_changes[0].activity_id;
  const pending = (await admin.get('/api/status-requests?state=pending')).body.items.find((q) => q.activity_id === id);
  assert.equal(pending.to_status, 'delayed');
  assert.equal(pending.reason, rows[3][5]);
  // The report still shows ○ with the record's own (empty) reason, not the delay's.
  const now = await exported();
  assert.deepEqual([now[3][4], now[3][5]], [original[3][4], original[3][5]]);
  assert.equal((await admin.post(`/api/status-requests/${pending.id}/withdrawal`, {})).status, 200);

  // Decided: the admin imports the status as final.
  const decided = await upload(admin, toCsv(rows), '?decided=true');
  assert.equal(decided.status, 200, decided.text);
  assert.deepEqual(await summary(), { '◎': 0, '○': 101, '△': 4, '×': 0 });

  const back = await upload(admin, toCsv(original), '?decided=true');
  assert.equal(back.status, 200, back.text);
  assert.deepEqual(await summary(), { '◎': 0, '○': 102, '△': 3, '×': 0 });
  assert.deepEqual(await exported(), original, 'restored cell by cell');
});

test('a version column catches a record changed since the export', async () => {
  const admin = await signIn('admin');
  const rows = await exported();
  const items = (await anonymous.get('/api/reports/2024/appendix')).body.items;
  const withVersion = rows.map((r, i) => [...r, i === 0 ? 'version' : String(items[i - 1].version ?? '')]);
  withVersion[10][10] = String(Number(withVersion[10][10]) - 1 || 99);
  const r = await upload(admin, toCsv(withVersion), '?dry_run=true');
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.problems.map((p) => [p.line, p.column]), [[11, 'version']]);
});

test('who may import, and what the request must be', async () => {
  const csv = toCsv(await exported());
  const manager = await signIn('koseki-manager');
  assert.equal((await upload(manager, csv, '?dry_run=true')).status, 403);
  const admin = await signIn('admin');
  assert.equal((await upload(admin, csv, '?dry_run=true', { 'X-CSRF-Token': 'x'.repeat(64) })).status, 403);
  assert.equal((await admin.post('/api/reports/2024/import?dry_run=true', { a: 1 })).status, 415);
  assert.equal((await upload(admin, csv, '?dry_run=maybe')).body.error.field, 'dry_run');
  const broken = await upload(admin, 'seq,"unclosed\r\n', '?dry_run=true');
  assert.equal(broken.status, 422);
  assert.match(broken.body.problems[0].message, /1行目：引用符で始まる項目が閉じられていません/);
});

test('the same import from the command line', async () => {
  const dir = mkdtempSync(`${tmpdir()}/shinchoku-import-`);
  const rows = await exported();
  const file = `${dir}/updates.csv`;
  rows[4][7] += '（CLI）';
  writeFileSync(file, toCsv(rows));
  const run = (...args) => spawnSync(process.env.SHINCHOKU_BIN,
    ['import', `--config=${process.env.SHINCHOKU_TEST_CONFIG}`, '--fiscal-year=2024', ...args, file], { encoding: 'utf8' });
  const dry = run('--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  assert.equal(JSON.parse(dry.stdout).changed_rows, 1);
  const audits = importAudits();
  const ok = run();
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(importAudits(), audits + 1);
  rows[4][7] = rows[4][7].replace('（CLI）', '');
  rows[5][4] = '×';
  rows[5][5] = '理由';
  writeFileSync(file, toCsv(rows));
  const refused = run();
  assert.equal(refused.status, 1);
  assert.match(JSON.parse(refused.stdout).problems[0].message, /--decided/);
  rows[5][4] = (await exported())[5][4];
  rows[5][5] = (await exported())[5][5];
  writeFileSync(file, toCsv(rows));
  assert.equal(run().status, 0, 'restored');
});

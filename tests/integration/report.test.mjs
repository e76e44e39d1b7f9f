// The council report's appendix as files: the FY2024 CSV equals the
// dataset's CSV cell by cell (113 rows, re-listed rows in place), and the
// XLSX workbook, opened by an independent reader, holds the same cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseCsv } from './csv.mjs';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const BASE = process.env.SHINCHOKU_TEST_URL;
const SRC = process.env.SHINCHOKU_SOURCE_DIR;
const require = createRequire(`${SRC}/package.json`);

const golden = parseCsv(readFileSync(`${SRC}/data/nakano-plan-r6-activities.csv`, 'utf8'));

const JAPANESE_HEADER = ['番号', '取組番号', '取組', '実施内容', '進捗状況', 'スケジュールの変更理由',
  '令和5年度 取組結果', '令和6年度 取組結果', '令和7年度以降の取組予定', '所管課'];

test('FY2024 CSV: BOM, headers, 113 rows equal to the source cell by cell', async () => {
  const r = await fetch(`${BASE}/api/reports/2024/progress.csv`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(r.headers.get('content-disposition'), /attachment; filename="shinchoku-progress-2024\.csv"/);
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
  const rows = parseCsv(bytes.subarray(3).toString('utf8'));
  assert.equal(rows.length, 114);
  assert.equal(golden.length, 114);
  // The header in Japanese, as the report prints it (the import takes these
  // and the source's keys alike); the rows equal the source's.
  assert.deepEqual(rows[0], JAPANESE_HEADER);
  for (let i = 1; i < golden.length; i++) {
    assert.equal(rows[i].length, golden[i].length, `row ${i} column count`);
    for (let c = 0; c < golden[i].length; c++)
      assert.equal(rows[i][c], golden[i][c], `row ${i} (${golden[i][0]}) column ${golden[0][c]}`);
  }
  const relisted = rows.slice(1).filter((x) => x[4] === '' && /再掲/.test(x[2] + x[3]));
  assert.equal(relisted.length, 8, 'the 8 re-listed rows, without status');
  const marks = rows.slice(1).map((x) => x[4]);
  assert.equal(marks.filter((m) => m === '○').length, 102);
  assert.equal(marks.filter((m) => m === '△').length, 3);
});

test('other years and bad requests', async () => {
  const r = await fetch(`${BASE}/api/reports/2025/progress.csv`);
  assert.equal(r.status, 200);
  const rows = parseCsv((await r.text()).replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0].slice(6, 9), ['令和6年度 取組結果', '令和7年度 取組結果', '令和8年度以降の取組予定']);
  assert.equal(rows.length, 114, 'the same table, whatever the year holds');
  // FY2025's "result of the year before" is FY2024's result.
  assert.equal(rows[1][6], golden[1][7]);
  for (const [path, status, field] of [
    ['/api/reports/abc/progress.csv', 400, 'fy'],
    ['/api/reports/2024/progress.csv?plan=x', 400, 'plan'],
    ['/api/reports/2024/progress.csv?foo=1', 400, 'foo'],
    ['/api/reports/2024/progress.csv?plan=999', 404, undefined],
  ]) {
    const e = await fetch(BASE + path);
    assert.equal(e.status, status, path);
    const body = await e.json();
    assert.equal(body.error.field, field, path);
  }
});

test('FY2024 XLSX: a workbook whose cells equal the CSV, header in Japanese', async () => {
  const r = await fetch(`${BASE}/api/reports/2024/progress.xlsx`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK', 'a zip container');
  // read-excel-file 9 answers every sheet: [{ sheet, data: rows }].
  const sheets = await require('read-excel-file/node').default(buf);
  assert.deepEqual(sheets.map((s) => s.sheet), ['令和6年度 別紙']);
  const rows = sheets[0].data;
  assert.equal(rows.length, 114);
  assert.deepEqual(rows[0], JAPANESE_HEADER);
  for (let i = 1; i < golden.length; i++) {
    assert.equal(rows[i][0], Number(golden[i][0]), `row ${i} seq is a number`);
    for (let c = 1; c < 10; c++)
      assert.equal(rows[i][c] ?? '', golden[i][c], `row ${i} column ${golden[0][c]}`);
  }
});

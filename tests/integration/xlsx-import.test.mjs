// Excel in, not only out: the admin downloads the exported progress.xlsx
// from the import panel, one cell is edited (read with read-excel-file,
// written back with write-excel-file, as Excel would save it), and the
// workbook is uploaded in the same panel. The page reads it in the browser
// and sends the same rows to the one import API: the dry run shows exactly
// that change. Only dry runs: nothing is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { BASE, skipUnlessStack } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions, signInThroughPage } from './chromium.mjs';

skipUnlessStack();
const require = createRequire(`${process.env.SHINCHOKU_SOURCE_DIR || process.cwd()}/package.json`);

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function adminImportPanel() {
  const context = await browser.newContext({ ...contextOptions, acceptDownloads: true });
  const page = await context.newPage();
  const errors = collectErrors(page, ['422']);
  await page.goto(`${BASE}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await signInThroughPage(page, 'admin');
  await page.goto(`${BASE}/admin.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#import-fy', '2024');
  return { context, page, errors };
}

async function dryRun(page, file) {
  await page.setInputFiles('#import-file', file);
  const answered = page.waitForResponse((r) => r.url().includes('/api/reports/2024/import?dry_run=true'));
  await page.click('#import-dry');
  const r = await answered;
  await page.waitForSelector('#import-result:not([data-outcome="busy"])');
  return r;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

test('an exported progress.xlsx with one edited cell: the dry run shows exactly that change', { timeout: 60000 }, async () => {
  const { context, page, errors } = await adminImportPanel();
  try {
    const download = page.waitForEvent('download');
    await page.click('#import-xlsx');
    const stream = await (await download).createReadStream();
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const exported = Buffer.concat(chunks);

    const readXlsx = require('read-excel-file/node').default;
    const [sheet] = await readXlsx(exported);
    const rows = sheet.data;
    assert.equal(rows[0][0], '番号');
    assert.equal(rows[0][7], '令和6年度 取組結果');
    const line = 4; // the CSV's line of the edited row: header is line 1
    const before = rows[line - 1][7];
    const after = `${before}（Excel で編集 ${Date.now()}）`;
    const edited = rows.map((r) => [...r]);
    edited[line - 1][7] = after;
    const writeXlsx = require('write-excel-file/node').default;
    const buffer = await writeXlsx(edited, { sheet: sheet.sheet }).toBuffer();

    // Unchanged, the workbook is the export: no change at all.
    const same = await dryRun(page, { name: 'progress.xlsx', mimeType: XLSX, buffer: exported });
    assert.equal(same.status(), 200);
    assert.match(same.request().headers()['content-type'], /^text\/csv/);
    assert.equal((await same.json()).changed_rows, 0);
    assert.match(await page.textContent('#import-summary'), /変更はありません/);

    const r = await dryRun(page, { name: '進捗状況（編集済み）.xlsx', mimeType: XLSX, buffer });
    assert.equal(r.status(), 200);
    const body = await r.json();
    assert.deepEqual(body.problems, []);
    assert.equal(body.changed_rows, 1);
    assert.deepEqual(body.changes.map((c) => [c.line, c.seq, c.column, c.before, c.after]),
      [[line, rows[line - 1][0], 'result_2024', before, after]]);
    assert.equal(await page.$$eval('#import-changes tbody tr', (x) => x.length), 1);
    assert.equal(await page.textContent('#import-changes tbody tr .after'), after);
    assert.equal(await page.isEnabled('#import-apply'), true);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a file that is not a workbook, named .xlsx: a Japanese message, nothing sent', { timeout: 30000 }, async () => {
  const { context, page } = await adminImportPanel();
  try {
    let sent = 0;
    page.on('request', (q) => { if (q.url().includes('/import')) sent++; });
    await page.setInputFiles('#import-file', { name: 'broken.xlsx', mimeType: XLSX, buffer: Buffer.from('not a zip') });
    await page.click('#import-dry');
    await page.waitForSelector('#error:not([hidden])');
    assert.match(await page.textContent('#error-text'), /Excel ファイル（\.xlsx）を読み取れませんでした/);
    assert.equal(sent, 0);
  } finally {
    await context.close();
  }
});

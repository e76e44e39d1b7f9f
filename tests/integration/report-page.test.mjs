// The printable council report page (www/report.html) in a real browser:
// Debian's chromium driven by playwright-core, through nginx against the
// running stack. Read-only. Every figure and cell is compared with the
// transcription of the FY2024 report in data/nakano-plan-r6.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const BASE = process.env.SHINCHOKU_TEST_URL.replace(/\/$/, '');
const SRC = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();

const dataset = JSON.parse(readFileSync(`${SRC}/data/nakano-plan-r6.json`, 'utf8'));

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

// A fresh browser profile with the report loaded; errors collects console
// errors and uncaught exceptions.
async function open(path = '/report.html?fy=2024', { routes } = {}) {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  if (routes) await routes(page);
  await page.goto(BASE + path);
  await ready(page);
  return { context, page, errors };
}

const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });

// Everything the report shows, read in one go.
function scrape(page) {
  return page.evaluate(() => {
    const t = (e) => (e ? e.textContent : null);
    const q = (s, r = document) => r.querySelector(s);
    const qa = (s, r = document) => [...r.querySelectorAll(s)];
    return {
      title: t(q('#report-title')),
      summary: Object.fromEntries(qa('#summary [data-status]').filter((e) => e.tagName === 'TD')
        .map((e) => [e.dataset.status, e.textContent])),
      summaryRows: qa('#summary-body tr').map((r) => ({
        status: r.dataset.status, mark: t(q('.mark', r)), label: t(q('.label', r)).trim(),
      })),
      legend: qa('#legend-list li').map((li) => ({ mark: t(q('.legend-mark', li)), label: t(q('.legend-label', li)) })),
      asof: t(q('#indicators-asof')),
      indicatorGoals: qa('#indicators .goal-indicators').map((g) => ({
        goal: g.dataset.goal, no: t(q('.goal-no', g)), title: t(q('.goal-name', g)),
        head: qa('thead th', g).map((th) => th.textContent),
        rows: qa('tbody tr', g).map((r) => ({
          name: t(q('.ind-name .name', r)),
          notes: qa('.note-mark', r).map((n) => n.textContent),
          cells: qa('td', r).map((c) => ({ year: c.dataset.year, kind: c.dataset.kind, text: c.textContent })),
        })),
      })),
      footnotes: qa('#footnotes li').map((li) => ({ mark: t(q('.fn-mark', li)), text: t(q('.fn-text', li)) })),
      schedulePlan: t(q('#schedule-plan')),
      schedule: qa('#schedule-body tr').map((r) => ({
        when: t(q('.when', r)), title: t(q('.ms-title', r)), month: r.dataset.month,
      })),
      appendixTitle: t(q('#appendix-heading')),
      appendixHead: qa('#appendix thead th').map((th) => th.textContent),
      goalRows: qa('#appendix tr.goal-row').map((r) => ({ no: t(q('.goal-no', r)), title: t(q('.goal-name', r)) })),
      measures: qa('#appendix tbody th.c-measure').map((th) => ({
        code: t(q('.code', th)), name: t(q('.name', th)), rowspan: th.rowSpan,
        seq: Number(th.closest('tr').dataset.seq),
      })),
      rows: qa('#appendix tr[data-seq]').map((r) => ({
        seq: Number(r.dataset.seq),
        measure: r.dataset.measure,
        relisted: r.dataset.relisted === 'true',
        activity: t(q('.c-activity', r)),
        status: t(q('.c-status', r)),
        change_reason: t(q('.c-reason', r)),
        result_prev: t(q('.c-prev', r)),
        result: t(q('.c-result', r)),
        plan_next: t(q('.c-plan', r)),
        departments: qa('.c-dept .dept', r).map((d) => d.textContent),
        deptCell: t(q('.c-dept', r)),
      })),
      links: {
        csv: q('#dl-csv').getAttribute('href'),
        xlsx: q('#dl-xlsx').getAttribute('href'),
        back: q('#back').getAttribute('href'),
      },
      fy: q('#fy').value,
      alert: q('[role="alert"]:not([hidden])') ? t(q('[role="alert"]:not([hidden])')) : null,
    };
  });
}

// The appendix rows as the dataset has them, in the shape scrape() reads.
const expectedRows = dataset.activities.map((a) => ({
  seq: a.seq,
  measure: a.measure,
  relisted: a.status === '',
  activity: a.name,
  status: a.status,
  change_reason: a.change_reason,
  result_prev: a.result_2023,
  result: a.result_2024,
  plan_next: a.plan_2025,
  departments: a.departments,
  deptCell: a.departments.join(''),
}));

const RELISTED = [55, 56, 69, 74, 77, 83, 90, 91];

// The report for 2024, re-read (up to 3 times) while another test is
// briefly editing a record; the caller then asserts exact equality.
async function stableReport() {
  const { context, page, errors } = await open('/report.html?fy=2024');
  let s = await scrape(page);
  for (let i = 0; i < 3; i++) {
    const same = s.rows.length === expectedRows.length && s.rows.every((r, k) => JSON.stringify(r) === JSON.stringify(expectedRows[k]));
    if (same && s.alert === null && s.summary.total === '105' && s.summary.on_schedule === '102') break;
    await new Promise((r) => setTimeout(r, 1500));
    errors.length = 0; // only the load that is checked counts
    await page.reload();
    await ready(page);
    s = await scrape(page);
  }
  return { context, page, errors, s };
}

let report; // shared by the read-only checks below

test('report page loads for FY2024 without errors', async () => {
  report = await stableReport();
  const { s, errors } = report;
  assert.equal(s.alert, null, `no alert expected, got: ${s.alert}`);
  assert.equal(s.fy, '2024');
  assert.equal(s.title, `${dataset.plan.title}の進捗状況等について`);
  assert.equal(s.title, dataset.source.document);
  assert.deepEqual(errors, [], `console errors: ${errors.join(' | ')}`);
});

test('1 各取組の進捗状況: counts by status, legend and total', () => {
  const { s } = report;
  const key = Object.fromEntries(dataset.status_legend.map((l) => [l.mark, l.key]));
  const want = Object.fromEntries(Object.entries(dataset.status_counts_reported).map(([m, n]) => [key[m], String(n)]));
  assert.deepEqual(want, { exceeded: '0', on_schedule: '102', delayed: '3', not_started: '0' });
  assert.deepEqual(s.summary, { ...want, total: '105' });
  assert.deepEqual(s.summaryRows.map((r) => ({ status: r.status, mark: r.mark, label: r.label.replace(/^\S+ /, '') })),
    dataset.status_legend.map((l) => ({ status: l.key, mark: l.mark, label: l.label })));
  // The appendix legend: the same four marks and labels.
  assert.deepEqual(s.legend, dataset.status_legend.map((l) => ({ mark: l.mark, label: l.label })));
});

test('2 成果指標の推移: every printed value, target and footnote', () => {
  const { s } = report;
  assert.equal(s.asof, '※令和６年度末時点');
  assert.deepEqual(s.indicatorGoals.map((g) => ({ no: g.no, title: g.title })),
    dataset.goals.map((g) => ({ no: `目標${String.fromCharCode(0xFF10 + g.number)}`, title: g.title })));
  for (const g of s.indicatorGoals) {
    assert.deepEqual(g.head, ['指標項目', '実績', '目標', '令和4年度', '令和5年度', '令和6年度', '令和7年度']);
  }
  const got = s.indicatorGoals.flatMap((g) => g.rows.map((r) => ({ goal: Number(g.goal), ...r })));
  const want = dataset.indicators.map((i) => ({
    goal: i.goal,
    name: i.name,
    notes: i.notes,
    cells: [
      ...['2022', '2023', '2024'].map((y) => ({ year: y, kind: 'actual', text: i.values[y] })),
      ...Object.entries(i.target).map(([y, v]) => ({ year: y, kind: 'target', text: v })),
    ],
  }));
  assert.equal(got.length, 10);
  assert.deepEqual(got, want);
  assert.deepEqual(s.footnotes, Object.entries(dataset.footnotes).map(([mark, text]) => ({ mark, text })));
});

test('3 今後の予定: the seven milestones of the next plan, in order', () => {
  const { s } = report;
  assert.equal(s.schedulePlan, '「（仮称）中野区ＤＸ推進計画」の策定スケジュール');
  assert.deepEqual(s.schedule, dataset.timeline.map((m) => ({ when: m.date_text, title: m.item, month: m.date })));
});

test('別紙: 113 rows equal to the dataset row by row', () => {
  const { s } = report;
  assert.equal(s.appendixTitle, dataset.source.appendix);
  assert.deepEqual(s.appendixHead, [
    '事業内容（取組番号・取組）', '実施内容', '進捗状況', 'スケジュールの変更理由',
    '取組結果（令和５年度）', '取組結果（令和６年度）', '令和７年度以降の取組予定', '所管課',
  ]);
  assert.equal(s.rows.length, 113);
  for (let i = 0; i < expectedRows.length; i++) {
    assert.deepEqual(s.rows[i], expectedRows[i], `appendix row seq ${expectedRows[i].seq}`);
  }
  // The re-listed rows: no status, no reason, no results, no plan.
  const relisted = s.rows.filter((r) => r.relisted);
  assert.deepEqual(relisted.map((r) => r.seq), RELISTED);
  for (const r of relisted) {
    assert.equal(r.status, '');
    assert.equal(r.result_prev + r.result + r.plan_next + r.change_reason, '');
  }
  // 102 ○ and 3 △ (seq 23, 96, 99) among the marked rows.
  assert.equal(s.rows.filter((r) => r.status === '○').length, 102);
  assert.deepEqual(s.rows.filter((r) => r.status === '△').map((r) => r.seq), [23, 96, 99]);
});

test('別紙: measure groups in order, code and name printed once per group', () => {
  const { s } = report;
  assert.deepEqual(s.goalRows, dataset.goals.map((g) => ({ no: `目標${String.fromCharCode(0xFF10 + g.number)}`, title: g.title })));
  assert.equal(s.measures.length, 39);
  assert.deepEqual(s.measures.map((m) => ({ code: m.code, name: m.name })),
    dataset.measures.map((m) => ({ code: m.code, name: m.name })));
  // Each group spans exactly that measure's rows, starting at its first row.
  let seq = 1;
  for (const m of s.measures) {
    const rows = dataset.activities.filter((a) => a.measure === m.code);
    assert.equal(m.seq, seq, `measure ${m.code} starts at seq ${seq}`);
    assert.equal(m.rowspan, rows.length, `measure ${m.code} spans ${rows.length} rows`);
    assert.deepEqual(rows.map((a) => a.seq), Array.from({ length: rows.length }, (_, k) => seq + k));
    seq += rows.length;
  }
  assert.equal(seq, 114);
});

test('toolbar: year selector, print button, downloads, link to the portal', async () => {
  const { page, s } = report;
  assert.equal(s.links.csv, '/api/reports/2024/progress.csv');
  assert.equal(s.links.xlsx, '/api/reports/2024/progress.xlsx');
  assert.match(s.links.back, /^index\.html(\?fy=2024)?$/);
  for (const href of [s.links.csv, s.links.xlsx]) {
    const r = await fetch(BASE + href);
    assert.equal(r.status, 200, href);
    await r.arrayBuffer();
  }
  assert.equal(await page.getByRole('button', { name: '印刷' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'ポータルへ' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'CSV' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'Excel' }).count(), 1);
  const years = await page.$$eval('#fy option', (os) => os.map((o) => o.value));
  assert.ok(years.includes('2024') && years.includes('2023'), `years offered: ${years}`);
  // window.print() is what the button calls.
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
  await page.getByRole('button', { name: '印刷' }).click();
  assert.equal(await page.evaluate(() => window.__printed), 1);
});

test('print: toolbar hidden, header repeated, A4 landscape PDF', async () => {
  const { page, errors } = report;
  const screen = await page.evaluate(() => getComputedStyle(document.querySelector('#toolbar')).display);
  assert.notEqual(screen, 'none');
  await page.emulateMedia({ media: 'print' });
  const css = await page.evaluate(() => ({
    toolbar: getComputedStyle(document.querySelector('#toolbar')).display,
    print: getComputedStyle(document.querySelector('#print')).display,
    thead: getComputedStyle(document.querySelector('#appendix thead')).display,
    row: getComputedStyle(document.querySelector('#appendix tr.activity:not(.measure-first)')).breakInside, // print.test.mjs: a measure's first may break
    page: getComputedStyle(document.querySelector('#s-appendix')).page,
    font: getComputedStyle(document.body).fontFamily,
  }));
  assert.equal(css.toolbar, 'none');
  assert.equal(css.print, 'none');
  assert.equal(css.thead, 'table-header-group');
  assert.equal(css.row, 'avoid');
  assert.equal(css.page, 'appendix');
  assert.match(css.font, /Gothic|ゴシック/);
  const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
  assert.ok(pdf.length > 20000, `PDF of ${pdf.length} bytes`);
  assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF');
  // With the page's own @page sizes: portrait for 1–3, landscape for 別紙.
  const own = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
  const boxes = [...own.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => Number(m[1]) > Number(m[2]) ? 'landscape' : 'portrait');
  if (boxes.length) {
    assert.equal(boxes[0], 'portrait');
    assert.ok(boxes.includes('landscape'), `page boxes: ${boxes}`);
  }
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(errors, []);
  await report.context.close();
});

test('another year: headings follow the year, FY2023 rows have no status yet', async () => {
  const { context, page, errors } = await open('/report.html?fy=2024');
  await page.selectOption('#fy', '2023');
  await page.waitForFunction(() => document.body.dataset.ready === 'true' &&
    document.querySelector('#dl-csv').getAttribute('href') === '/api/reports/2023/progress.csv');
  const s = await scrape(page);
  assert.match(page.url(), /[?&]fy=2023\b/);
  assert.equal(s.appendixHead[4], '取組結果（令和４年度）');
  assert.equal(s.appendixHead[5], '取組結果（令和５年度）');
  assert.equal(s.appendixHead[6], '令和６年度以降の取組予定');
  assert.equal(s.asof, '※令和５年度末時点');
  assert.equal(s.summary.total, '105');
  assert.equal(s.summary.unset, '105');
  assert.equal(s.rows.length, 113);
  // The 令和５年度 results were recorded under FY2023.
  assert.equal(s.rows[0].result, dataset.activities[0].result_2023);
  assert.deepEqual(errors, []);
  await context.close();
});

test('API errors are shown in an alert; data is inserted as text', async () => {
  const evil = '<img src=x onerror="window.__pwned=1">再掲<b>太字</b>';
  const { context, page } = await open('/report.html?fy=2024', {
    routes: async (p) => {
      await p.route('**/api/reports/2024/summary', (r) => r.fulfill({
        status: 503, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'db_unavailable', message: 'database unavailable' } }),
      }));
      await p.route('**/api/reports/2024/appendix', async (r) => {
        const res = await r.fetch();
        const body = await res.json().catch(() => null);
        if (!body || !Array.isArray(body.items) || !body.items.length) {
          await r.fulfill({ response: res }); // the test then fails on what the API said
          return;
        }
        body.items[0].activity = evil;
        await r.fulfill({ response: res, json: body });
      });
    },
  });
  const alert = page.getByRole('alert');
  assert.equal(await alert.count(), 1);
  const text = await alert.textContent();
  assert.match(text, /各取組の進捗状況/);
  assert.match(text, /データベースに一時的に接続できません/);
  const cell = page.locator('#appendix tr[data-seq="1"] .c-activity');
  assert.equal(await cell.textContent(), evil);
  assert.equal(await cell.locator('img, b').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // The rest of the report is still there.
  assert.equal(await page.locator('#appendix tr[data-seq]').count(), 113);
  assert.equal(await page.locator('#schedule-body tr').count(), 7);
  await context.close();
});

test('a bad fy in the address is reported, not fatal', async () => {
  const { context, page, errors } = await open('/report.html?fy=abc');
  const text = await page.getByRole('alert').textContent();
  assert.match(text, /年度の指定に誤りがあります/);
  assert.equal(await page.locator('#appendix tr[data-seq]').count(), 113);
  assert.equal(await page.locator('#fy').inputValue(), '2024');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without fy the page shows the latest year (2024)', async () => {
  const { context, page, errors } = await open('/report.html');
  assert.equal(await page.locator('#fy').inputValue(), '2024');
  assert.equal(await page.locator('#dl-csv').getAttribute('href'), '/api/reports/2024/progress.csv');
  assert.equal(await page.locator('#summary-total').textContent(), '105');
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

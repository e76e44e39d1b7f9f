// A plan with two scales on the screens (issue 15, sql/015): the report page
// of data/example-2scale-plan.json (実施状況 未・中・完 and 達成度 未達・一部・
// 達成) shows a count table and a legend for each scale, and the appendix a
// column for the second scale, in the browser. The plan is imported with
// `shinchoku import` and removed at the end, so the seed stays as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessStack, sql } from './accounts.mjs';
import { importPlanFile } from './draft-plan.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

const BASE = process.env.SHINCHOKU_TEST_URL.replace(/\/$/, '');
// The example's file, once imported (importPlanFile).
let example;
let plan;
let remove;
let browser;

before(async () => {
  ({ example, plan, remove } = importPlanFile('example-2scale-plan.json'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  remove?.();
});

// A page of the portal opened anonymously, read once it is ready.
async function read(path, ready, fn) {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(BASE + path);
  await page.waitForSelector(ready, { timeout: 15000 });
  const seen = await page.evaluate(fn);
  await context.close();
  assert.deepEqual(errors, []);
  return seen;
}

// What the page shows of both scales, read in one go.
const openReport = (path) => read(path, 'body[data-ready="true"]', () => {
  const t = (s, r = document) => r.querySelector(s)?.textContent ?? null;
  const qa = (s, r = document) => [...r.querySelectorAll(s)];
  const counts = (table) => table && Object.fromEntries(qa('tbody tr', table)
    .map((r) => [t('.mark', r), t('td.num', r)]));
  const legend = (list) => list && qa('li', list).map((li) => `${t('.legend-mark', li)}:${t('.legend-label', li)}`);
  const second = document.querySelector('#summary-2');
  return {
    heading: t('#summary-heading'),
    first: { head: t('#h-summary-scale'), counts: counts(document.querySelector('#summary')), total: t('#summary-total') },
    second: second && { head: t('thead th', second), counts: counts(second), total: t('tfoot td', second) },
    legendTitles: qa('.legend-title').map((e) => e.textContent),
    legend1: legend(document.querySelector('#legend-list')),
    legend2: legend(document.querySelector('#legend-2 ul')),
    head: qa('#appendix thead th').map((e) => e.textContent),
    cols: qa('#appendix colgroup col').length,
    rows: qa('#appendix tr.activity').map((r) => [t('.c-activity', r), t('td.c-status', r), t('td.c-status2', r)]),
    goalSpan: document.querySelector('#appendix .goal-heading')?.colSpan,
  };
});

const legendOf = (list) => list.map((l) => `${l.mark}:${l.label}`);
// { mark: count } of one column of the example's rows.
function countsOf(column) {
  const n = {};
  for (const a of example.activities) n[a[column]] = String(Number(n[a[column]] || 0) + 1);
  return n;
}

test('the report page shows both scales: names, counts, legends, the appendix column', async () => {
  const seen = await openReport(`/report.html?fy=2024&plan=${plan}`);
  assert.equal(seen.heading, '１　各取組の実施状況・達成度');
  assert.equal(seen.first.head, '実施状況の区分');
  assert.deepEqual(seen.first.counts, Object.fromEntries(Object.entries(example.status_counts_reported)
    .map(([k, v]) => [k, String(v)])));
  assert.equal(seen.first.total, String(example.activities.length));
  assert.ok(seen.second, 'a table for the second scale');
  assert.equal(seen.second.head, '達成度の区分');
  assert.deepEqual(seen.second.counts, { 未達: '1', 一部: '1', 達成: '1' });
  assert.deepEqual(seen.second.counts, countsOf('status2'));
  assert.equal(seen.second.total, String(example.activities.length));
  assert.deepEqual(seen.legendTitles, ['【実施状況の凡例】', '【達成度の凡例】']);
  assert.deepEqual(seen.legend1, legendOf(example.status_legend));
  assert.deepEqual(seen.legend2, legendOf(example.status2_legend));
  assert.deepEqual(seen.head.slice(2, 4), ['実施状況', '達成度']);
  assert.equal(seen.cols, 9);
  assert.equal(seen.goalSpan, 9);
  assert.deepEqual(seen.rows, example.activities.map((a) => [a.name, a.status, a.status2]));
});

test('a plan of one scale keeps one table, one legend and no second column', async () => {
  const seen = await openReport('/report.html?fy=2024');
  assert.equal(seen.heading, '１　各取組の進捗状況');
  assert.equal(seen.second, null);
  assert.equal(seen.legend2, null);
  assert.deepEqual(seen.legendTitles, ['【進捗状況の凡例】']);
  assert.equal(seen.cols, 8);
  assert.equal(seen.goalSpan, 8);
  assert.ok(seen.rows.every((r) => r[2] === null));
});

test('the list shows the second scale\'s mark under the first, named, and the plan\'s scale name', async () => {
  const seen = await read(`/?plan=${plan}&fy=2024`, '#activities tbody tr .c-status .status2', () => ({
    rows: [...document.querySelectorAll('#activities tbody tr')].map((r) => r.querySelector('.status2')?.textContent ?? null),
    labels: ['#summary-heading', 'label[for="f-status"]', '#activities th.c-status .sort-button']
      .map((s) => document.querySelector(s).textContent.trim()),
  }));
  assert.deepEqual(seen.rows.sort(), example.activities.map((a) => `達成度：${a.status2}`).sort());
  assert.match(seen.labels[0], /^実施状況の集計/);
  assert.deepEqual(seen.labels.slice(1), ['実施状況', '実施状況']);
});

test('the activity page has a row for each scale, in the plan\'s marks', async () => {
  const id = Number(sql(`SELECT id FROM activity WHERE plan_id = ${plan} AND name = '電子納付'`));
  const seen = await read(`/activity.html?id=${id}`, 'body[data-ready="true"]', () => ({
    rows: [...document.querySelectorAll('#years-body tr')].map((r) => [r.querySelector('th').textContent,
      r.querySelector('td[data-fy="2024"] .mark')?.textContent ?? null]),
    heading: document.querySelector('#requests-heading').textContent,
  }));
  assert.deepEqual(seen.rows.slice(0, 2), [['実施状況', '中'], ['達成度', '一部']]);
  // The page's fixed words are the plan's too.
  assert.equal(seen.heading, '実施状況・達成度の変更申請');
});

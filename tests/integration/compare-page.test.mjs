// The comparison page (www/compare.html) in a real browser: a draft plan of
// this test's own (created and removed through psql as the owning role),
// built by carrying one measure over and adding a new one, is shown side
// by side with the seeded adopted plan; the page's rows and counts are the
// API's, it is reached from the index page, and it prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessStack, signIn, anonymous, BASE } from './accounts.mjs';
import { createPlan, removePlan } from './draft-plan.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

const TITLE = `（試験用）対照表の計画 ${process.pid}`;
let browser, draft, current, api;

before(async () => {
  const admin = await signIn('admin');
  draft = createPlan(TITLE);
  current = (await anonymous.get('/api/plans')).body.items.find((p) => p.state === 'adopted');
  const plan1 = (await anonymous.get(`/api/plans/${current.id}`)).body;
  const m = plan1.goals[0].measures[0];
  assert.equal((await admin.post(`/api/plans/${draft}/goals`, { number: 1, title: '目標１' })).status, 201);
  const copy = await admin.post(`/api/plans/${draft}/carry-over`, { measure_id: m.id });
  assert.equal(copy.status, 201, copy.text);
  const a = copy.body.activities[0];
  assert.equal((await admin.patch(`/api/activities/${a.id}`, { name: '<b>改称</b>した取組' },
    { headers: { 'If-Match': `"${a.version}"` } })).status, 200);
  const n = (await admin.post(`/api/plans/${draft}/measures`, { code: '1-9-①', name: '新しい施策' })).body;
  await admin.post(`/api/measures/${n.id}/activities`, { name: '新しい取組' });
  api = (await anonymous.get(`/api/plans/${draft}/comparison?with=${current.id}`)).body;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (draft) removePlan(draft);
});

const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });

test('the index page links to the comparison; the page shows the API\'s rows and counts in Japanese', async () => {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE}/index.html`);
  assert.equal(await page.getAttribute('#nav-compare', 'href'), 'compare.html');
  assert.equal((await page.textContent('#nav-compare')).trim(), '新旧計画の対照');

  await page.goto(`${BASE}/compare.html?plan=${draft}&with=${current.id}`);
  await ready(page);
  const got = await page.evaluate(() => ({
    title: document.querySelector('#title').textContent,
    counts: Object.fromEntries([...document.querySelectorAll('#counts-body tr')].map((tr) => [tr.dataset.kind,
      Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.status, Number(td.textContent)]))])),
    rows: [...document.querySelectorAll('#rows-body tr')].map((tr) => ({
      kind: tr.dataset.kind, status: tr.dataset.status,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    })),
    bold: document.querySelectorAll('#rows-body b').length,
    csv: document.querySelector('#dl-csv').getAttribute('href'),
  }));
  assert.match(got.title, new RegExp(TITLE.replace(/[()（）]/g, '.')));
  assert.deepEqual(got.counts, api.counts);
  assert.deepEqual(got.counts.measure, { continued: 1, renamed: 0, new: 1, ended: api.counts.measure.ended });
  assert.equal(got.rows.length, api.rows.length);
  got.rows.forEach((r, i) => {
    const x = api.rows[i];
    assert.deepEqual([r.kind, r.status], [x.kind, x.status], `row ${i + 1}`);
    assert.deepEqual(r.cells, [x.current?.code ?? '', x.current?.name ?? '', x.current?.departments ?? '',
      x.label, x.draft?.code ?? '', x.draft?.name ?? '', x.draft?.departments ?? ''], `row ${i + 1}`);
  });
  const labels = new Set(got.rows.map((r) => r.cells[3]));
  for (const l of ['継続', '名称変更', '新規', '終了']) assert.ok(labels.has(l), `a ${l} row`);
  assert.ok(got.rows.some((r) => r.cells[5] === '<b>改称</b>した取組'), 'markup shows as text');
  assert.equal(got.bold, 0, 'no markup from the data');
  assert.equal(got.csv, `/api/plans/${draft}/comparison.csv?with=${current.id}`);
  const csv = await page.evaluate(async (href) => (await fetch(href)).status, got.csv);
  assert.equal(csv, 200, 'the CSV link answers');

  // In print: the toolbar is gone and the table's header repeats.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isHidden('#toolbar'), true, 'no toolbar in print');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#rows thead')).display),
    'table-header-group');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown plan is said in Japanese, without a broken page', async () => {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = collectErrors(page, [404]);
  await page.goto(`${BASE}/compare.html?plan=999999`);
  await ready(page);
  assert.equal(await page.isVisible('#error'), true);
  assert.equal((await page.textContent('#error')).trim(), '比較する計画が見つかりません。');
  assert.equal(await page.locator('#rows-body tr').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

// The public input page (www/publiccomment.html) in Debian's chromium
// through nginx: the result table and its tallies as the API gives them,
// the page in print (print CSS, a PDF), an admin adding and removing a row
// through the form, and the link from the portal's timeline. Works on the
// seeded draft plan; what it creates is removed afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessStack, signIn, anonymous, sql } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

const BASE = process.env.SHINCHOKU_TEST_URL.replace(/\/$/, '');
const DRAFT = '（仮称）中野区ＤＸ推進計画';
let browser, admin, plan, saved, session;

async function put(path, body, version) {
  const r = await fetch(BASE + path, {
    method: 'PUT', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'If-Match': `"${version}"` },
  });
  assert.equal(r.status, 200, await r.text());
}

before(async () => {
  plan = (await anonymous.get('/api/plans')).body.items.find((p) => p.title === DRAFT).id;
  saved = sql(`SELECT row_to_json(c)::text FROM public_comment c WHERE plan_id = ${plan}`);
  admin = await signIn('admin');
  const v = (await anonymous.get(`/api/plans/${plan}/public-comment`)).body.version;
  await put(`/api/plans/${plan}/public-comment`, { starts_on: '2026-02-02', ends_on: '2026-03-03', submitters: 7, opinions: 9 }, v);
  const rows = [
    { topic: '計画全体', summary: '<b>太字</b>ではなく文字のまま', outcome: 'reflected', count: 2, answer: '追記します。' },
    { topic: '目標1', summary: '窓口のオンライン化', outcome: 'partly', count: 3 },
    { topic: '計画全体', summary: '計画期間', outcome: 'not_reflected', count: 4 },
  ];
  for (const r of rows) assert.equal((await admin.post(`/api/plans/${plan}/public-comment/opinions`, r)).status, 201);
  session = (await admin.post(`/api/plans/${plan}/exchange-sessions`,
    { title: '区民意見交換会', held_on: '2025-11-15', place: '中野区役所', participants: 25 })).body;
  assert.equal((await admin.post(`/api/exchange-sessions/${session.id}/opinions`,
    { topic: '目標2', summary: 'スマホ教室を増やして', outcome: 'partly' })).status, 201);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  sql(`DELETE FROM opinion WHERE plan_id = ${plan}; DELETE FROM exchange_session WHERE plan_id = ${plan};
    UPDATE public_comment c SET starts_on = s.starts_on, ends_on = s.ends_on, submitters = s.submitters,
      opinions = s.opinions, notes = s.notes, version = s.version, updated_at = s.updated_at
    FROM json_populate_record(NULL::public_comment, '${saved.replaceAll("'", "''")}') s WHERE c.plan_id = ${plan}`);
});

async function open(path, { signedIn = false } = {}) {
  const context = await browser.newContext(contextOptions);
  if (signedIn) {
    const [name, value] = admin.cookie.split('=');
    await context.addCookies([{ name, value, url: BASE }]);
    await context.addInitScript(() => localStorage.setItem('shinchoku.signedIn', '1'));
  }
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { context, page, errors };
}

const scrape = (page) => page.evaluate(() => {
  const qa = (s, r = document) => [...r.querySelectorAll(s)];
  const t = (e) => (e ? e.textContent : null);
  const tally = (root, kind) => qa(`table[data-tally="${kind}"] tbody tr`, root).map((tr) => [
    t(tr.querySelector('th')), ...qa('td', tr).map((td) => `${td.dataset.key}=${td.textContent}`)]);
  const pc = document.querySelector('#pc-table-wrap');
  return {
    title: t(document.querySelector('#pc-title')),
    period: t(document.querySelector('#pc-period')),
    counts: t(document.querySelector('#pc-counts')),
    rows: qa('tbody tr', pc).map((tr) => ({
      number: t(tr.querySelector('.c-no')), topic: t(tr.querySelector('.c-topic')),
      summary: t(tr.querySelector('.c-summary')), count: t(tr.querySelector('.c-count')),
      answer: t(tr.querySelector('.c-answer')), outcome: t(tr.querySelector('.c-outcome')),
    })),
    bold: pc.querySelectorAll('b').length,
    topics: tally(document.querySelector('#pc-tally'), 'topic'),
    outcomes: tally(document.querySelector('#pc-tally'), 'outcome'),
    sessions: qa('#xs-list section').map((s) => ({
      title: t(s.querySelector('h2')), facts: t(s.querySelector('dl')),
      rows: qa('.opinion-table tbody tr', s).map((tr) => t(tr.querySelector('.c-summary'))),
    })),
    csv: document.querySelector('#dl-csv').getAttribute('href'),
    forms: qa('form.editor').filter((f) => !f.hidden).length,
  };
});

test('the page shows the result table and the tallies the API computes, as text', async () => {
  const { context, page, errors } = await open(`/publiccomment.html?plan=${plan}`);
  const s = await scrape(page);
  const api = (await anonymous.get(`/api/plans/${plan}/public-comment/opinions`)).body;
  assert.equal(s.title, `「${DRAFT}」に関するパブリック・コメント手続の実施結果`);
  assert.match(s.period, /2026年2月2日（月）から2026年3月3日（火）まで/);
  assert.match(s.counts, /意見提出者数：7人　意見数：9件/);
  assert.deepEqual(s.rows, api.items.map((o) => ({
    number: String(o.number), topic: o.topic, summary: o.summary, count: String(o.count), answer: o.answer, outcome: o.outcome_label,
  })));
  assert.equal(s.rows[0].summary, '<b>太字</b>ではなく文字のまま');
  assert.equal(s.bold, 0, 'markup in the data stays text');
  assert.deepEqual(s.topics, [
    ['計画全体', 'opinions=6', 'reflected=2', 'partly=0', 'not_reflected=4'],
    ['目標1', 'opinions=3', 'reflected=0', 'partly=3', 'not_reflected=0'],
  ]);
  assert.deepEqual(s.outcomes, [
    ['反映', 'groups=1', 'opinions=2'], ['一部反映', 'groups=1', 'opinions=3'], ['反映なし', 'groups=1', 'opinions=4'],
  ]);
  assert.deepEqual(s.sessions, [{ title: '1　区民意見交換会', facts: '開催日2025年11月15日（土）会場中野区役所参加者数25人', rows: ['スマホ教室を増やして'] }]);
  assert.equal(s.csv, `/api/plans/${plan}/public-comment.csv`);
  assert.equal(s.forms, 0, 'no forms for a visitor');
  assert.deepEqual(errors, []);
  await context.close();
});

test('in print: the toolbar goes, the table stays, and a PDF is made', async () => {
  const { context, page, errors } = await open(`/publiccomment.html?plan=${plan}`);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#toolbar').isVisible(), false);
  assert.equal(await page.locator('#pc-table-wrap table.opinion-table').isVisible(), true);
  assert.equal(await page.locator('#pc-tally table[data-tally="topic"]').isVisible(), true);
  assert.equal(await page.locator('#xs-list .opinion-table').isVisible(), true);
  const rowsShown = await page.locator('#pc-table-wrap tbody tr').count();
  assert.equal(rowsShown, 3);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 10000, `a PDF of ${pdf.length} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an admin adds a row through the form, the tallies follow, and removes it again', async () => {
  const { context, page, errors } = await open(`/publiccomment.html?plan=${plan}`, { signedIn: true });
  assert.equal((await scrape(page)).forms, 3);
  await page.fill('#op-topic', '目標2');
  await page.fill('#op-summary', 'フォームから追加した意見');
  await page.selectOption('#op-outcome', 'reflected');
  await page.fill('#op-count', '5');
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/plans/${plan}/public-comment/opinions`));
  const reloaded = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/api/plans/${plan}/public-comment/opinions`));
  await page.click('#op-save');
  assert.equal((await posted).status(), 201);
  await reloaded;
  await page.waitForSelector('body[data-ready="true"]');
  let s = await scrape(page);
  assert.equal(s.rows.length, 4);
  assert.deepEqual(s.rows[3], { number: '4', topic: '目標2', summary: 'フォームから追加した意見', count: '5', answer: '', outcome: '反映' });
  assert.deepEqual(s.topics[2], ['目標2', 'opinions=5', 'reflected=5', 'partly=0', 'not_reflected=0']);
  assert.deepEqual(s.outcomes[0], ['反映', 'groups=2', 'opinions=7']);

  page.on('dialog', (d) => d.accept());
  const removed = page.waitForResponse((r) => r.request().method() === 'DELETE');
  const again = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/api/plans/${plan}/public-comment/opinions`));
  await page.locator('#pc-table-wrap tbody tr[data-number="4"] button.button-danger').click();
  assert.equal((await removed).status(), 200);
  await again;
  await page.waitForSelector('body[data-ready="true"]');
  s = await scrape(page);
  assert.equal(s.rows.length, 3);
  assert.equal(s.topics.length, 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the portal links the page from the timeline', async () => {
  const { context, page } = await open('/index.html');
  const link = page.locator('#timeline-section a[href="publiccomment.html"]');
  assert.equal(await link.count(), 1);
  assert.match(await link.textContent(), /パブリック・コメント/);
  await context.close();
});

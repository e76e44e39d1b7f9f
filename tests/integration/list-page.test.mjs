// The portal's activity list read as a user reads it: pages of 50 with the
// total, columns sorted by their heading buttons (aria-sort), and a
// search's matches in <mark>. Read-only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, skipUnlessStack, anonymous, sql } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function open(path) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { context, page, errors };
}

const names = (page) => page.$$eval('#activities-body .c-name', (x) => x.map((t) => t.textContent));
const ids = (page) => page.$$eval('#activities-body tr', (x) => x.map((t) => Number(t.dataset.activityId)));

test('the list: pages of 50 with the total, numbered page buttons, a size choice', { timeout: 30000 }, async () => {
  const { context, page, errors } = await open('/');
  try {
    const all = (await anonymous.get('/api/activities?limit=500')).body.items.map((a) => a.id);
    assert.equal(all.length, 105);
    assert.deepEqual(await ids(page), all.slice(0, 50));
    assert.equal(await page.textContent('#count'), '105件');
    assert.equal(await page.textContent('#page-info'), '105件中 1〜50件目（1／3ページ）');
    assert.equal(await page.isDisabled('#page-prev'), true);
    assert.equal(await page.getAttribute('#page-buttons button:nth-child(1)', 'aria-current'), 'page');

    await page.click('#page-next');
    assert.deepEqual(await ids(page), all.slice(50, 100));
    await page.click('#page-buttons button:nth-child(3)');
    assert.deepEqual(await ids(page), all.slice(100));
    assert.equal(await page.textContent('#page-info'), '105件中 101〜105件目（3／3ページ）');
    assert.equal(await page.isDisabled('#page-next'), true);

    await page.selectOption('#page-size', '20');
    assert.equal(await page.textContent('#page-info'), '105件中 1〜20件目（1／6ページ）');
    assert.match(page.url(), /per=20/);
    await page.selectOption('#page-size', 'all');
    assert.equal((await ids(page)).length, 105);
    assert.equal(await page.$$eval('#page-buttons button', (x) => x.length), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('sorting: a heading button orders the whole list, aria-sort says how; again reverses it', { timeout: 30000 }, async () => {
  const { context, page, errors } = await open('/?per=all');
  try {
    const api = (await anonymous.get('/api/activities?limit=500')).body.items;
    const code = page.locator('#activities th[data-sort="code"]');
    const name = page.locator('#activities th[data-sort="name"]');
    assert.equal(await code.getAttribute('aria-sort'), 'ascending');
    assert.equal(await name.getAttribute('aria-sort'), null);

    await name.locator('button').click();
    const byName = api.map((a) => a.name).sort(new Intl.Collator('ja').compare);
    assert.deepEqual(await names(page), byName);
    assert.equal(await name.getAttribute('aria-sort'), 'ascending');
    assert.equal(await code.getAttribute('aria-sort'), null);
    assert.match(page.url(), /sort=name\.asc/);

    await name.locator('button').click();
    assert.equal(await name.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await names(page), [...byName].reverse());

    // By status: △ (delayed) after every ○, in the statuses' order.
    await page.locator('#activities th[data-sort="status"] button').click();
    const statuses = await page.$$eval('#activities-body tr', (x) => x.map((t) => t.dataset.status));
    const order = sql('SELECT string_agg(key, \',\' ORDER BY position) FROM progress_status').split(',');
    const rank = statuses.map((s) => order.indexOf(s));
    assert.deepEqual(rank, [...rank].sort((a, b) => a - b));
    assert.equal(statuses.filter((s) => s === 'delayed').length, 3);

    // Reloaded from its address, the list keeps the order.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.getAttribute('#activities th[data-sort="status"]', 'aria-sort'), 'ascending');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a search marks its matches, width-insensitive: ＡＩ marks AI and ＡＩ', { timeout: 30000 }, async () => {
  const { context, page, errors } = await open('/?q=%EF%BC%A1%EF%BC%A9');
  try {
    const api = (await anonymous.get('/api/activities?limit=500&q=%EF%BC%A1%EF%BC%A9')).body;
    assert.ok(api.total > 0);
    assert.equal(await page.textContent('#count'), `${api.total}件`);
    const marks = await page.$$eval('#activities-body mark', (x) => x.map((m) => m.textContent));
    assert.ok(marks.length >= api.total, `${marks.length} marks for ${api.total} rows`);
    for (const m of marks) assert.match(m, /^(AI|ＡＩ|ai)$/i);
    // Every row shows at least one match: the search found it for a reason.
    const unmarked = await page.$$eval('#activities-body tr', (x) => x.filter((t) => !t.querySelector('mark')).length);
    assert.equal(unmarked, 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// The server's search folds kana (app_fold, sql/012).
test('きゃっしゅれす finds キャッシュレス and marks it', {
  timeout: 30000,
}, async () => {
  const { context, page, errors } = await open(`/?q=${encodeURIComponent('きゃっしゅれす')}`);
  try {
    const marks = await page.$$eval('#activities-body mark', (x) => x.map((m) => m.textContent));
    assert.ok(marks.length > 0);
    for (const m of marks) assert.equal(m, 'キャッシュレス');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

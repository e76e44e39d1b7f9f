// The report page tells the truth, at 1366×768: a year never opened has no
// report (and none is printed); a section whose data could not be read
// says so with a retry (never 「この計画には成果指標がありません。」 during a
// 503); a closed round's report says 確定版 and when, an edit after the
// closing says the 確定版 stays as it is, and admins see the differences.
// Every wait is for the server's answer or what the page shows after it.
// A failing test leaves a screenshot (its path is in the error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, skipUnlessStack, signIn, activitiesOf, year, restoreTexts, sql } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions, signInThroughPage } from './chromium.mjs';

skipUnlessStack();

const SHOTS = join(process.env.SHINCHOKU_TEST_STATE || tmpdir(), 'screenshots');
let browser;

before(async () => { browser = await launchChromium(); });
after(async () => {
  await browser?.close();
  // The snapshot is immutable by design; only the owner, disabling the
  // guard on purpose, takes the test's round away again (as rounds.test.mjs).
  sql(`BEGIN; ALTER TABLE report_snapshot DISABLE TRIGGER immutable;
       DELETE FROM report_snapshot WHERE fiscal_year = 2024;
       ALTER TABLE report_snapshot ENABLE TRIGGER immutable;
       DELETE FROM reporting_round WHERE fiscal_year = 2024; COMMIT;`);
});

async function withPage(name, body, { routes } = {}) {
  const context = await browser.newContext({ ...contextOptions, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = collectErrors(page, [503]);
  if (routes) await routes(page);
  try {
    await body(page, errors);
  } catch (e) {
    mkdirSync(SHOTS, { recursive: true });
    const file = join(SHOTS, `truth-report-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    e.message += ` (screenshot: ${file})`;
    throw e;
  } finally {
    await context.close();
  }
}

const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

test('a year not opened: report.html?fy=2030 says there is no report, and offers only opened years', { timeout: 60000 }, async () => {
  await withPage('no-report', async (page, errors) => {
    await page.goto(`${BASE}/report.html?fy=2030`);
    await ready(page);
    assert.match(await page.textContent('#no-report'), /令和12年度の報告はありません。この年度はまだ開始されていません。/);
    assert.equal(await page.isHidden('#report'), true, 'no empty report is printed');
    await page.waitForSelector('#fy:not([disabled])');
    const years = await page.$$eval('#fy option', (os) => os.map((o) => o.value));
    assert.deepEqual(years.filter((y) => y !== '2030'), ['2024', '2023'], years.join());
    assert.deepEqual(errors, []);
  });
});

test('the API down: each section says it could not be read, with a retry; never "no indicators"', { timeout: 60000 }, async () => {
  let down = true;
  await withPage('down', async (page) => {
    await page.goto(`${BASE}/report.html?fy=2024`);
    await ready(page);
    for (const id of ['#s-summary', '#s-indicators', '#s-schedule', '#s-appendix']) {
      assert.equal(await page.locator(`${id} .panel-failed`).count(), 1, id);
    }
    assert.doesNotMatch(await page.textContent('#report'), /成果指標がありません|記録はありません/);
    down = false;
    const answered = page.waitForResponse((r) => r.url().includes('/api/reports/2024/appendix') && r.status() === 200);
    await page.locator('#s-indicators .panel-failed button').click();
    await answered;
    await ready(page);
    assert.equal(await page.locator('#report .panel-failed').count(), 0);
    assert.ok(await page.locator('#appendix tbody tr.activity').count() > 100);
    assert.ok(await page.locator('#indicators table').count() > 0);
  }, {
    routes: (page) => page.route(/\/api\/(plans|reports\/2024\/(summary|appendix))/, (route) => (down
      ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' })
      : route.continue())),
  });
});

test('a closed round: 確定版 and its closing day; an edit after it says the 確定版 stays; admins see the differences', { timeout: 120000 }, async () => {
  const admin = await signIn('admin');
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  const round = await admin.post('/api/rounds', { fiscal_year: 2024, due_date: yesterday });
  assert.equal(round.status, 201, round.text);
  const closed = await admin.post(`/api/rounds/${round.body.id}/closure`, {}, { headers: { 'If-Match': `"${round.body.version}"` } });
  assert.equal(closed.status, 200, closed.text);
  const target = (await activitiesOf('戸籍住民課'))[0];
  const original = await year(target.id);
  const changed = `${original.result}（確定後の追記）`;
  try {
    await withPage('closed', async (page, errors) => {
      // The edit after the closing, as staff of the department.
      await page.goto(BASE);
      await ready(page);
      await signInThroughPage(page, 'koseki-staff');
      await page.waitForSelector('#activities-body tr .row-actions');
      await page.locator(`#activities-body tr[data-activity-id="${target.id}"] button[data-action="edit"]`).click();
      await page.waitForSelector('#edit-dialog[open]');
      assert.match(await page.textContent('#edit-frozen'), /照会は令和\d+年\d+月\d+日に締め切られ|照会は\d+年\d+月\d+日に締め切られ/);
      assert.match(await page.textContent('#edit-frozen'), /確定版の報告書は変わりません/);
      await page.fill('#edit-result', changed);
      const saved = page.waitForResponse((r) => r.request().method() === 'PATCH');
      await page.click('#edit-save');
      assert.equal((await saved).status(), 200);
      await page.waitForSelector('#notice:not([hidden])');
      assert.match(await page.textContent('#notice'), /確定版の報告書は変わりません/);
      assert.deepEqual(errors, []);
    });

    // Anyone: 確定版 and when; no differences.
    await withPage('closed-anonymous', async (page) => {
      await page.goto(`${BASE}/report.html?fy=2024`);
      await ready(page);
      assert.match(await page.textContent('#report-state'), /^確定版（令和\d+年\d+月\d+日に照会を締め切った時点の内容）$/);
      assert.equal(await page.isHidden('#s-differences'), true);
      assert.doesNotMatch(await page.textContent('#appendix'), /確定後の追記/, 'the report is the snapshot');
    });

    // An admin: the differences, the changed cell among them.
    await withPage('closed-admin', async (page, errors) => {
      await page.goto(BASE);
      await ready(page);
      await signInThroughPage(page, 'admin');
      const diffs = page.waitForResponse((r) => r.url().includes('/api/reports/2024/differences'));
      await page.goto(`${BASE}/report.html?fy=2024`);
      assert.equal((await diffs).status(), 200);
      await ready(page);
      assert.equal(await page.isVisible('#s-differences'), true);
      const row = page.locator('#differences-body tr[data-column="result"]').filter({ hasText: '確定後の追記' });
      assert.equal(await row.count(), 1);
      assert.match(await row.textContent(), /取組結果/);
      assert.deepEqual(errors, []);
    });
  } finally {
    await restoreTexts(target.id, original);
  }
});

test('admin panels: the API down says so in each panel, with a retry that reads it again', { timeout: 90000 }, async () => {
  let down = true;
  await withPage('admin-down', async (page) => {
    await page.goto(BASE);
    await ready(page);
    await signInThroughPage(page, 'admin');
    await page.goto(`${BASE}/admin.html`);
    await ready(page);
    for (const id of ['#rounds-section', '#years-section', '#users-section']) {
      await page.waitForSelector(`${id} .panel-failed`);
      assert.match(await page.textContent(`${id} .panel-failed`), /読み込めませんでした/);
    }
    assert.equal(await page.isHidden('#rounds-empty'), true, 'not "no round yet"');
    down = false;
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/users') && r.status() === 200);
    await page.locator('#users-section .panel-failed button').click();
    await answered;
    await page.waitForSelector('#users-body tr');
    assert.equal(await page.locator('#users-section .panel-failed').count(), 0);
    assert.equal(await page.locator('#rounds-section .panel-failed').count(), 1, 'the others wait for their own retry');
  }, {
    routes: (page) => page.route(/\/api\/(users|rounds|fiscal-years)$/, (route) => (down && page.url().includes('admin.html')
      ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"db_unavailable","message":"down"}}' })
      : route.continue())),
  });
});

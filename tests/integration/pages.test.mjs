// The activity page, the dashboard and "my department first" in a real
// browser at 1366×768, for each role: signed out, the dashboard sends the
// visitor to sign in and comes back; its charts are drawn and the table
// beside each holds the API's numbers (the seed's 102 ○ and 3 △ of FY2024);
// "my work" lists the department's records still to update in the round
// (staff) and the requests waiting for a decision (managers, admins). The
// activity page shows the seed's values for a known activity, and, after
// an edit, the change as before → after with the changed characters
// marked, and the request with the decider and the comment. On the
// portal, staff and managers get their department's activities first and
// see all with one click. A failed test leaves a screenshot in
// build/test-screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { skipUnlessStack, signIn, anonymous, sql, activitiesOf, year, BASE, PASSWORD } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions, landingDefault, signInThroughPage } from './chromium.mjs';

skipUnlessStack();

const SHOTS = `${process.env.SHINCHOKU_SOURCE_DIR || '.'}/build/test-screenshots`;
const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
let browser, round, request, koseki, target, original;

before(async () => {
  assert.equal(sql('SELECT count(*) FROM reporting_round WHERE fiscal_year = 2024'), '0',
    'a FY2024 round is left from elsewhere; this test opens its own');
  const admin = await signIn('admin');
  const r = await admin.post('/api/rounds', { fiscal_year: 2024, due_date: yesterday });
  assert.equal(r.status, 201, r.text);
  round = r.body;
  koseki = await activitiesOf('戸籍住民課');
  target = koseki.find((a) => a.status === 'on_schedule');
  original = await year(target.id);
  const staff = await signIn('koseki-staff');
  const p = await staff.post(`/api/activities/${target.id}/years/2024/status-requests`,
    { status: 'delayed', reason: '試験のための申請（ページの試験）' });
  assert.equal(p.status, 201, p.text);
  request = p.body;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  const staff = await signIn('koseki-staff');
  if (request) await staff.post(`/api/status-requests/${request.id}/withdrawal`, {});
  if (original) {
    const now = await year(target.id);
    if (now.result !== original.result) {
      await staff.patch(`/api/activities/${target.id}/years/2024`, { result: original.result },
        { headers: { 'If-Match': `"${now.version}"` } });
    }
  }
  sql('DELETE FROM reporting_round WHERE fiscal_year = 2024');
});

// A page at 1366×768 for fn; a screenshot when fn fails; no console error
// (but the HTTP statuses in allow, which the page answers itself).
async function withPage(name, fn, allow = [], options = contextOptions) {
  const context = await browser.newContext({ ...options, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = collectErrors(page, allow);
  try {
    await fn(page);
    assert.deepEqual(errors, []);
  } catch (err) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/pages-${name}.png`, fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}

const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

// Signed out, `path` sends the visitor to the portal's sign-in, which comes
// back to it once signed in.
async function signInVia(page, path, login) {
  await page.goto(`${BASE}/index.html?next=${encodeURIComponent(path)}`);
  await page.waitForSelector('#signin-dialog[open]');
  await page.fill('#login-id', login);
  await page.fill('#login-password', PASSWORD);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST'),
    page.click('#signin-submit')]);
  assert.equal(answer.status(), 200);
  await page.waitForURL((u) => u.pathname.endsWith(`/${path.split('?')[0]}`));
  await ready(page);
}

// The rows of a count table: { label: { status: n } }.
const tableCounts = (page, sel) => page.$$eval(`${sel} tbody tr`, (rows) => Object.fromEntries(rows.map((tr) =>
  [tr.querySelector('th').textContent, Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.status, Number(td.textContent)]))])));

test('API: the dashboard counts as the summary does; history and requests for signed-in users only', async () => {
  const summary = (await anonymous.get('/api/reports/2024/summary')).body;
  const d = (await anonymous.get('/api/dashboard?fy=2024')).body;
  assert.equal(d.fiscal_year, 2024);
  assert.equal(d.era, '令和6年度');
  const y = d.years.find((x) => x.fiscal_year === 2024);
  assert.deepEqual(y.counts.map((c) => [c.status, c.count]), summary.counts.map((c) => [c.status, c.count]));
  assert.equal(y.total, summary.total);
  assert.equal(d.goals.reduce((n, g) => n + g.total, 0), summary.total);
  assert.equal(d.departments.find((x) => x.name === '戸籍住民課').total, koseki.length);
  assert.equal((await anonymous.get('/api/dashboard')).body.fiscal_year, 2024, 'the latest year by default');
  assert.equal((await anonymous.get('/api/dashboard?fy=1999')).status, 400);

  assert.equal((await anonymous.get(`/api/activities/${target.id}/history`)).status, 401);
  assert.equal((await anonymous.get(`/api/activities/${target.id}/status-requests`)).status, 401);
  const viewer = await signIn('viewer');
  const h = await viewer.get(`/api/activities/${target.id}/history?limit=2`);
  assert.equal(h.status, 200, h.text);
  assert.equal(h.body.items.length, 2);
  assert.ok(h.body.total >= 3, 'the activity, its years and the request at least');
  assert.equal(h.body.items[0].entity, 'status_request', 'newest first: the test\'s request');
  const rq = await viewer.get(`/api/activities/${target.id}/status-requests`);
  assert.equal(rq.status, 200, rq.text);
  assert.equal(rq.body.items[0].id, request.id);
  assert.equal(rq.body.items[0].can_decide, false);
  assert.equal((await viewer.get('/api/activities/999999/history')).status, 404);
  assert.equal((await viewer.get('/api/activities/999999/status-requests')).status, 404);
});

test('dashboard: signed out, it sends the visitor to sign in and comes back', async () => {
  await withPage('signed-out', async (page) => {
    await page.goto(`${BASE}/dashboard.html`);
    await page.waitForURL((u) => u.pathname.endsWith('/index.html') && u.searchParams.get('next') === 'dashboard.html');
    await page.waitForSelector('#signin-dialog[open]');
    assert.equal(await page.isVisible('#login-id'), true);
  });
});

for (const [login, role] of [['koseki-staff', 'staff'], ['koseki-manager', 'manager'], ['admin', 'admin']]) {
  test(`dashboard as ${role}: charts with the API's numbers beside them, the round, my work`, { timeout: 60000 }, async () => {
    const summary = (await anonymous.get('/api/reports/2024/summary')).body;
    const indicators = (await anonymous.get('/api/indicators?plan=1')).body.items;
    await withPage(`dashboard-${role}`, async (page) => {
      await signInVia(page, 'dashboard.html', login);
      assert.equal(await page.getAttribute('body', 'data-role'), role);
      // Every chart is drawn by chart.js on its canvas.
      const drawn = await page.$$eval('canvas', (cs) => cs.map((c) => Boolean(window.Chart.getChart(c))));
      assert.equal(drawn.length, 4 + indicators.length);
      assert.ok(drawn.every(Boolean), 'every canvas has its chart');

      const years = await tableCounts(page, '#table-years');
      const want = Object.fromEntries(summary.counts.map((c) => [c.status, c.count]));
      for (const [k, n] of Object.entries(want)) assert.equal(years['令和6年度'][k], n, k);
      assert.equal(years['令和6年度'].total, summary.total);
      assert.equal(years['令和6年度'].on_schedule, 102);
      assert.equal(years['令和6年度'].delayed, 3);
      const goals = Object.values(await tableCounts(page, '#table-goals'));
      assert.equal(goals.reduce((s, g) => s + g.total, 0), summary.total);
      const depts = await tableCounts(page, '#table-departments');
      assert.equal(depts['戸籍住民課'].total, koseki.length);

      // Each indicator: a table of its actuals and targets as reported.
      const first = indicators[0];
      const cells = await page.$$eval(`.indicator[data-indicator-id="${first.id}"] tbody tr`, (rows) =>
        rows.map((tr) => [Number(tr.dataset.fy), tr.querySelector('[data-kind="actual"]').textContent,
          tr.querySelector('[data-kind="target"]').textContent]));
      for (const v of first.values) {
        const row = cells.find((c) => c[0] === v.fiscal_year);
        assert.equal(row[v.kind === 'actual' ? 1 : 2], v.text);
      }

      // The open round, overdue, per department.
      const line = await page.textContent('#round-line');
      assert.match(line, /令和6年度の照会：期限 .*期限を過ぎています/);
      const kosekiRound = round.departments.find((d) => d.name === '戸籍住民課');
      assert.equal(await page.textContent(`#table-round tr[data-department-id="${kosekiRound.id}"] [data-col="remaining"]`),
        String(kosekiRound.remaining));

      if (role === 'staff') {
        const listed = await page.$$eval('#work-updates-list li', (li) => li.map((x) => Number(x.dataset.activityId)));
        assert.deepEqual(listed.sort((a, b) => a - b), koseki.map((a) => a.id).sort((a, b) => a - b));
        assert.equal(await page.isHidden('#work-requests'), true);
      } else {
        const ids = await page.$$eval('#work-requests-list li', (li) => li.map((x) => Number(x.dataset.requestId)));
        assert.ok(ids.includes(request.id), `the request ${request.id} waits for ${login}`);
        assert.equal(await page.getAttribute(`#work-requests-list li[data-request-id="${request.id}"] a`, 'href'),
          `activity.html?id=${target.id}`);
      }
    });
  });
}

test('sign-in: the dashboard is the first screen; unchecked there, the list is', { timeout: 60000 }, async () => {
  await withPage('landing', async (page) => {
    await page.goto(`${BASE}/index.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await signInThroughPage(page, 'koseki-staff');
    await page.waitForURL((u) => u.pathname.endsWith('/dashboard.html'));
    await ready(page);
    assert.equal(await page.isChecked('#landing-dashboard'), true);
    await page.uncheck('#landing-dashboard');
    const [out] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'DELETE'),
      page.click('#signout')]);
    assert.equal(out.status(), 200);
    await page.waitForURL((u) => u.pathname.endsWith('/index.html'));
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await signInThroughPage(page, 'koseki-staff');
    // The list (with the department first: ?department= may follow).
    assert.equal(new URL(page.url()).pathname, '/index.html');
    // And back: checked again, the dashboard comes first again.
    await page.goto(`${BASE}/dashboard.html`);
    await ready(page);
    assert.equal(await page.isChecked('#landing-dashboard'), false);
    await page.check('#landing-dashboard');
    assert.equal(await page.evaluate(() => localStorage.getItem('shinchoku.landing')), null);
  }, [], landingDefault);
});

test('activity page: the seed\'s values, re-listings, every year side by side; history and requests need a sign-in', async () => {
  const api = (await anonymous.get('/api/activities/8')).body; // ペーパーレスの推進, re-listed as 2-1-①
  await withPage('activity-seed', async (page) => {
    await page.goto(`${BASE}/activity.html?id=8`);
    await ready(page);
    assert.equal(await page.textContent('#activity-name'), api.name);
    assert.equal(await page.textContent('#activity-code'), api.measure.code);
    assert.equal(await page.textContent('#departments'), api.departments.map((d) => d.name).join('、'));
    assert.match(await page.textContent('#relistings'), /2-1-①/);
    const heads = await page.$$eval('#years-head th[data-fy]', (th) => th.map((x) => x.textContent));
    assert.deepEqual(heads, ['令和5年度', '令和6年度']);
    const y24 = api.years.find((y) => y.fiscal_year === 2024);
    const cells = await page.$$eval('#years-body tr', (rows) => rows.map((tr) =>
      [tr.querySelector('th').textContent, tr.querySelector('td[data-fy="2024"]').textContent]));
    assert.equal(cells[0][1], `${y24.status_mark}予定どおり`);
    assert.equal(cells[2][1], y24.result);
    assert.equal(await page.isVisible('#history-signin'), true);
    assert.equal(await page.isVisible('#requests-signin'), true);
  });
  await withPage('activity-missing', async (page) => {
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/activities/999999')),
      page.goto(`${BASE}/activity.html?id=999999`)]);
    assert.equal(answer.status(), 404);
    await ready(page);
    assert.equal(await page.isVisible('#not-found'), true);
  }, [404]);
});

test('activity page: an edit shows before → after with the change marked; the request names requester, decider, comment', { timeout: 60000 }, async () => {
  const staff = await signIn('koseki-staff');
  const manager = await signIn('koseki-manager');
  const now = await year(target.id);
  const edited = `${original.result}（追記あり）`;
  const r = await staff.patch(`/api/activities/${target.id}/years/2024`, { result: edited },
    { headers: { 'If-Match': `"${now.version}"` } });
  assert.equal(r.status, 200, r.text);
  const d = await manager.post(`/api/status-requests/${request.id}/decision`, { decision: 'reject', comment: '今回は見送り（試験）' });
  assert.equal(d.status, 200, d.text);
  request = null;

  await withPage('activity-history', async (page) => {
    await signInVia(page, `activity.html?id=${target.id}`, 'viewer');
    const first = page.locator('#history li.change').first();
    assert.equal(await first.getAttribute('data-entity'), 'status_request');
    const edit = page.locator('#history li.change[data-entity="activity_year"][data-action="update"]').first();
    assert.match(await edit.locator('.change-who').textContent(), /戸籍住民課/);
    assert.match(await edit.locator('.change-what').textContent(), /令和6年度の記録を変更/);
    assert.equal(await edit.locator('dd[data-field="result"] .after ins').textContent(), '（追記あり）');
    assert.equal(await edit.locator('dd[data-field="result"] .before del').count(), 0);
    assert.equal(await edit.locator('dd[data-field="result"] .before').textContent(), `変更前：${original.result}`);

    const row = page.locator(`#requests-body tr[data-request-id="${d.body.id}"]`);
    assert.equal(await row.getAttribute('data-state'), 'rejected');
    assert.equal(await row.locator('.requester').textContent(), d.body.requested_by.display_name);
    assert.equal(await row.locator('.decider').textContent(), d.body.decided_by.display_name);
    assert.equal(await row.locator('.comment').textContent(), '今回は見送り（試験）');
    assert.equal(await row.locator('.state').textContent(), '却下');
  });
});

// The list's answer for the department filter (or without it).
const listAnswer = (page, department) => page.waitForResponse((r) => {
  const u = new URL(r.url());
  return u.pathname === '/api/activities' && u.searchParams.get('limit') !== '1'
    && (u.searchParams.get('department') || '') === department;
});

for (const [login, dept] of [['koseki-staff', '戸籍住民課'], ['sangyo-manager', '産業振興課']]) {
  test(`portal: ${login} sees ${dept} first, and all with one click`, { timeout: 60000 }, async () => {
    const d = (await anonymous.get('/api/departments')).body.items.find((x) => x.name === dept);
    const mine = await activitiesOf(dept);
    await withPage(`mine-${login}`, async (page) => {
      // per=all: the rows are counted, on one page (50 a page otherwise).
      await page.goto(`${BASE}/index.html?per=all`);
      await ready(page);
      await page.click('#signin-open');
      await page.fill('#login-id', login);
      await page.fill('#login-password', PASSWORD);
      const filtered = listAnswer(page, String(d.id));
      await page.click('#signin-submit');
      assert.equal((await filtered).status(), 200);
      await page.waitForFunction((n) => document.querySelectorAll('#activities-body tr').length === n
        && document.querySelector('#activities').getAttribute('aria-busy') === 'false', mine.length);
      assert.equal(await page.isVisible('#mine-note'), true);
      assert.equal(await page.textContent('#mine-dept'), dept);
      assert.equal(await page.inputValue('#f-department'), String(d.id));
      const href = await page.getAttribute(`#activities-body tr[data-activity-id="${mine[0].id}"] .c-name a`, 'href');
      assert.equal(href, `activity.html?id=${mine[0].id}`);

      const all = listAnswer(page, '');
      await page.click('#show-all');
      assert.equal((await all).status(), 200);
      await page.waitForFunction(() => document.querySelectorAll('#activities-body tr').length === 105
        && document.querySelector('#activities').getAttribute('aria-busy') === 'false');
      assert.equal(await page.isHidden('#mine-note'), true);
    });
  });
}

test('portal: admins see every activity; report rows link to the activity page', { timeout: 60000 }, async () => {
  await withPage('mine-admin', async (page) => {
    await page.goto(`${BASE}/index.html?per=all`);
    await ready(page);
    await page.click('#signin-open');
    await page.fill('#login-id', 'admin');
    await page.fill('#login-password', PASSWORD);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST'),
      page.click('#signin-submit')]);
    assert.equal(answer.status(), 200);
    await page.waitForSelector('#activities-body tr .row-actions');
    assert.equal(await page.locator('#activities-body tr').count(), 105);
    assert.equal(await page.isHidden('#mine-note'), true);
    assert.equal(await page.inputValue('#f-department'), '');

    await page.goto(`${BASE}/report.html?fy=2024`);
    await ready(page);
    const link = page.locator('tr.activity[data-activity-id="8"] .c-activity a').first();
    assert.equal(await link.getAttribute('href'), 'activity.html?id=8');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/activities/8')), link.click()]);
    await ready(page);
    assert.equal(await page.textContent('#activity-name'), 'ペーパーレスの推進');
  });
});

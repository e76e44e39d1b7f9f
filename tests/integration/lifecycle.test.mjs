// A plan's lifecycle, the read-only structure of an adopted plan, the
// milestone writes with If-Match, overdue computed by the database against
// today, and the Gantt in a browser. Dates are relative to today (in
// Asia/Tokyo, the database's time zone): the product has no fixed clock.
// Destructive steps run on a plan of the test's own, removed at the end;
// what is done to the seed's draft plan is undone (api.test.mjs and the
// report tests check the seed's milestones exactly).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BASE, skipUnlessStack, signIn, anonymous, sql } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

const TITLE = '検証用ライフサイクル計画';
let admin, staff, viewer, own, draft, seedMilestones;

// psql as the application role: the walls hold for a session that skips the API.
function appSql(query) {
  try {
    return { out: execFileSync('psql', [process.env.SHINCHOKU_TEST_DB, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
      '-v', 'VERBOSITY=verbose', '-c', query], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() };
  } catch (e) {
    return { err: String(e.stderr) };
  }
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
// The month k months from today's, YYYY-MM.
function month(k) {
  const [y, m] = today().split('-').map(Number);
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

const etag = (r) => r.headers.get('etag');
const steps = (id) => anonymous.get(`/api/plans/${id}/transitions`);
const take = (who, id, version, body) => who.post(`/api/plans/${id}/transitions`, body, { headers: { 'If-Match': `"${version}"` } });
const milestones = async (id) => (await anonymous.get(`/api/plans/${id}/milestones`)).body;

function removeOwn() {
  sql(`BEGIN;
    DELETE FROM milestone WHERE plan_id IN (SELECT id FROM plan WHERE title = '${TITLE}');
    DELETE FROM plan_transition WHERE plan_id IN (SELECT id FROM plan WHERE title = '${TITLE}');
    SET LOCAL app.structure_unlock = 'on';
    DELETE FROM goal WHERE plan_id IN (SELECT id FROM plan WHERE title = '${TITLE}');
    DELETE FROM plan WHERE title = '${TITLE}';
    COMMIT;`);
}

before(async () => {
  admin = await signIn('admin');
  staff = await signIn('koseki-staff');
  viewer = await signIn('viewer');
  removeOwn();
  own = Number(sql(`INSERT INTO plan (title) VALUES ('${TITLE}') RETURNING id`).split('\n')[0]);
  const plans = (await anonymous.get('/api/plans')).body.items;
  draft = plans.find((p) => p.state === 'draft');
  seedMilestones = (await milestones(draft.id)).items;
});

after(async () => {
  removeOwn();
  // The seed's draft plan and its milestones, as they were.
  const now = await milestones(draft.id);
  assert.deepEqual(now.items.map(({ version, ...m }) => m), seedMilestones.map(({ version, ...m }) => m), 'the seed milestones are back');
  assert.equal(now.plan.state, 'draft');
});

test('a plan goes one step at a time, by admins only, each step recorded with who and when', async () => {
  let life = await steps(own);
  assert.equal(life.status, 200);
  assert.equal(life.body.plan.state, 'draft');
  assert.deepEqual(life.body.next, [{ to: 'proposal', reason_required: false }]);
  let v = Number(JSON.parse(etag(life)));

  for (const who of [staff, viewer]) {
    const r = await take(who, own, v, { to: 'proposal' });
    assert.equal(r.status, 403, who.login);
    assert.equal(r.body.error.code, 'forbidden');
  }
  assert.equal((await anonymous.post(`/api/plans/${own}/transitions`, { to: 'proposal' }, { headers: { 'If-Match': `"${v}"` } })).status, 401);
  const noMatch = await admin.post(`/api/plans/${own}/transitions`, { to: 'proposal' });
  assert.equal(noMatch.status, 428);

  // Skipping a step, or an unknown state: 400 naming to, nothing changes.
  for (const to of ['public_comment', 'adopted', 'archived', 'draft', 'done']) {
    const r = await take(admin, own, v, { to });
    assert.equal(r.status, 400, to);
    assert.equal(r.body.error.field, 'to', to);
  }
  assert.equal((await steps(own)).body.plan.version, v);

  let r = await take(admin, own, v, { to: 'proposal' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.plan.state, 'proposal');
  assert.equal(etag(r), `"${v + 1}"`);
  // The version read before is stale now: 409 with the plan as it is.
  const stale = await take(admin, own, v, { to: 'public_comment' });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.plan.state, 'proposal');
  assert.equal(etag(stale), `"${v + 1}"`);
  v += 1;

  // Back to draft needs a reason.
  for (const reason of [undefined, '', '　 ']) {
    r = await take(admin, own, v, reason === undefined ? { to: 'draft' } : { to: 'draft', reason });
    assert.equal(r.status, 400, JSON.stringify(reason));
    assert.equal(r.body.error.field, 'reason');
  }
  r = await take(admin, own, v, { to: 'draft', reason: '素案を見直すため' });
  assert.equal(r.status, 201, r.text);
  v += 1;
  for (const to of ['proposal', 'public_comment']) {
    r = await take(admin, own, v, { to });
    assert.equal(r.status, 201, `${to}: ${r.text}`);
    v += 1;
  }
  assert.deepEqual(r.body.next.map((n) => n.to).sort(), ['adopted', 'draft']);
  // Adoption needs its month.
  r = await take(admin, own, v, { to: 'adopted' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'adopted_month');
  r = await take(admin, own, v, { to: 'adopted', adopted_month: '2026-03' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.plan.adopted, '2026-03');
  v += 1;
  // Adoption archives nothing by itself: the current plan stays adopted.
  const plans = (await anonymous.get('/api/plans')).body.items;
  assert.equal(plans.filter((p) => p.state === 'adopted').length, 2);
  r = await take(admin, own, v, { to: 'draft', reason: '戻したい' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'to');
  r = await take(admin, own, v, { to: 'archived' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.next, []);

  life = (await steps(own)).body;
  assert.deepEqual(life.items.map((s) => `${s.from}>${s.to}`), ['draft>proposal', 'proposal>draft', 'draft>proposal',
    'proposal>public_comment', 'public_comment>adopted', 'adopted>archived']);
  assert.equal(life.items[1].reason, '素案を見直すため');
  for (const s of life.items) {
    assert.equal(s.by.login, 'admin');
    assert.ok(Math.abs(Date.parse(s.at) - Date.now()) < 5 * 60_000, s.at);
  }
  // Each step in the audit log, as the acting admin through the API.
  assert.equal(sql(`SELECT count(*) FROM audit_log l JOIN plan_transition t ON l.entity_id = t.id::text
    WHERE l.entity = 'plan_transition' AND l.action = 'insert' AND l.channel = 'api'
      AND l.user_id = ${admin.user.id} AND t.plan_id = ${own}`), '6');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE entity = 'plan' AND entity_id = '${own}'
    AND action = 'update' AND channel = 'api' AND before ->> 'state' IS DISTINCT FROM after ->> 'state'`), '6');
});

test('a plan state changes only with a recorded step, even in SQL as the owner', () => {
  assert.throws(() => sql(`UPDATE plan SET state = 'proposal' WHERE id = ${draft.id}`), /一段階ずつ/);
  assert.throws(() => sql(`INSERT INTO plan_transition (plan_id, from_state, to_state) VALUES (${draft.id}, 'draft', 'adopted')`), /その段階へ移れません/);
});

test('the structure of an adopted plan is read-only: 409 plan_readonly, in SQL as the app role too', async () => {
  const current = (await anonymous.get('/api/plans')).body.items.find((p) => p.state === 'adopted' && p.id !== own);
  const asAdmin = (q) => appSql(`BEGIN; SELECT set_config('app.user_id', '${admin.user.id}', true); ${q}; ROLLBACK;`);
  for (const q of [
    `UPDATE measure SET name = name || '改' WHERE plan_id = ${current.id}`,
    `UPDATE goal SET title = title || '改' WHERE plan_id = ${current.id}`,
    `INSERT INTO goal (plan_id, number, title) VALUES (${current.id}, 19, '新しい目標')`,
    `DELETE FROM activity_department WHERE activity_id = (SELECT min(id) FROM activity WHERE plan_id = ${current.id})`,
    `UPDATE placement SET position = position WHERE measure_id = (SELECT min(id) FROM measure WHERE plan_id = ${current.id})`,
    `UPDATE activity SET name = name WHERE plan_id = ${current.id}`,
  ]) {
    const r = asAdmin(q);
    assert.match(r.err || '', /SHRDO/, q);
    assert.match(r.err, /策定済み/, q);
  }
  // The archived test plan likewise; a draft plan's structure is writable.
  assert.match(asAdmin(`INSERT INTO goal (plan_id, number, title) VALUES (${own}, 1, '目標')`).err || '', /SHRDO/);
  assert.equal(asAdmin(`INSERT INTO goal (plan_id, number, title) VALUES (${draft.id}, 1, '目標')`).err, undefined);
  // Yearly records of the adopted plan stay editable while the year is open.
  const a = (await anonymous.get('/api/activities?fy=2024&limit=1')).body.items[0];
  const y = (await anonymous.get(`/api/activities/${a.id}`)).body.years.find((x) => x.fiscal_year === 2024);
  const r = await admin.patch(`/api/activities/${a.id}/years/2024`, { result: y.result }, { headers: { 'If-Match': `"${y.version}"` } });
  assert.equal(r.status, 200, r.text);
});

test('milestones: create, edit with If-Match, reorder, complete and cancel; admins only', async () => {
  const make = (body) => admin.post(`/api/plans/${own}/milestones`, body);
  let r = await make({ title: '骨子', planned_month: '2025-08', planned_end_month: '2025-09', notes: 'メモ' });
  assert.equal(r.status, 201, r.text);
  assert.equal(etag(r), '"1"');
  const a = r.body;
  assert.deepEqual([a.position, a.planned_month, a.planned_end_month, a.state, a.notes], [1, '2025-08', '2025-09', 'planned', 'メモ']);
  r = await make({ title: '意見交換会等', planned_month: '2025-11', open_ended: true, planned_text: '１１月～' });
  const b = r.body;
  r = await make({ title: '策定', planned_month: '2026-03', completes: 'adopted' });
  const c = r.body;
  assert.equal(c.completes, 'adopted');
  assert.equal(c.position, 3);

  assert.equal((await staff.post(`/api/plans/${own}/milestones`, { title: 'x', planned_month: '2025-08' })).status, 403);
  assert.equal((await staff.patch(`/api/milestones/${a.id}`, { state: 'done' }, { headers: { 'If-Match': '"1"' } })).status, 403);
  r = await make({ title: '逆', planned_month: '2025-09', planned_end_month: '2025-08' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'planned_end_month');
  r = await make({ title: 'x', planned_month: '2025-09', owner_department_id: 999999 });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'owner_department_id');
  assert.equal((await admin.post('/api/plans/999999/milestones', { title: 'x', planned_month: '2025-09' })).status, 404);

  // End before start against the stored start, decided by the database.
  r = await admin.patch(`/api/milestones/${a.id}`, { planned_end_month: '2025-07' }, { headers: { 'If-Match': '"1"' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'planned_end_month');
  r = await admin.patch(`/api/milestones/${a.id}`, { state: 'done' }, { headers: { 'If-Match': '"1"' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'actual_date');
  r = await admin.patch(`/api/milestones/${a.id}`, { state: 'done', actual_date: '2025-08-29' }, { headers: { 'If-Match': '"1"' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(etag(r), '"2"');
  assert.equal(r.body.actual_date, '2025-08-29');
  assert.equal(r.body.overdue, false);
  // A stale version: 409 with the milestone as it is.
  r = await admin.patch(`/api/milestones/${a.id}`, { title: '上書き' }, { headers: { 'If-Match': '"1"' } });
  assert.equal(r.status, 409);
  assert.equal(r.body.state, 'done');
  assert.equal(etag(r), '"2"');

  // Move 策定 first: the others shift down one.
  r = await admin.patch(`/api/milestones/${c.id}`, { position: 1 }, { headers: { 'If-Match': '"1"' } });
  assert.equal(r.status, 200, r.text);
  let list = await milestones(own);
  assert.deepEqual(list.items.map((m) => m.title), ['策定', '骨子', '意見交換会等']);
  assert.deepEqual(list.items.map((m) => m.position), [1, 2, 3]);
  r = await admin.patch(`/api/milestones/${c.id}`, { position: 9 }, { headers: { 'If-Match': `"${list.items[0].version}"` } });
  assert.equal(r.body.position, 3);
  list = await milestones(own);
  assert.deepEqual(list.items.map((m) => m.title), ['骨子', '意見交換会等', '策定']);

  r = await admin.patch(`/api/milestones/${b.id}`, { state: 'cancelled', notes: '中止' }, { headers: { 'If-Match': `"${list.items[1].version}"` } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.computed_state, 'cancelled');
  assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE entity = 'milestone' AND entity_id = '${b.id}' AND channel = 'api'
    AND user_id = ${admin.user.id}`)) >= 2);
  // In SQL as the app role, without an admin acting: the policy refuses.
  assert.equal(appSql(`UPDATE milestone SET title = 'x' WHERE id = ${b.id} `).out, 'UPDATE 0');
  assert.equal((await milestones(own)).items.find((m) => m.id === b.id).title, '意見交換会等');
});

test('overdue is computed from today: last month is overdue, next month is upcoming', async () => {
  const make = async (body) => (await admin.post(`/api/plans/${own}/milestones`, body)).body;
  const past = await make({ title: '先月まで', planned_month: month(-2), planned_end_month: month(-1) });
  const soon = await make({ title: '来月', planned_month: month(1) });
  const now = await make({ title: '今月', planned_month: month(0) });
  const open = await make({ title: '継続', planned_month: month(-6), open_ended: true });
  const doneLate = await make({ title: '済み', planned_month: month(-3), state: 'done', actual_date: today() });
  const m = await milestones(own);
  assert.equal(m.today, today());
  const by = Object.fromEntries(m.items.map((i) => [i.id, i]));
  assert.deepEqual([by[past.id].overdue, by[past.id].computed_state], [true, 'overdue']);
  assert.equal(by[past.id].state, 'planned', 'overdue is never stored');
  assert.deepEqual([by[soon.id].overdue, by[soon.id].computed_state], [false, 'planned']);
  assert.equal(by[now.id].overdue, false, 'a milestone ending this month is not overdue yet');
  assert.equal(by[open.id].overdue, false, 'an open-ended milestone has no end');
  assert.equal(by[doneLate.id].overdue, false);
  const next = m.next.map((i) => i.id);
  assert.ok(next.includes(soon.id) && next.includes(now.id));
  assert.ok(!next.includes(past.id) && !next.includes(doneLate.id));
  assert.ok(m.next.length <= 3);
  assert.equal(sql(`SELECT count(*) FROM milestone WHERE id = ${past.id} AND state = 'planned'`), '1');
});

test('browser: an admin marks 骨子 done; the today line sits at today\'s month; overdue is marked', { timeout: 60000 }, async () => {
  const browser = await launchChromium();
  const kossi = seedMilestones[0];
  try {
    const page = await (await browser.newContext(contextOptions)).newPage();
    const errors = collectErrors(page);
    await page.goto(BASE + '/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    await page.click('#signin-open');
    await page.fill('#login-id', 'admin');
    await page.fill('#login-password', 'shinchoku-dev');
    await page.click('#signin-submit');
    const row = `#timeline li.milestone[data-milestone-id="${kossi.id}"]`;
    await page.waitForSelector(`${row} .ms-done`);

    // Overdue milestones of the seed (all before today's month) say so in text.
    const overdue = await page.$$eval('#timeline li.milestone', (lis) => lis.filter((li) => li.dataset.computedState === 'overdue')
      .map((li) => li.querySelector('.ms-overdue')?.textContent));
    const expected = (await milestones(draft.id)).items.filter((i) => i.overdue).length;
    assert.equal(overdue.length, expected);
    for (const t of overdue) assert.equal(t, '期限超過');

    // The today line lies within today's month on the ruler.
    const box = await page.$eval(`#timeline .ruler-month[data-month="${month(0)}"]`, (e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right };
    });
    const lines = await page.$$eval('#timeline li.milestone .gantt-today', (ls) => ls.map((l) => l.getBoundingClientRect().left));
    assert.equal(lines.length, seedMilestones.length);
    for (const x of lines) assert.ok(x >= box.left && x <= box.right, `today line at ${x}, month ${box.left}-${box.right}`);

    // Mark 骨子 done with a date; the answer of the PATCH decides.
    await page.click(`${row} .ms-done`);
    await page.fill('#ms-done-date', '2025-08-29');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/milestones/${kossi.id}`) && r.request().method() === 'PATCH'),
      page.click('#ms-done-submit'),
    ]);
    assert.equal(answer.status(), 200);
    await page.waitForSelector(`${row}[data-state="done"]`);
    assert.match(await page.textContent(`${row} .ms-actual`), /2025-08-29/);
    assert.equal(await page.$(`${row} .ms-overdue`), null);
    assert.equal(await page.$(`${row} .ms-done`), null);
    const saved = (await milestones(draft.id)).items.find((i) => i.id === kossi.id);
    assert.deepEqual([saved.state, saved.actual_date, saved.overdue], ['done', '2025-08-29', false]);

    // A viewer reads the same chart without the controls.
    const page2 = await (await browser.newContext(contextOptions)).newPage();
    await page2.goto(BASE + '/');
    await page2.waitForSelector('body[data-timeline-ready="true"]', { timeout: 15000 });
    assert.equal(await page2.$$eval('#timeline .ms-done', (x) => x.length), 0);
    assert.equal(await page2.$('#plan-lifecycle form'), null);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    // 骨子 as the seed has it.
    const cur = (await milestones(draft.id)).items.find((i) => i.id === kossi.id);
    if (cur.version !== kossi.version) {
      sql(`UPDATE milestone SET state = '${kossi.state}', actual_date = ${kossi.actual_date ? `'${kossi.actual_date}'` : 'NULL'},
        version = ${kossi.version} WHERE id = ${kossi.id}`);
    }
  }
});

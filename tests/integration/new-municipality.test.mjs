// Issue 15's "Done when", tried as a new municipality would: its plan file
// (data/example-3level-plan.json: 目標 → 施策 → 事業, 1-1-1 codes, A–D) is
// imported with `shinchoku import`; an admin creates a staff user of one of
// its departments; that staff edits a year of their activity; the report
// page and the CSV then speak the plan's terms (level names, grade marks,
// counts) and show the edit. The plan, its departments and the user are
// removed at the end, so the seed stays as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { skipUnlessStack, signIn, anonymous, sql, BASE } from './accounts.mjs';
import { removePlan } from './draft-plan.mjs';
import { parseCsv } from './csv.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

const SRC = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();
const FILE = `${SRC}/data/example-3level-plan.json`;
const example = JSON.parse(readFileSync(FILE, 'utf8'));
const login = `midori-${randomBytes(4).toString('hex')}`;
const PASSWORD = 'midori-staff-password';

let plan;
let lastDepartment;

before(() => {
  lastDepartment = Number(sql('SELECT coalesce(max(id), 0) FROM department'));
  const r = spawnSync(process.env.SHINCHOKU_BIN,
    ['import', `--config=${process.env.SHINCHOKU_TEST_CONFIG}`, FILE], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  plan = Number(sql(`SELECT id FROM plan WHERE title = '${example.plan.title}'`));
});

after(() => {
  sql(`BEGIN; DELETE FROM session WHERE user_id IN (SELECT id FROM app_user WHERE login = '${login}');
       DELETE FROM app_user WHERE login = '${login}'; COMMIT;`);
  if (plan) removePlan(plan);
  if (lastDepartment !== undefined) sql(`DELETE FROM department WHERE id > ${lastDepartment}`);
});

test('a new municipality: import, its staff reports, the report speaks its terms', async () => {
  const first = example.activities[0];
  const list = (await anonymous.get(`/api/activities?plan=${plan}&fy=2024&limit=500`)).body.items;
  assert.equal(list.length, example.activities.length);
  const mine = list.find((a) => a.name === first.name);
  assert.ok(mine, first.name);
  const dept = (await anonymous.get('/api/departments')).body.items.find((d) => d.name === first.departments[0]);

  // The admin creates the department's staff user; the staff signs in.
  const admin = await signIn('admin');
  const made = await admin.post('/api/users', {
    login, display_name: 'みどり 職員', role: 'staff', department_id: dept.id, password: PASSWORD,
  });
  assert.equal(made.status, 201, made.text);
  const staff = await signIn(login, PASSWORD);

  // The staff writes this year's result of their activity.
  const text = 'みどり市の職員が書いた令和6年度の取組結果。';
  const y = (await anonymous.get(`/api/activities/${mine.id}`)).body.years.find((x) => x.fiscal_year === 2024);
  const e = await staff.patch(`/api/activities/${mine.id}/years/2024`, { result: text },
    { headers: { 'If-Match': `"${y.version}"` } });
  assert.equal(e.status, 200, e.text);
  // An activity of the plan's other department is not theirs.
  const other = list.find((a) => !a.departments.some((d) => d.id === dept.id));
  assert.ok(other, 'an activity of another department');
  const oy = (await anonymous.get(`/api/activities/${other.id}`)).body.years.find((x) => x.fiscal_year === 2024);
  const no = await staff.patch(`/api/activities/${other.id}/years/2024`, { result: 'x' },
    { headers: { 'If-Match': `"${oy.version}"` } });
  assert.equal(no.status, 403, no.text);

  // The CSV: the plan's level and scale names, its marks, the edit.
  const csv = await fetch(`${BASE}/api/reports/2024/progress.csv?plan=${plan}`);
  assert.equal(csv.status, 200);
  const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0].slice(0, 5), ['番号', '施策番号', '施策', '事業', '達成度']);
  const data = rows.slice(1).filter((r) => r.length > 1);
  assert.deepEqual(data.map((r) => r[4]), example.activities.map((a) => a.status));
  assert.equal(data.find((r) => r[3] === first.name)[7], text);

  // The report page, as printed for the council.
  const browser = await launchChromium();
  try {
    const context = await browser.newContext(contextOptions);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${BASE}/report.html?fy=2024&plan=${plan}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    const seen = await page.evaluate(() => {
      const qa = (s) => [...document.querySelectorAll(s)];
      return {
        rows: qa('#summary-body tr').map((r) => [r.querySelector('.mark').textContent, r.querySelector('td.num').textContent]),
        activity: document.querySelector('#h-activity')?.textContent,
        status: document.querySelector('#h-status')?.textContent,
        marks: qa('#appendix tr.activity .c-status').map((c) => c.textContent),
        appendix: document.querySelector('#appendix')?.textContent ?? '',
      };
    });
    assert.deepEqual(seen.rows, Object.entries(example.status_counts_reported).map(([k, v]) => [k, String(v)]));
    assert.equal(seen.activity, '事業');
    assert.equal(seen.status, '達成度');
    assert.deepEqual(seen.marks, example.activities.map((a) => a.status));
    assert.ok(seen.appendix.includes(text), 'the staff\'s result is in the appendix');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});

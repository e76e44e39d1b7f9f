// Hostile input through nginx, as an attacker would send it: a result
// that is a spreadsheet formula (CSV/XLSX injection), the history of users
// asked by a viewer, a sign-in attack meant to lock somebody else out
// (sent from other loopback addresses, 127.0.0.x, so that nginx's
// REMOTE_ADDR is theirs), and JSON bodies with a duplicate key or a lone
// surrogate. Every request goes to 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { skipUnlessStack, signIn, anonymous, activitiesOf, year, sql, BASE } from './accounts.mjs';
import { parseCsv, toCsv } from './csv.mjs';

skipUnlessStack();
const require = createRequire(`${process.env.SHINCHOKU_SOURCE_DIR}/package.json`);
const readXlsx = require('read-excel-file/node').default;

const FORMULA = '=HYPERLINK("http://example.invalid","x")';

// ---------------------------------------------------------------- helpers

// A request from a given source address (the connection's local end), one
// connection per request, bounded in time.
function from(localAddress, method, path, body, headers = {}) {
  const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
  const u = new URL(BASE + path);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, localAddress, agent: false,
      timeout: 60000,
      headers: { ...(data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* left null */ }
        resolve({ status: res.statusCode, headers: res.headers, body: json, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

const signInFrom = (addr, login, password) => from(addr, 'POST', '/api/session', { login, password });

// The files of a zip (an XLSX), by name: stored or deflated entries, read
// through the central directory, as every zip reader does.
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip end of central directory');
  const files = {};
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n--) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    files[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

async function csvText(fy = 2024) {
  const r = await fetch(`${BASE}/api/reports/${fy}/progress.csv`);
  assert.equal(r.status, 200);
  return (await r.text()).replace(/^\uFEFF/, '');
}

async function patchResult(client, activityId, result) {
  const y = await year(activityId);
  return client.patch(`/api/activities/${activityId}/years/2024`, { result },
    { headers: { 'If-Match': `"${y.version}"` } });
}

// A user of its own for each throttle test, so that no other test's
// account collects failures.
async function newUser(admin) {
  const login = `t-${randomBytes(4).toString('hex')}`, password = `pw-${randomBytes(6).toString('hex')}`;
  const r = await admin.post('/api/users', { login, display_name: '攻撃試験', role: 'viewer', password });
  assert.equal(r.status, 201, r.text);
  return { login, password };
}

// ---------------------------------------------------------------- CSV / XLSX injection

test('a formula in a result: neutralised in progress.csv, inert in progress.xlsx, and back through the import unchanged',
  { timeout: 120000 }, async () => {
    const staff = await signIn('koseki-staff');
    const admin = await signIn('admin');
    const activity = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
    const original = (await year(activity.id)).result;
    const seq = (await anonymous.get('/api/reports/2024/appendix')).body.items
      .find((i) => i.activity_id === activity.id && !i.relisted).seq;
    const RESULT = 7; // result_2024
    try {
      assert.equal((await patchResult(staff, activity.id, FORMULA)).status, 200);
      assert.equal((await year(activity.id)).result, FORMULA, 'stored exactly as sent');

      // CSV: quoted, behind an apostrophe, so a spreadsheet shows text.
      const text = await csvText();
      assert.ok(text.includes(`,"'=HYPERLINK(""http://example.invalid"",""x"")",`), 'the raw cell');
      const rows = parseCsv(text);
      assert.equal(rows[seq][RESULT], `'${FORMULA}`);
      for (const row of rows.slice(1))
        for (const c of row) assert.ok(!/^[=+\-@\t\r]/.test(c), `no cell starts a formula: ${c.slice(0, 30)}`);

      // XLSX: a string cell holding the text exactly, and no formula at all.
      const r = await fetch(`${BASE}/api/reports/2024/progress.xlsx`);
      assert.equal(r.status, 200);
      const buf = Buffer.from(await r.arrayBuffer());
      const files = unzip(buf);
      const sheet = Object.keys(files).find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
      assert.ok(sheet, 'a worksheet');
      assert.ok(!/<f[ >]/.test(files[sheet]), 'no <f> (formula) element in the sheet');
      assert.ok(files['xl/sharedStrings.xml'].includes('=HYPERLINK('), 'the text is a shared string');
      const cells = (await readXlsx(buf))[0].data;
      assert.equal(cells[seq][RESULT], FORMULA);

      // The export, as it came, imports as no change at all.
      for (const query of ['?dry_run=true', '']) {
        const back = await admin.post(`/api/reports/2024/import${query}`, '\uFEFF' + text,
          { headers: { 'Content-Type': 'text/csv' } });
        assert.equal(back.status, 200, back.text);
        assert.deepEqual(back.body.problems, []);
        assert.equal(back.body.changed_rows, 0);
      }
      assert.equal((await year(activity.id)).result, FORMULA, 'unchanged by the round trip');

      // Written in the file as the export writes it, the apostrophe is not
      // part of the text; a text that itself starts with an apostrophe
      // keeps it.
      for (const [cell, stored] of [[`'+1件`, '+1件'], [`''=既存`, `'=既存`], [`'あ`, `'あ`]]) {
        const edited = rows.map((row) => [...row]);
        edited[seq][RESULT] = cell;
        const imp = await admin.post('/api/reports/2024/import', toCsv(edited), { headers: { 'Content-Type': 'text/csv' } });
        assert.equal(imp.status, 200, imp.text);
        assert.equal((await year(activity.id)).result, stored, cell);
      }
    } finally {
      assert.equal((await patchResult(staff, activity.id, original)).status, 200, 'restored');
    }
  });

// ---------------------------------------------------------------- the user directory

test('the history of users is for admins: 403 for everyone else, whatever the user', async () => {
  const admin = await signIn('admin');
  const id = admin.user.id;
  for (const login of ['viewer', 'koseki-staff', 'koseki-manager']) {
    const c = await signIn(login);
    const r = await c.get(`/api/audit?entity=app_user&id=${id}`);
    assert.equal(r.status, 403, `${login}: ${r.text}`);
    assert.equal(r.body.error.code, 'forbidden');
    assert.equal(r.body.error.field, 'entity');
    assert.ok(!r.text.includes('"login"'), 'nothing of the directory');
    // Other histories stay open to every signed-in user.
    assert.equal((await c.get('/api/audit?entity=activity&id=1')).status, 200);
  }
  const mine = await admin.get(`/api/audit?entity=app_user&id=${id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.entity, 'app_user');
});

// ---------------------------------------------------------------- sign-in throttling

test('ten wrong passwords at once from one address: at most login_max_failures are checked; the user still signs in elsewhere',
  { timeout: 120000 }, async () => {
    const admin = await signIn('admin');
    const { login, password } = await newUser(admin);
    const ATTACKER = '127.0.0.5', USER = '127.0.0.6', MAX = 5; // login_max_failures (the default)
    const answers = await Promise.all(Array.from({ length: 10 },
      (_, i) => signInFrom(ATTACKER, login, `wrong-password-${i}`)));
    const statuses = answers.map((a) => a.status).sort();
    const checked = statuses.filter((s) => s === 401).length;
    assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join());
    assert.ok(checked >= 1 && checked <= MAX, `${checked} of 10 were checked: ${statuses.join()}`);
    assert.equal(Number(sql(`SELECT count(*) FROM login_failure WHERE login = '${login}'`)), checked,
      'every checked attempt, and only those, is counted');
    for (const a of answers.filter((x) => x.status === 429)) {
      assert.equal(a.body.error.code, 'too_many_attempts');
      assert.ok(Number(a.headers['retry-after']) > 0);
    }

    // However the attack went, the user, from their own address, signs in.
    const ok = await signInFrom(USER, login, password);
    assert.equal(ok.status, 200, ok.text);

    // The attacking address is refused, the right password too, until the window passes.
    let locked;
    for (let i = checked; i <= MAX; i++) locked = await signInFrom(ATTACKER, login, 'wrong-again-1');
    assert.equal(locked.status, 429, locked.text);
    const right = await signInFrom(ATTACKER, login, password);
    assert.equal(right.status, 429, right.text);
    assert.equal(right.body.error.code, 'too_many_attempts');
    assert.ok(Number(right.headers['retry-after']) > 0, 'Retry-After in seconds');
    assert.equal(right.headers['set-cookie'], undefined);
  });

test('an attack spread over many addresses: the failing addresses wait a growing delay, a new one is never refused',
  { timeout: 120000 }, async () => {
    const admin = await signIn('admin');
    const { login, password } = await newUser(admin);
    // Twelve addresses, one wrong password each, at once: none had failed
    // for this login, so each is checked.
    const attackers = Array.from({ length: 12 }, (_, i) => `127.0.0.${20 + i}`);
    const first = await Promise.all(attackers.map((a) => signInFrom(a, login, 'spread-guess-1')));
    assert.deepEqual(first.map((r) => r.status), attackers.map(() => 401));
    // Now the login has 12 failures: an address that failed waits
    // 2^(12 - 5) s, at most 60 s, after its own failure.
    const again = await signInFrom(attackers[0], login, password);
    assert.equal(again.status, 429, again.text);
    const wait = Number(again.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    // The user's address has not failed: the right password signs in.
    const ok = await signInFrom('127.0.0.40', login, password);
    assert.equal(ok.status, 200, ok.text);
  });

// ---------------------------------------------------------------- JSON bodies

test('a duplicate key or a lone surrogate in a body: 400 naming the field, nothing stored', async () => {
  const staff = await signIn('koseki-staff');
  const activity = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  const before = await year(activity.id);
  const patch = (body, version) => staff.patch(`/api/activities/${activity.id}/years/2024`, body,
    { headers: { 'If-Match': `"${version}"` } });
  const bodies = [
    '{"result":"first","result":"second"}',
    '{"result":"\\ud800"}',
    '{"result":"a\\udc00b"}',
    '{"plan_next":"ok","result":"x\\ud83d"}',
  ];
  try {
    for (const body of bodies) {
      const r = await patch(body, before.version);
      assert.equal(r.status, 400, `${body}: ${r.text}`);
      assert.equal(r.body.error.code, 'bad_field');
      assert.equal(r.body.error.field, 'result', body);
    }
    const dup = await anonymous.post('/api/session', '{"login":"viewer","password":"x","login":"admin"}');
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error.field, 'login');
    assert.equal((await year(activity.id)).version, before.version, 'nothing was written');
    // A proper pair is a character like any other.
    const pair = await patch(`{"result":${JSON.stringify(before.result).slice(0, -1)}\\ud83d\\ude00"}`, before.version);
    assert.equal(pair.status, 200, pair.text);
    assert.equal((await year(activity.id)).result, `${before.result}😀`);
  } finally {
    const now = await year(activity.id);
    if (now.result !== before.result || now.plan_next !== before.plan_next)
      assert.equal((await staff.patch(`/api/activities/${activity.id}/years/2024`,
        { result: before.result, plan_next: before.plan_next },
        { headers: { 'If-Match': `"${now.version}"` } })).status, 200, 'restored');
  }
});

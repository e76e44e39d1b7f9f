// The authorization matrix: every mutating endpoint × every role × own or
// another department, each with the status it must answer; then CSRF,
// expired sessions, deactivated users and sign-in throttling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { skipUnlessStack, signIn, anonymous, activitiesOf, year, sql, PASSWORD } from './accounts.mjs';

skipUnlessStack();

const LOGINS = ['viewer', 'koseki-staff', 'koseki-manager', 'sangyo-staff', 'sangyo-manager', 'admin'];
let clients; // login -> client, plus 'anonymous'
let koseki; // an activity of 戸籍住民課

test.before(async () => {
  clients = { anonymous };
  for (const login of LOGINS) clients[login] = await signIn(login);
  koseki = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
});

// expected: anonymous, viewer, koseki-staff, koseki-manager, sangyo-staff, sangyo-manager, admin
const WHO = ['anonymous', ...LOGINS];
const row = (...codes) => Object.fromEntries(WHO.map((w, i) => [w, codes[i]]));

async function pendingRequest() {
  const staff = clients['koseki-staff'];
  const r = await staff.post(`/api/activities/${koseki.id}/years/2024/status-requests`,
    { status: 'exceeded', reason: '行列テスト' });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

async function withdrawIfPending(id) {
  const r = (await clients['koseki-staff'].get('/api/status-requests?state=pending')).body.items;
  if (r.some((x) => x.id === id)) await clients['koseki-staff'].post(`/api/status-requests/${id}/withdrawal`);
}

const MATRIX = [
  {
    name: 'PATCH /api/activities/{id}/years/2024 (own department: 戸籍住民課)',
    expect: row(401, 403, 200, 200, 403, 403, 200),
    run: async (c) => {
      const y = await year(koseki.id);
      return c.patch(`/api/activities/${koseki.id}/years/2024`, { result: y.result },
        { headers: { 'If-Match': `"${y.version}"` } });
    },
  },
  {
    name: 'POST …/status-requests',
    expect: row(401, 403, 201, 201, 403, 403, 201),
    run: async (c) => {
      const r = await c.post(`/api/activities/${koseki.id}/years/2024/status-requests`,
        { status: 'exceeded', reason: '行列テスト' });
      if (r.status === 201) await c.post(`/api/status-requests/${r.body.id}/withdrawal`);
      return r;
    },
  },
  {
    name: 'POST /api/status-requests/{id}/decision (reject)',
    expect: row(401, 403, 403, 200, 403, 403, 200),
    run: async (c) => {
      const id = await pendingRequest();
      const r = await c.post(`/api/status-requests/${id}/decision`, { decision: 'reject', comment: '行列' });
      await withdrawIfPending(id);
      return r;
    },
  },
  {
    name: 'POST /api/status-requests/{id}/withdrawal (requester: koseki-staff)',
    expect: row(401, 403, 200, 403, 403, 403, 403),
    run: async (c) => {
      const id = await pendingRequest();
      const r = await c.post(`/api/status-requests/${id}/withdrawal`);
      await withdrawIfPending(id);
      return r;
    },
  },
  {
    name: 'POST /api/users',
    expect: row(401, 403, 403, 403, 403, 403, 201),
    run: (c) => c.post('/api/users', { login: `m-${randomBytes(4).toString('hex')}`,
      display_name: '行列テスト', role: 'viewer', password: 'matrix-password-1' }),
  },
  {
    name: 'PATCH /api/users/{id}',
    expect: row(401, 403, 403, 403, 403, 403, 200),
    run: async (c) => {
      const u = clients.viewer.user;
      const v = sql(`SELECT version FROM app_user WHERE id = ${u.id}`);
      return c.patch(`/api/users/${u.id}`, { display_name: '閲覧者' }, { headers: { 'If-Match': `"${v}"` } });
    },
  },
  {
    name: 'POST /api/users/{id}/password',
    expect: row(401, 403, 403, 403, 403, 403, 200),
    run: async (c) => {
      const created = await clients.admin.post('/api/users', { login: `p-${randomBytes(4).toString('hex')}`,
        display_name: 'パスワード', role: 'viewer', password: 'matrix-password-1' });
      assert.equal(created.status, 201, created.text);
      return c.post(`/api/users/${created.body.id}/password`, { password: 'matrix-password-2' });
    },
  },
];

for (const m of MATRIX) {
  test(`matrix: ${m.name}`, async () => {
    const got = {};
    for (const who of WHO) got[who] = (await m.run(clients[who])).status;
    assert.deepEqual(got, m.expect);
  });
}

test('reads that need a session: 401 without one, 200 with any', async () => {
  for (const path of ['/api/session', '/api/status-requests', `/api/audit?entity=activity&id=${koseki.id}`]) {
    assert.equal((await anonymous.get(path)).status, 401, path);
    for (const login of LOGINS) assert.equal((await clients[login].get(path)).status, 200, `${path} ${login}`);
  }
});

test('a write without the CSRF token, or with another session\'s, is 403 and changes nothing', async () => {
  const staff = clients['koseki-staff'];
  const before = await year(koseki.id);
  const path = `/api/activities/${koseki.id}/years/2024`;
  const headers = { 'If-Match': `"${before.version}"` };
  for (const o of [{ csrf: false, headers }, { csrfToken: clients.admin.csrf, headers },
    { csrfToken: '0'.repeat(64), headers }]) {
    const r = await staff.patch(path, { result: 'CSRF' }, o);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf');
  }
  const r = await staff.post(`/api/activities/${koseki.id}/years/2024/status-requests`,
    { status: 'delayed', reason: 'x' }, { csrf: false });
  assert.equal(r.status, 403);
  assert.deepEqual(await year(koseki.id), before);
});

test('an expired session is 401; so is one signed out', async () => {
  const c = await signIn('koseki-staff');
  const token = c.cookie.replace(/^sid=/, '');
  const hash = createHash('sha256').update(token).digest('hex');
  assert.equal((await c.get('/api/session')).status, 200);
  sql(`UPDATE session SET created_at = now() - interval '30 days', last_seen_at = now() - interval '30 days' WHERE token_hash = '${hash}'`);
  const r = await c.get('/api/session');
  assert.equal(r.status, 401);
  assert.match(r.headers.get('set-cookie'), /Max-Age=0/);

  const d = await signIn('koseki-staff');
  assert.equal((await d.del('/api/session')).status, 200);
  assert.equal((await d.get('/api/session')).status, 401);
  const y = await year(koseki.id);
  assert.equal((await d.patch(`/api/activities/${koseki.id}/years/2024`, { result: 'x' },
    { headers: { 'If-Match': `"${y.version}"` } })).status, 401);
});

// A signed-in request writes the session's last use only when the one on
// record is a minute old or more: every request a write would make each
// signed-in read wait for a WAL flush.
test('using a session keeps it alive, written at most once a minute', async () => {
  const c = await signIn('koseki-staff');
  const hash = createHash('sha256').update(c.cookie.replace(/^sid=/, '')).digest('hex');
  const seen = () => sql(`SELECT round(extract(epoch FROM now() - last_seen_at)) FROM session WHERE token_hash = '${hash}'`);
  sql(`UPDATE session SET last_seen_at = now() - interval '20 seconds' WHERE token_hash = '${hash}'`);
  assert.equal((await c.get('/api/session')).status, 200);
  assert.ok(Number(seen()) >= 20, 'a use 20 s after the last is not written');
  sql(`UPDATE session SET last_seen_at = now() - interval '59 minutes' WHERE token_hash = '${hash}'`);
  assert.equal((await c.get('/api/session')).status, 200);
  assert.ok(Number(seen()) < 30, 'a use an idle time after the last one written is written');
  sql(`UPDATE session SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = '${hash}'`);
  assert.equal((await c.get('/api/session')).status, 401);
});

test('a deactivated user is signed out at once and cannot sign in', async () => {
  const login = `d-${randomBytes(4).toString('hex')}`;
  const kosekiDept = clients['koseki-staff'].user.department.id;
  const created = await clients.admin.post('/api/users', { login, display_name: '停止予定',
    role: 'staff', department_id: kosekiDept, password: 'deactivate-me-1' });
  assert.equal(created.status, 201, created.text);
  const u = await signIn(login, 'deactivate-me-1');
  assert.equal((await u.get('/api/session')).status, 200);
  const off = await clients.admin.patch(`/api/users/${created.body.id}`, { active: false },
    { headers: { 'If-Match': `"${created.body.version}"` } });
  assert.equal(off.status, 200, off.text);
  assert.equal((await u.get('/api/session')).status, 401);
  const y = await year(koseki.id);
  assert.equal((await u.patch(`/api/activities/${koseki.id}/years/2024`, { result: 'x' },
    { headers: { 'If-Match': `"${y.version}"` } })).status, 401);
  const again = await anonymous.post('/api/session', { login, password: 'deactivate-me-1' });
  assert.equal(again.status, 401);
});

test('failed sign-ins: same answer for unknown login and wrong password; throttled with 429', async () => {
  const unknown = await anonymous.post('/api/session', { login: `nobody-${randomBytes(3).toString('hex')}`, password: 'whatever-1' });
  const wrong = await anonymous.post('/api/session', { login: 'viewer', password: 'not-the-password' });
  assert.equal(unknown.status, 401);
  assert.equal(wrong.status, 401);
  assert.deepEqual(unknown.body, wrong.body);
  // Clear viewer's failure so the other tests can sign in as viewer.
  assert.equal((await anonymous.post('/api/session', { login: 'viewer', password: PASSWORD })).status, 200);

  const login = `locked-${randomBytes(3).toString('hex')}`;
  for (let i = 0; i < 5; i++) assert.equal((await anonymous.post('/api/session', { login, password: 'bad-password' })).status, 401);
  const locked = await anonymous.post('/api/session', { login, password: 'bad-password' });
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  assert.equal(locked.body.error.code, 'too_many_attempts');
});

test('bad sign-in input names the field', async () => {
  let r = await anonymous.post('/api/session', { login: 'viewer' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'password');
  r = await anonymous.post('/api/session', { login: 'viewer', password: PASSWORD, remember: true });
  assert.equal(r.body.error.field, 'remember');
  r = await anonymous.post('/api/session', 'login=viewer', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415);
});

test('the session cookie is HttpOnly and SameSite=Strict; the hash, not the token, is stored', async () => {
  const r = await anonymous.post('/api/session', { login: 'viewer', password: PASSWORD });
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^sid=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict/);
  const token = cookie.slice(4, 68);
  assert.equal(sql(`SELECT count(*) FROM session WHERE token_hash = '${token}'`), '0');
  const hash = createHash('sha256').update(token).digest('hex');
  assert.equal(sql(`SELECT count(*) FROM session WHERE token_hash = '${hash}'`), '1');
  assert.ok(!JSON.stringify(r.body).includes('password'));
});

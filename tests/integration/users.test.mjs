// User management: admins create, change and deactivate users and reset
// passwords; the rules that keep an installation manageable (no duplicate
// login, no self-lockout, always one active admin); the `user add` command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { anonymous, signIn, skipUnlessStack, sql } from './accounts.mjs';

skipUnlessStack();

const fresh = (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`;
const ifMatch = (v) => ({ headers: { 'If-Match': `"${v}"` } });

test('create: validated at the door, duplicate login 409, password never shown', async () => {
  const admin = await signIn('admin');
  const depts = (await anonymous.get('/api/departments')).body.items;
  const koseki = depts.find((d) => d.name === '戸籍住民課');
  const login = fresh('new');
  const ok = await admin.post('/api/users', {
    login, display_name: '新規 職員', role: 'staff', department_id: koseki.id, password: 'a-long-password',
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.login, login);
  assert.deepEqual(ok.body.department, { id: koseki.id, name: '戸籍住民課' });
  assert.equal(ok.body.active, true);
  assert.doesNotMatch(ok.text, /argon2|password/);
  assert.match(sql(`SELECT password_hash FROM app_user WHERE login = '${login}'`), /^\$argon2id\$/);
  // The audit row of the creation holds no hash either.
  assert.doesNotMatch(sql(`SELECT after::text FROM audit_log WHERE entity = 'app_user' AND entity_id = '${ok.body.id}'`), /argon2/);

  const dup = await admin.post('/api/users', {
    login, display_name: '二重', role: 'viewer', password: 'a-long-password',
  });
  assert.equal(dup.status, 409);

  const bad = [
    [{ login: 'Bad Login', display_name: 'x', role: 'viewer', password: 'a-long-password' }, 'login'],
    [{ login: fresh('u'), display_name: '', role: 'viewer', password: 'a-long-password' }, 'display_name'],
    [{ login: fresh('u'), display_name: 'x', role: 'boss', password: 'a-long-password' }, 'role'],
    [{ login: fresh('u'), display_name: 'x', role: 'staff', password: 'a-long-password' }, 'department_id'],
    [{ login: fresh('u'), display_name: 'x', role: 'viewer', password: 'short' }, 'password'],
    [{ login: fresh('u'), display_name: 'x', role: 'viewer', password: 'a-long-password', admin: true }, 'admin'],
  ];
  const before = sql('SELECT count(*) FROM app_user');
  for (const [body, field] of bad) {
    const r = await admin.post('/api/users', body);
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.body.error.field, field);
  }
  assert.equal(sql('SELECT count(*) FROM app_user'), before, 'no bad request created a user');

  const list = await admin.get('/api/users');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((u) => u.login === 'koseki-manager'));
  assert.doesNotMatch(list.text, /argon2/);
  assert.equal((await (await signIn('koseki-manager')).get('/api/users')).status, 403);
});

test('change: If-Match, 409 with the current user, a role change signs the user out', async () => {
  const admin = await signIn('admin');
  const login = fresh('chg');
  const u = (await admin.post('/api/users', {
    login, display_name: '変更前', role: 'viewer', password: 'first-password-1',
  })).body;
  const them = await signIn(login, 'first-password-1');

  assert.equal((await admin.patch(`/api/users/${u.id}`, { display_name: 'x' })).status, 428);
  const renamed = await admin.patch(`/api/users/${u.id}`, { display_name: '変更後' }, ifMatch(u.version));
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.headers.get('etag'), `"${u.version + 1}"`);
  // A rename does not touch rights: the user stays signed in.
  assert.equal((await them.get('/api/session')).status, 200);

  const stale = await admin.patch(`/api/users/${u.id}`, { display_name: '古い版' }, ifMatch(u.version));
  assert.equal(stale.status, 409);
  assert.equal(stale.body.display_name, '変更後');

  const promoted = await admin.patch(`/api/users/${u.id}`, { role: 'admin' }, ifMatch(u.version + 1));
  assert.equal(promoted.status, 200);
  assert.equal((await them.get('/api/session')).status, 401, 'a change of role ends the sessions');

  assert.equal((await admin.patch('/api/users/999999', { display_name: 'x' }, ifMatch(1))).status, 404);
  const none = await admin.patch(`/api/users/${u.id}`, {}, ifMatch(u.version + 2));
  assert.equal(none.status, 400);
  const badDept = await admin.patch(`/api/users/${u.id}`, { department_id: 'three' }, ifMatch(u.version + 2));
  assert.equal(badDept.body.error.field, 'department_id');
});

test('no lockout: admins cannot demote themselves; the last active admin stays', async () => {
  const admin = await signIn('admin');
  const me = admin.user;
  const v = Number(sql(`SELECT version FROM app_user WHERE id = ${me.id}`));
  const self = await admin.patch(`/api/users/${me.id}`, { active: false }, ifMatch(v));
  assert.equal(self.status, 403);

  // With every other admin deactivated, a second admin cannot remove the first.
  const others = sql(`SELECT id FROM app_user WHERE role = 'admin' AND active AND id <> ${me.id}`)
    .split('\n').filter(Boolean);
  sql(`UPDATE app_user SET active = false WHERE id IN (${[0, ...others].join(',')})`);
  try {
    const login = fresh('adm');
    const second = (await admin.post('/api/users', {
      login, display_name: '第二管理者', role: 'admin', password: 'second-admin-pw',
    })).body;
    const c2 = await signIn(login, 'second-admin-pw');
    // Deactivating the second admin from the first leaves one: allowed. The
    // rule in the database refuses only the very last.
    sql(`UPDATE app_user SET active = false WHERE id = ${second.id}`);
    assert.throws(() => sql(`UPDATE app_user SET role = 'viewer' WHERE id = ${me.id}`), /last active admin/);
    sql(`UPDATE app_user SET active = true WHERE id = ${second.id}`);
    const c2again = await signIn(login, 'second-admin-pw');
    const r = await c2again.patch(`/api/users/${me.id}`, { role: 'viewer' },
      ifMatch(Number(sql(`SELECT version FROM app_user WHERE id = ${me.id}`))));
    assert.equal(r.status, 200, 'two admins: one may demote the other');
    const last = await c2again.patch(`/api/users/${second.id}`, { role: 'viewer' },
      ifMatch(Number(sql(`SELECT version FROM app_user WHERE id = ${second.id}`))));
    assert.equal(last.status, 403, 'and nobody their own rights');
    void c2;
  } finally {
    sql(`UPDATE app_user SET role = 'admin', active = true WHERE id = ${me.id}`);
    if (others.length) sql(`UPDATE app_user SET active = true WHERE id IN (${others.join(',')})`);
  }
});

test('passwords: an admin resets (sessions end), a user changes their own with the current one', async () => {
  const admin = await signIn('admin');
  const login = fresh('pw');
  const u = (await admin.post('/api/users', {
    login, display_name: 'パスワード', role: 'viewer', password: 'first-password-1',
  })).body;
  const them = await signIn(login, 'first-password-1');

  const wrong = await them.post(`/api/users/${u.id}/password`,
    { password: 'second-password-2', current_password: 'not-it-at-all' });
  assert.equal(wrong.status, 403);
  assert.equal((await them.post(`/api/users/${u.id}/password`, { password: 'second-password-2' })).body.error.field,
    'current_password');
  const own = await them.post(`/api/users/${u.id}/password`,
    { password: 'second-password-2', current_password: 'first-password-1' });
  assert.equal(own.status, 200, own.text);
  assert.equal((await them.get('/api/session')).status, 200, 'the changing session stays');
  await assert.rejects(signIn(login, 'first-password-1'));

  const other = await them.post(`/api/users/${admin.user.id}/password`, { password: 'take-over-admin' });
  assert.equal(other.status, 403);

  const reset = await admin.post(`/api/users/${u.id}/password`, { password: 'third-password-3' });
  assert.equal(reset.status, 200);
  assert.equal((await them.get('/api/session')).status, 401, 'a reset ends the user’s sessions');
  await signIn(login, 'third-password-3');
});

test('`shinchoku user add`: validates, creates once, audited as cli', () => {
  const bin = process.env.SHINCHOKU_BIN;
  const conf = `--config=${process.env.SHINCHOKU_TEST_CONFIG}`;
  const run = (args, input) => spawnSync(bin, ['user', 'add', ...args, conf], { input, encoding: 'utf8' });
  const login = fresh('cli');

  const refused = [
    [[login, 'staff', '-', '担当'], 'department'],
    [[login, 'boss', '-', '担当'], 'role'],
    [['No Such', 'viewer', '-', '担当'], 'login'],
    [[login, 'staff', '存在しない課', '担当'], 'no department'],
  ];
  for (const [args, what] of refused) {
    const r = run(args, 'cli-password-1\n');
    assert.equal(r.status, 1, what);
    assert.match(r.stderr, new RegExp(what));
  }
  assert.equal(run([login, 'viewer', '-', '担当'], 'short\n').status, 1);
  assert.equal(sql(`SELECT count(*) FROM app_user WHERE login = '${login}'`), '0');

  const ok = run([login, 'staff', '戸籍住民課', 'コマンド 担当'], 'cli-password-1\n');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(run([login, 'staff', '戸籍住民課', '二度目'], 'cli-password-1\n').status, 1);
  assert.equal(run([login, 'staff', '戸籍住民課', '二度目', '--if-missing'], 'cli-password-1\n').status, 0);
  assert.equal(sql(`SELECT display_name FROM app_user WHERE login = '${login}'`), 'コマンド 担当');
  assert.equal(sql(`SELECT count(*) FROM audit_log a JOIN app_user u ON a.entity_id = u.id::text
    WHERE a.entity = 'app_user' AND a.channel = 'cli' AND u.login = '${login}'`), '1');
  return signIn(login, 'cli-password-1');
});


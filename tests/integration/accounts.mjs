// Signed-in HTTP clients for the demo accounts that `scripts/dev` creates
// (password shinchoku-dev), and helpers the write tests share.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

export const BASE = process.env.SHINCHOKU_TEST_URL;
export const PASSWORD = 'shinchoku-dev';

export function skipUnlessStack() {
  if (!BASE) process.exit(77);
}

// psql as the owning role, for set-up the API must not offer (expiring a session).
export function sql(query) {
  return execFileSync('psql', [process.env.SHINCHOKU_TEST_DB_ADMIN, '-X', '-A', '-t',
    '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

async function call(method, path, { body, headers = {}, cookie } = {}) {
  const h = { ...headers };
  if (cookie) h.Cookie = cookie;
  if (body !== undefined && !('Content-Type' in h)) h['Content-Type'] = 'application/json';
  const r = await fetch(BASE + path, {
    method, headers: h, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON: left null, tests assert on it */ }
  return { status: r.status, headers: r.headers, body: json, text };
}

export const anonymous = {
  get: (path, o) => call('GET', path, o),
  post: (path, body, o = {}) => call('POST', path, { ...o, body }),
  patch: (path, body, o = {}) => call('PATCH', path, { ...o, body }),
  del: (path, o) => call('DELETE', path, o),
};

// A client with the session cookie and the CSRF token; csrf:false omits the header.
export async function signIn(login, password = PASSWORD) {
  const r = await call('POST', '/api/session', { body: { login, password } });
  if (r.status !== 200) throw new Error(`sign-in ${login}: ${r.status} ${r.text}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const csrf = r.body.csrf_token;
  const opts = (o = {}) => ({
    ...o, cookie,
    headers: { ...(o.csrf === false ? {} : { 'X-CSRF-Token': o.csrfToken ?? csrf }), ...(o.headers || {}) },
  });
  return {
    login, user: r.body.user, cookie, csrf,
    get: (path, o) => call('GET', path, opts(o)),
    post: (path, body, o) => call('POST', path, { ...opts(o), body }),
    patch: (path, body, o) => call('PATCH', path, { ...opts(o), body }),
    del: (path, o) => call('DELETE', path, opts(o)),
  };
}

// The activities of a department (by name), in table order.
export async function activitiesOf(department) {
  const d = (await anonymous.get('/api/departments')).body.items.find((x) => x.name === department);
  if (!d) throw new Error(`no department ${department}`);
  return (await anonymous.get(`/api/activities?department=${d.id}&fy=2024`)).body.items;
}

export async function year(activityId, fy = 2024) {
  const a = (await anonymous.get(`/api/activities/${activityId}`)).body;
  return a.years.find((y) => y.fiscal_year === fy);
}

// Puts an activity-year's texts back as they were (through the API, as
// koseki-staff: the activities of 戸籍住民課).
export async function restoreTexts(id, original) {
  const now = await year(id);
  if (now.result === original.result && now.plan_next === original.plan_next && now.change_reason === original.change_reason) return;
  const staff = await signIn('koseki-staff');
  const r = await staff.patch(`/api/activities/${id}/years/2024`,
    { result: original.result, plan_next: original.plan_next, change_reason: original.change_reason },
    { headers: { 'If-Match': `"${now.version}"` } });
  if (r.status !== 200) throw new Error(`restoring ${id}: ${r.status} ${r.text}`);
}

// Puts an activity-year's status of FY2024 back as it was after a test's
// status request (approved or not): withdraws what is pending, and where the
// status moved, asks and approves the way back with the seed's reason, as
// 戸籍住民課's staff and manager; the summary is the seed's again.
export async function restoreStatus(id, original, approved) {
  const staff = await signIn('koseki-staff');
  const manager = await signIn('koseki-manager');
  const pending = (await staff.get('/api/status-requests?state=pending')).body.items
    .filter((r) => r.activity_id === id && r.fiscal_year === 2024);
  for (const p of pending) await staff.post(`/api/status-requests/${p.id}/withdrawal`);
  if (approved || (await year(id)).status !== original.status) {
    const p = await staff.post(`/api/activities/${id}/years/2024/status-requests`,
      { status: original.status, reason: original.change_reason });
    assert.equal(p.status, 201, p.text);
    const d = await manager.post(`/api/status-requests/${p.body.id}/decision`, { decision: 'approve', comment: '' });
    assert.equal(d.status, 200, d.text);
  }
  const back = await year(id);
  assert.equal(back.status, original.status);
  assert.equal(back.change_reason, original.change_reason);
  const s = (await anonymous.get('/api/reports/2024/summary')).body;
  assert.deepEqual(s.counts.map((c) => c.count), [0, 102, 3, 0]);
}

export const auditCount = (entity, id) =>
  Number(sql(`SELECT count(*) FROM audit_log WHERE entity = '${entity}' AND entity_id = '${id}'`));

// The server's answers as they are on the wire, read by a strict FastCGI
// client of our own over the server's socket, without nginx in between.
// nginx 1.22 silently drops a malformed header line and nginx 1.23+ answers
// 502 for it, so only a client that looks at every byte can tell. For every
// route of src/api/routes.c one representative request (reads with real ids,
// writes refused or, for the session, done for real) must get a well-formed
// answer: records of the right version, id and types ending with
// END_REQUEST/REQUEST_COMPLETE; a header block of CRLF-terminated
// `Name: value` lines, Status first and valid, no header twice (Set-Cookie
// excepted), Content-Type present, Content-Length equal to the body's bytes;
// and a JSON body that parses wherever the answer says it is JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { PASSWORD } from './accounts.mjs';

const CONFIG = process.env.SHINCHOKU_TEST_CONFIG;
if (!CONFIG) process.exit(77);
const SRC = process.env.SHINCHOKU_SOURCE_DIR;

// The socket, from the stack's `listen = unix:/path`.
function socketPath() {
  const m = readFileSync(CONFIG, 'utf8').match(/^\s*listen\s*=\s*"?unix:([^"\s]+)"?\s*$/m);
  if (!m) throw new Error(`${CONFIG}: no "listen = unix:…" line`);
  return m[1];
}
const SOCKET = socketPath();

// ---------------------------------------------------------------- the protocol

const FCGI = { BEGIN_REQUEST: 1, ABORT_REQUEST: 2, END_REQUEST: 3, PARAMS: 4, STDIN: 5, STDOUT: 6, STDERR: 7 };
const RESPONDER = 1;
const REQUEST_COMPLETE = 0;
const REQUEST_ID = 1;

function record(type, content = Buffer.alloc(0)) {
  const out = [];
  // A record holds at most 65535 bytes of content: longer streams are split.
  for (let off = 0; off < content.length || out.length === 0; off += 65535) {
    const part = content.subarray(off, off + 65535);
    const padding = (8 - (part.length % 8)) % 8;
    const h = Buffer.alloc(8);
    h.writeUInt8(1, 0); // version
    h.writeUInt8(type, 1);
    h.writeUInt16BE(REQUEST_ID, 2);
    h.writeUInt16BE(part.length, 4);
    h.writeUInt8(padding, 6);
    out.push(h, part, Buffer.alloc(padding));
  }
  return Buffer.concat(out);
}

function nvLength(n) {
  if (n < 128) return Buffer.from([n]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0);
  return b;
}

function encodeParams(params) {
  return Buffer.concat(Object.entries(params).flatMap(([k, v]) => {
    const name = Buffer.from(k), value = Buffer.from(String(v));
    return [nvLength(name.length), nvLength(value.length), name, value];
  }));
}

// The parameters nginx's fastcgi_params sends that the server reads.
function paramsFor(method, target, headers, body, remote = '127.0.0.1') {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const p = {
    GATEWAY_INTERFACE: 'CGI/1.1', SERVER_PROTOCOL: 'HTTP/1.1', SERVER_SOFTWARE: 'fastcgi.test',
    REQUEST_METHOD: method, REQUEST_URI: target, DOCUMENT_URI: path, SCRIPT_NAME: path,
    QUERY_STRING: q < 0 ? '' : target.slice(q + 1),
    REMOTE_ADDR: remote, REMOTE_PORT: '40000', SERVER_ADDR: '127.0.0.1', SERVER_PORT: '80',
    SERVER_NAME: 'localhost', HTTP_HOST: 'localhost',
    CONTENT_TYPE: headers['content-type'] ?? '', CONTENT_LENGTH: body.length ? String(body.length) : '',
  };
  for (const [k, v] of Object.entries(headers)) {
    if (k === 'content-type') continue;
    p['HTTP_' + k.toUpperCase().replace(/-/g, '_')] = v;
  }
  return p;
}

// Sends one request on a connection of its own (as nginx does with
// fastcgi_keep_conn off) and returns {stdout, stderr, appStatus} once the
// server ended the request and closed. Throws on any breach of the protocol.
function fcgiRequest(method, target, { headers = {}, body = '', remote } = {}) {
  const bodyBuf = Buffer.from(body);
  const params = encodeParams(paramsFor(method, target, headers, bodyBuf, remote));
  const begin = Buffer.alloc(8);
  begin.writeUInt16BE(RESPONDER, 0); // flags 0: the server closes after the request
  const wire = Buffer.concat([
    record(FCGI.BEGIN_REQUEST, begin),
    record(FCGI.PARAMS, params), record(FCGI.PARAMS),
    ...(bodyBuf.length ? [record(FCGI.STDIN, bodyBuf)] : []), record(FCGI.STDIN),
  ]);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = createConnection({ path: SOCKET });
    const fail = (e) => { sock.destroy(); reject(e); };
    sock.setTimeout(20000, () => fail(new Error(`${method} ${target}: no answer within 20 s`)));
    sock.on('error', fail);
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => {
      try { resolve(parseRecords(Buffer.concat(chunks), `${method} ${target}`)); } catch (e) { reject(e); }
    });
    sock.write(wire);
  });
}

function parseRecords(buf, where) {
  const stdout = [], stderr = [];
  let off = 0, end = null;
  while (off < buf.length) {
    assert.ok(end === null, `${where}: ${buf.length - off} bytes after END_REQUEST`);
    assert.ok(buf.length - off >= 8, `${where}: truncated record header`);
    const version = buf.readUInt8(off), type = buf.readUInt8(off + 1);
    const id = buf.readUInt16BE(off + 2), len = buf.readUInt16BE(off + 4), pad = buf.readUInt8(off + 6);
    assert.equal(version, 1, `${where}: record version`);
    assert.equal(id, REQUEST_ID, `${where}: record request id`);
    assert.ok(off + 8 + len + pad <= buf.length, `${where}: truncated record content`);
    const content = buf.subarray(off + 8, off + 8 + len);
    off += 8 + len + pad;
    if (type === FCGI.STDOUT) stdout.push(content);
    else if (type === FCGI.STDERR) stderr.push(content);
    else if (type === FCGI.END_REQUEST) {
      assert.equal(len, 8, `${where}: END_REQUEST body length`);
      end = { appStatus: content.readUInt32BE(0), protocolStatus: content.readUInt8(4) };
    } else assert.fail(`${where}: unexpected record type ${type}`);
  }
  assert.ok(end, `${where}: the connection closed without END_REQUEST`);
  assert.equal(end.protocolStatus, REQUEST_COMPLETE, `${where}: protocol status`);
  return { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), appStatus: end.appStatus };
}

// ---------------------------------------------------------------- the answer

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A field value: visible characters, spaces and tabs inside, none at the ends.
const VALUE = /^[\x21-\x7e\x80-\xff](?:[\x20-\x7e\x80-\xff\t]*[\x21-\x7e\x80-\xff])?$/;

// Checks the CGI answer of one request and returns {status, headers, body}.
function checkAnswer(where, { stdout, stderr, appStatus }) {
  assert.equal(appStatus, 0, `${where}: application status`);
  assert.equal(stderr, '', `${where}: nothing on FCGI_STDERR`);
  const sep = stdout.indexOf('\r\n\r\n');
  assert.ok(sep > 0, `${where}: a header block ended by an empty line: ${JSON.stringify(stdout.subarray(0, 300).toString('latin1'))}`);
  const block = stdout.subarray(0, sep).toString('latin1');
  const body = stdout.subarray(sep + 4);
  const lines = block.split('\r\n');
  const headers = new Map();
  const seen = [];
  lines.forEach((line, i) => {
    assert.ok(!/[\r\n]/.test(line), `${where}: a bare CR or LF in header line ${i + 1}: ${JSON.stringify(line)}`);
    const m = line.match(/^([^:]*): (.*)$/);
    assert.ok(m, `${where}: header line ${i + 1} is not "Name: value": ${JSON.stringify(line)}`);
    const [, name, value] = m;
    assert.match(name, TOKEN, `${where}: header name ${JSON.stringify(name)} is not a token`);
    assert.match(value, VALUE, `${where}: header ${name} has an empty or malformed value: ${JSON.stringify(value)}`);
    const key = name.toLowerCase();
    if (key !== 'set-cookie') assert.ok(!headers.has(key), `${where}: header ${name} twice`);
    headers.set(key, value);
    seen.push(key);
  });
  assert.equal(seen[0], 'status', `${where}: Status is the first header, got ${lines[0]}`);
  const sm = headers.get('status').match(/^([1-5][0-9]{2}) ([\x20-\x7e]+)$/);
  assert.ok(sm, `${where}: Status ${JSON.stringify(headers.get('status'))} is "NNN Reason"`);
  const status = Number(sm[1]);
  assert.ok(status >= 200 && status <= 599, `${where}: Status ${status}`);
  assert.ok(headers.has('content-type'), `${where}: Content-Type present`);
  assert.ok(headers.has('content-length'), `${where}: Content-Length present`);
  assert.match(headers.get('content-length'), /^(0|[1-9][0-9]*)$/, `${where}: Content-Length is a number`);
  assert.equal(Number(headers.get('content-length')), body.length, `${where}: Content-Length equals the body's bytes`);
  if (/^application\/json\b/.test(headers.get('content-type'))) {
    try { JSON.parse(body.toString('utf8')); } catch (e) {
      assert.fail(`${where}: the body is not JSON (${e.message}): ${body.subarray(0, 200).toString('utf8')}`);
    }
  }
  return { status, headers, body };
}

async function call(method, target, opts = {}) {
  const where = `${method} ${target}`;
  const a = checkAnswer(where, await fcgiRequest(method, target, opts));
  const json = /^application\/json\b/.test(a.headers.get('content-type'))
    ? JSON.parse(a.body.toString('utf8')) : null;
  return { ...a, json, where };
}

// ---------------------------------------------------------------- every route

// The route table as the server has it: "METHOD /pattern" for each ROUTE().
function routeTable() {
  const src = readFileSync(join(SRC, 'src', 'api', 'routes.c'), 'utf8');
  const routes = [...src.matchAll(/ROUTE\(\s*([A-Z]+)\s*,\s*"([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.ok(routes.length > 10, 'routes.c parsed');
  return routes;
}

const JSON_BODY = { 'content-type': 'application/json' };
const OPINION = { topic: '計画全体', summary: 'x', outcome: 'partly' };

// One representative request per route. Reads use real ids and a signed-in
// admin, so that they answer 200 with real bodies; writes are sent without a
// session and must be refused (401/403) with a well-formed answer, except
// the session itself, which is opened and closed for real.
function requests(ids, auth) {
  const { plan, activity, round, request, user, fy } = ids;
  const get = (status = [200]) => ({ method: 'GET', headers: auth, status });
  const refused = (method, body, extra = {}) =>
    ({ method, headers: { ...JSON_BODY, ...extra }, body: JSON.stringify(body), status: [401, 403] });
  return {
    'GET /api/health': [`/api/health`, get()],
    'GET /api/metrics': [`/api/metrics`, get()],
    'GET /api/statuses': [`/api/statuses`, get()],
    'GET /api/plans': [`/api/plans`, get()],
    'GET /api/plans/{id}': [`/api/plans/${plan}`, get()],
    'GET /api/plans/{id}/milestones': [`/api/plans/${plan}/milestones`, get()],
    'GET /api/departments': [`/api/departments`, get()],
    'GET /api/activities': [`/api/activities?fy=${fy}&limit=500`, get()],
    'GET /api/activities/{id}': [`/api/activities/${activity}`, get()],
    'GET /api/indicators': [`/api/indicators`, get()],
    'GET /api/reports/{fy}/summary': [`/api/reports/${fy}/summary`, get()],
    'GET /api/reports/{fy}/appendix': [`/api/reports/${fy}/appendix`, get()],
    'GET /api/reports/{fy}/progress.csv': [`/api/reports/${fy}/progress.csv`, get()],
    'GET /api/reports/{fy}/progress.xlsx': [`/api/reports/${fy}/progress.xlsx`, get()],
    'POST /api/reports/{fy}/import': [`/api/reports/${fy}/import?dry_run=true`,
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'seq\r\n', status: [401, 403] }],
    'GET /api/reports/{fy}/differences': [`/api/reports/${fy}/differences`, get()],
    'GET /api/rounds': [`/api/rounds`, get()],
    'POST /api/rounds': [`/api/rounds`, refused('POST', { fiscal_year: fy, due_date: '2099-05-31' })],
    // No round may exist yet: then a well-formed 404 is the answer.
    'GET /api/rounds/{id}': [`/api/rounds/${round ?? 999999}`, get(round ? [200] : [404])],
    'POST /api/rounds/{id}/closure': [`/api/rounds/${round ?? 999999}/closure`, refused('POST', {}, { 'if-match': '"1"' })],
    'GET /api/rounds/{id}/my-updates': [`/api/rounds/${round ?? 999999}/my-updates`, get(round ? [200] : [404])],
    'GET /api/fiscal-years': [`/api/fiscal-years`, get()],
    'POST /api/fiscal-years': [`/api/fiscal-years`, refused('POST', { fiscal_year: fy + 1 })],
    'PATCH /api/fiscal-years/{fy}': [`/api/fiscal-years/${fy}`, refused('PATCH', { locked: true }, { 'if-match': '"1"' })],
    'POST /api/session': null, // done for real below
    'GET /api/session': [`/api/session`, get()],
    'DELETE /api/session': null, // done for real below
    'PATCH /api/activities/{id}/years/{fy}': [`/api/activities/${activity}/years/${fy}`,
      refused('PATCH', { result: 'x' }, { 'if-match': '"1"' })],
    'POST /api/activities/{id}/years/{fy}/status-requests': [`/api/activities/${activity}/years/${fy}/status-requests`,
      refused('POST', { status: 'delayed', reason: 'x' })],
    'GET /api/status-requests': [`/api/status-requests?state=all`, get()],
    'POST /api/status-requests/{id}/decision': [`/api/status-requests/${request ?? 1}/decision`,
      refused('POST', { decision: 'reject', comment: 'x' })],
    'POST /api/status-requests/{id}/withdrawal': [`/api/status-requests/${request ?? 1}/withdrawal`, refused('POST', {})],
    'GET /api/audit': [`/api/audit?entity=activity_year&id=${activity}/${fy}`, get()],
    'GET /api/activities/{id}/history': [`/api/activities/${activity}/history?limit=5`, get()],
    'GET /api/activities/{id}/status-requests': [`/api/activities/${activity}/status-requests`, get()],
    'GET /api/dashboard': [`/api/dashboard?fy=${fy}`, get()],
    'GET /api/users': [`/api/users`, get()],
    'POST /api/users': [`/api/users`, refused('POST', { login: 'fcgi-test', display_name: 'x', role: 'viewer', password: 'x'.repeat(12) })],
    'PATCH /api/users/{id}': [`/api/users/${user}`, refused('PATCH', { display_name: 'x' }, { 'if-match': '"1"' })],
    'POST /api/users/{id}/password': [`/api/users/${user}/password`, refused('POST', { password: 'x'.repeat(12) })],
    'GET /api/plans/{id}/transitions': [`/api/plans/${plan}/transitions`, get()],
    'POST /api/plans/{id}/transitions': [`/api/plans/${plan}/transitions`, refused('POST', { to: 'archived' }, { 'if-match': '"1"' })],
    'POST /api/plans/{id}/milestones': [`/api/plans/${plan}/milestones`, refused('POST', { title: 'x', planned_month: '2026-01' })],
    'PATCH /api/milestones/{id}': [`/api/milestones/1`, refused('PATCH', { state: 'done' }, { 'if-match': '"1"' })],
    // Public input: the seed has no session or opinion, so those reads are a well-formed 404.
    'GET /api/plans/{id}/public-comment': [`/api/plans/${plan}/public-comment`, get()],
    'PUT /api/plans/{id}/public-comment': [`/api/plans/${plan}/public-comment`, refused('PUT', { submitters: 1 }, { 'if-match': '"1"' })],
    'GET /api/plans/{id}/public-comment.csv': [`/api/plans/${plan}/public-comment.csv`, get()],
    'GET /api/plans/{id}/public-comment/opinions': [`/api/plans/${plan}/public-comment/opinions`, get()],
    'POST /api/plans/{id}/public-comment/opinions': [`/api/plans/${plan}/public-comment/opinions`, refused('POST', OPINION)],
    'PATCH /api/public-comment-opinions/{id}': [`/api/public-comment-opinions/1`, refused('PATCH', { count: 2 }, { 'if-match': '"1"' })],
    'DELETE /api/public-comment-opinions/{id}': [`/api/public-comment-opinions/1`, refused('DELETE', {}, { 'if-match': '"1"' })],
    'GET /api/plans/{id}/exchange-sessions': [`/api/plans/${plan}/exchange-sessions`, get()],
    'POST /api/plans/{id}/exchange-sessions': [`/api/plans/${plan}/exchange-sessions`,
      refused('POST', { title: 'x', held_on: '2025-11-15', online: true })],
    'GET /api/exchange-sessions/{id}': [`/api/exchange-sessions/999999`, get([404])],
    'PATCH /api/exchange-sessions/{id}': [`/api/exchange-sessions/1`, refused('PATCH', { participants: 2 }, { 'if-match': '"1"' })],
    'DELETE /api/exchange-sessions/{id}': [`/api/exchange-sessions/1`, refused('DELETE', {}, { 'if-match': '"1"' })],
    'GET /api/exchange-sessions/{id}/opinions': [`/api/exchange-sessions/999999/opinions`, get([404])],
    'POST /api/exchange-sessions/{id}/opinions': [`/api/exchange-sessions/1/opinions`, refused('POST', OPINION)],
    'PATCH /api/exchange-session-opinions/{id}': [`/api/exchange-session-opinions/1`, refused('PATCH', { count: 2 }, { 'if-match': '"1"' })],
    'DELETE /api/exchange-session-opinions/{id}': [`/api/exchange-session-opinions/1`, refused('DELETE', {}, { 'if-match': '"1"' })],
    'GET /api/plans/{id}/outline': [`/api/plans/${plan}/outline`, get()],
    'POST /api/plans/{id}/goals': [`/api/plans/${plan}/goals`, refused('POST', { number: 9, title: 'x' })],
    'PATCH /api/goals/{id}': [`/api/goals/1`, refused('PATCH', { title: 'x' }, { 'if-match': '"1"' })],
    'DELETE /api/goals/{id}': [`/api/goals/1`, refused('DELETE', undefined, { 'if-match': '"1"' })],
    'POST /api/plans/{id}/measures': [`/api/plans/${plan}/measures`, refused('POST', { code: '1-9-①', name: 'x' })],
    'GET /api/measures/{id}': [`/api/measures/1`, get()],
    'PATCH /api/measures/{id}': [`/api/measures/1`, refused('PATCH', { name: 'x' }, { 'if-match': '"1"' })],
    'DELETE /api/measures/{id}': [`/api/measures/1`, refused('DELETE', undefined, { 'if-match': '"1"' })],
    'POST /api/measures/{id}/activities': [`/api/measures/1/activities`, refused('POST', { name: 'x' })],
    'PATCH /api/activities/{id}': [`/api/activities/${activity}`, refused('PATCH', { name: 'x' }, { 'if-match': '"1"' })],
    'DELETE /api/activities/{id}': [`/api/activities/${activity}`, refused('DELETE', undefined, { 'if-match': '"1"' })],
    'POST /api/activities/{id}/departments': [`/api/activities/${activity}/departments`, refused('POST', { department_id: 1 })],
    'PATCH /api/activities/{id}/departments/{department}': [`/api/activities/${activity}/departments/1`,
      refused('PATCH', { position: 1 }, { 'if-match': '"1"' })],
    'DELETE /api/activities/{id}/departments/{department}': [`/api/activities/${activity}/departments/1`,
      refused('DELETE', undefined, { 'if-match': '"1"' })],
    'POST /api/plans/{id}/carry-over': [`/api/plans/${plan}/carry-over`, refused('POST', { measure_id: 1 })],
    'POST /api/plans/{id}/proposals': [`/api/plans/${plan}/proposals`, refused('POST', { measure_id: 1, name: 'x' })],
    'GET /api/plans/{id}/proposals': [`/api/plans/${plan}/proposals`, get()],
    'POST /api/proposals/{id}/decision': [`/api/proposals/1/decision`, refused('POST', { accept: true }, { 'if-match': '"1"' })],
    'GET /api/plans/{id}/comparison': [`/api/plans/${plan}/comparison?with=${plan}`, get()],
    'GET /api/plans/{id}/comparison.csv': [`/api/plans/${plan}/comparison.csv?with=${plan}`, get()],
    'GET /api/indicators/{id}': [`/api/indicators/1`, get()],
    'POST /api/plans/{id}/indicators': [`/api/plans/${plan}/indicators`, refused('POST', { goal_id: 1, name: 'x', unit: '件' })],
    'PATCH /api/indicators/{id}': [`/api/indicators/1`, refused('PATCH', { name: 'x' }, { 'if-match': '"1"' })],
    'DELETE /api/indicators/{id}': [`/api/indicators/1`, refused('DELETE', undefined, { 'if-match': '"1"' })],
    'POST /api/indicators/{id}/values': [`/api/indicators/1/values`,
      refused('POST', { fiscal_year: fy, kind: 'actual', value: '1', text: '1' })],
    'PATCH /api/indicators/{id}/values/{fy}': [`/api/indicators/1/values/${fy}?kind=actual`,
      refused('PATCH', { text: 'x' }, { 'if-match': '"1"' })],
    'DELETE /api/indicators/{id}/values/{fy}': [`/api/indicators/1/values/${fy}?kind=actual`,
      refused('DELETE', undefined, { 'if-match': '"1"' })],
    'POST /api/plans/{id}/footnotes': [`/api/plans/${plan}/footnotes`, refused('POST', { number: 9, text: 'x' })],
    'PATCH /api/plans/{id}/footnotes/{number}': [`/api/plans/${plan}/footnotes/1`, refused('PATCH', { text: 'x' }, { 'if-match': '"1"' })],
    'POST /api/indicators/{id}/notes': [`/api/indicators/1/notes`, refused('POST', { number: 1 })],
    'DELETE /api/indicators/{id}/notes/{number}': [`/api/indicators/1/notes/1`, refused('DELETE', undefined)],
  };
}

test('every route answers a well-formed FastCGI response', async (t) => {
  const fy = 2024;
  const signin = await call('POST', '/api/session', {
    headers: JSON_BODY, body: JSON.stringify({ login: 'admin', password: PASSWORD }),
  });
  assert.equal(signin.status, 200, `${signin.where}: ${signin.body}`);
  const cookie = signin.headers.get('set-cookie').split(';')[0];
  const auth = { cookie, 'x-csrf-token': signin.json.csrf_token };
  const read = async (target) => {
    const r = await call('GET', target, { headers: auth });
    assert.equal(r.status, 200, `${r.where}: ${r.body}`);
    return r.json;
  };

  // Real ids, from the API itself.
  const ids = { fy };
  ids.plan = (await read('/api/plans')).items[0].id;
  ids.activity = (await read(`/api/activities?fy=${fy}&limit=1`)).items[0].id;
  ids.round = (await read('/api/rounds')).items[0]?.id;
  ids.request = (await read('/api/status-requests?state=all')).items[0]?.id;
  ids.user = (await read('/api/users')).items.find((u) => u.login === 'viewer').id;

  const table = requests(ids, auth);
  const routes = routeTable();
  assert.deepEqual([...routes].sort(), Object.keys(table).sort(),
    'a representative request for every route of routes.c, and none for a route that is gone');

  for (const route of routes) {
    if (table[route] === null) continue;
    const [target, { method, headers, body, status }] = table[route];
    await t.test(`${route}: ${method} ${target}`, async () => {
      const r = await call(method, target, { headers, body });
      assert.ok(status.includes(r.status), `${r.where}: status ${r.status}, expected ${status}: ${r.body.subarray(0, 300)}`);
      if (target.endsWith('.csv')) assert.match(r.headers.get('content-type'), /^text\/csv/);
      if (target.endsWith('.xlsx')) assert.equal(r.body.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) body');
    });
  }

  // The door's own answers: an unknown path, a known path with the wrong
  // method, a body that is not JSON.
  await t.test('the door: 404, 405, 415', async () => {
    assert.equal((await call('GET', '/api/no-such-thing')).status, 404);
    const wrong = await call('PUT', '/api/health');
    assert.equal(wrong.status, 405);
    assert.equal((await call('POST', '/api/users', { headers: { ...auth, 'content-type': 'text/plain' }, body: 'x' })).status, 415);
  });

  // The metrics: the loopback or an admin; anyone else 401 (403 signed in).
  await t.test('GET /api/metrics from another address', async () => {
    const far = { remote: '192.0.2.7' };
    assert.equal((await call('GET', '/api/metrics', far)).status, 401);
    const admin = await call('GET', '/api/metrics', { ...far, headers: auth });
    assert.equal(admin.status, 200);
    assert.match(admin.body.toString('utf8'), /^shinchoku_requests_total\{route="\/api\/metrics",status="200"\} \d+$/m);
    assert.equal((await call('GET', '/api/metrics')).status, 200, 'the loopback needs no session');
  });

  await t.test('DELETE /api/session (signing out for real)', async () => {
    const r = await call('DELETE', '/api/session', { headers: auth });
    assert.ok([200, 204].includes(r.status), `${r.where}: ${r.status} ${r.body}`);
    assert.equal((await call('GET', '/api/session', { headers: auth })).status, 401, 'the session is over');
  });
});

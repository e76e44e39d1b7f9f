// Every error the API can send reaches the screen in Japanese, naming its
// field in Japanese, and never as English, a constraint name or SQL:
// - the sources are walked for every code and field the server can send
//   (http_error calls, the refusal table, body fields, query parameters,
//   path parameters), and www/api.js must have Japanese for each;
// - a sample of real 4xx answers of each kind of endpoint is turned into
//   the page's message (ApiError) and checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, anonymous, signIn } from './accounts.mjs';

const SRC = process.env.SHINCHOKU_SOURCE_DIR || new URL('../..', import.meta.url).pathname;

// www/api.js is a browser module (.js, no imports): loaded here as .mjs.
const copy = join(mkdtempSync(join(tmpdir(), 'shinchoku-api-')), 'api.mjs');
writeFileSync(copy, readFileSync(join(SRC, 'www/api.js'), 'utf8'));
const { ApiError, MESSAGES, FIELDS, readable } = await import(copy);

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

function sources(dir) {
  return readdirSync(join(SRC, dir), { recursive: true })
    .filter((f) => f.endsWith('.c'))
    .map((f) => readFileSync(join(SRC, dir, f), 'utf8'));
}
const C = [...sources('src/api'), ...sources('src/http'), ...sources('src/server'), ...sources('src/db')].join('\n');
const all = (re) => [...C.matchAll(re)].map((m) => m[1]);

test('every error code the server can send has a Japanese message', () => {
  const codes = new Set([
    ...all(/http_error\([^,]+,\s*\d+,\s*"([a-z_]+)"/g),
    ...all(/\{"[A-Z0-9]+",\s*(?:NULL|"[a-z0-9_]+"),\s*\d+,\s*"([a-z_]+)"/g), // src/db/refusal.c
    ...all(/"code",\s*json_object_new_string\("([a-z_]+)"\)/g),
    'unavailable', // nginx, when the application server is away (conf/)
  ]);
  assert.ok(codes.size >= 30, `found ${codes.size} codes`);
  const missing = [...codes].filter((c) => !MESSAGES[c] || !JAPANESE.test(MESSAGES[c]));
  assert.deepEqual(missing, [], 'codes without a Japanese message in www/api.js');
  for (const m of Object.values(MESSAGES)) assert.ok(readable(m), m);
});

test('every field the server can name has a Japanese name', () => {
  const fields = new Set([
    ...all(/http_error\([^,]+,\s*\d+,\s*"[a-z_]+",\s*"([A-Za-z_-]+)"/g),
    ...all(/\{"[A-Z0-9]+",\s*(?:NULL|"[a-z0-9_]+"),\s*\d+,\s*"[a-z_]+",\s*"([a-z_]+)"/g),
    ...all(/\.name = "([a-z_]+)"/g), // body fields of the endpoints
    ...all(/\{"([a-z_]+)",\s*valid_[a-z_]+/g), // query parameters
    ...all(/"\/api\/[^"]*\{([a-z_]+)\}/g), // path parameters
  ]);
  assert.ok(fields.size >= 60, `found ${fields.size} fields`);
  const missing = [...fields].filter((f) => !FIELDS[f] || !JAPANESE.test(FIELDS[f]));
  assert.deepEqual(missing, [], 'fields without a Japanese name in www/api.js');
});

test('the page never shows the server\'s English, a constraint name or SQL', () => {
  const cases = [
    [400, { code: 'bad_parameter', field: 'fy', message: 'fy: must be a fiscal year from 2000 to 2100' }, /検索条件に誤りがあります（年度）/],
    [409, { code: 'conflict', field: 'login', message: 'このログイン ID はすでに使われています。' }, /このログイン ID はすでに使われています/],
    [409, { code: 'locked', field: 'fiscal_year', message: '令和6年度は締め切られているため、変更できません。' }, /令和6年度は締め切られている/],
    [400, { code: 'constraint', message: 'new row violates check constraint "app_user_check"' }, /登録ルールに合いません/],
    [500, { code: 'something_new', message: 'ERROR: syntax error at or near' }, /エラーが発生しました（500）/],
    [503, null, /サーバーが一時的に応答していません/],
  ];
  for (const [status, error, expect] of cases) {
    const e = new ApiError(status, error ? { error } : null);
    assert.match(e.message, expect);
    assert.ok(readable(e.message), e.message);
  }
});

// Real answers: one 4xx of each kind, as the page would show them.
test('a sample of real 4xx answers, as the page shows them', { skip: !BASE }, async () => {
  const admin = await signIn('admin');
  const staff = await signIn('koseki-staff');
  const some = (await anonymous.get('/api/activities?limit=1')).body.items[0];
  const answers = [
    await anonymous.get('/api/activities?fy=1999'), // bad_parameter fy
    await anonymous.get('/api/activities?nonsense=1'), // unknown parameter
    await anonymous.get('/api/nothing-here'), // not_found
    await anonymous.post('/api/session', { login: 'admin', password: 'wrong-password' }), // bad_credentials
    await anonymous.patch(`/api/activities/${some.id}/years/2024`, { result: 'x' }), // unauthenticated
    await staff.get('/api/users'), // forbidden
    await staff.patch(`/api/activities/${some.id}/years/2024`, { result: 'x' }, { csrf: false }), // csrf
    await admin.patch(`/api/activities/${some.id}/years/2024`, { result: 'x' }), // precondition_required
    await admin.patch(`/api/activities/${some.id}/years/2024`, { result: 'x' }, { headers: { 'If-Match': 'abc' } }), // bad_header
    await admin.patch(`/api/activities/${some.id}/years/2024`, { nope: 1 }, { headers: { 'If-Match': '"1"' } }), // bad_field
    await admin.post('/api/users', { login: 'admin', display_name: '重複', role: 'viewer', password: 'long-enough-password' }), // duplicate login
    await admin.post('/api/users', { login: 'short-pass', display_name: '短い', role: 'viewer', password: 'short' }), // password rule
    await admin.post('/api/reports/2024/import', { a: 1 }), // unsupported_media_type
    await admin.post('/api/reports/2024/import?dry_run=true', 'seq\r\n9999\r\n', { headers: { 'Content-Type': 'text/csv' } }), // import_problems
    await admin.post(`/api/activities/${some.id}/years/2024/status-requests`, { status: '△', reason: '' }), // reason required
    await admin.del('/api/plans'), // method_not_allowed
  ];
  // A stale version is the record as it is now, with who wrote it last and
  // when, for the page's conflict panel (not an error text).
  const stale = await admin.patch(`/api/activities/${some.id}/years/2024`, { result: 'x' }, { headers: { 'If-Match': '"999999"' } });
  assert.equal(stale.status, 409);
  assert.ok('updated_by' in stale.body && stale.body.updated_at, stale.text);
  const seen = new Set();
  for (const r of answers) {
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
    assert.equal(typeof r.body?.error?.code, 'string', r.text);
    seen.add(r.body.error.code);
    const e = new ApiError(r.status, r.body);
    assert.ok(readable(e.message), `${r.body.error.code}: ${e.message}`);
    if (FIELDS[r.body.error.field] && !readable(r.body.error.message)) {
      assert.ok(e.message.includes(FIELDS[r.body.error.field]), `${r.body.error.field} named in ${e.message}`);
    }
    for (const p of r.body.problems || []) assert.ok(readable(p.message.replace(/progress\.csv|--decided/g, '')), p.message);
  }
  assert.ok(seen.size >= 10, [...seen].join(' '));
  // Duplicate login and the password rule, as the admin page shows them.
  assert.equal(new ApiError(answers[10].status, answers[10].body).message, 'このログイン ID はすでに使われています。');
  assert.equal(new ApiError(answers[11].status, answers[11].body).message, 'パスワードは10文字以上にしてください。');
  // The import's problems name the line and the year in Japanese.
  const imp = answers[13].body;
  assert.ok(imp.problems.some((p) => /見出し行/.test(p.message)), JSON.stringify(imp.problems));
  const rows = await admin.post('/api/reports/2024/import?dry_run=true',
    `${(await (await fetch(`${BASE}/api/reports/2024/progress.csv`)).text()).replace(/^\uFEFF/, '').split('\r\n')[0]}\r\n9999,1-1-①,x,x,,,,,,\r\n`,
    { headers: { 'Content-Type': 'text/csv' } });
  assert.equal(rows.status, 422);
  assert.equal(rows.body.problems[0].line, 2);
  assert.equal(rows.body.problems[0].message, '令和6年度の報告に、番号「9999」の行はありません。');
});

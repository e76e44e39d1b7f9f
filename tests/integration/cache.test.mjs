// The data version (sql/011), ETag/304, the response cache and its
// compressed copies, and /api/metrics. The stale-read test rewrites the
// stack's config (3 workers, the cache on, then off), reloads the master
// with SIGHUP, and restores both at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { skipUnlessStack, sql, signIn, anonymous, activitiesOf, year, BASE } from './accounts.mjs';

skipUnlessStack();

const LIST = '/api/activities?fy=2024&limit=200';
// A GET as sent and answered, bytes untouched (fetch would decompress):
// { status, headers: { get(name) }, body: Buffer }. Plain unless asked.
const raw = (path, headers = {}) => new Promise((resolve, reject) => {
  const req = request(BASE + path, { headers: { 'Accept-Encoding': 'identity', ...headers } }, (res) => {
    const parts = [];
    res.on('data', (c) => parts.push(c));
    res.on('end', () => resolve({
      status: res.statusCode, body: Buffer.concat(parts),
      headers: { get: (n) => res.headers[n.toLowerCase()] ?? null },
    }));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end();
});
const version = () => BigInt(sql('SELECT v FROM data_version'));

// Tables that no answer reads, written on every sign-in or request, and the
// version's own. Any other table without the trigger fails the first test:
// a migration that adds one calls data_version_watch('its_name').
const UNWATCHED = ['data_version', 'data_version_mark', 'login_failure', 'schema_migration', 'session'];

test('every table of schema public but the listed ones carries the data_version trigger', () => {
  const missing = sql(`SELECT coalesce(string_agg(c.relname, ',' ORDER BY c.relname), '')
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND c.relname NOT IN (${UNWATCHED.map((t) => `'${t}'`).join(', ')})
      AND NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE t.tgrelid = c.oid AND p.proname = 'data_version_touch'
          AND t.tgtype & 1 = 0 AND t.tgenabled <> 'D')`);
  assert.equal(missing, '', `tables without a statement-level data_version trigger: ${missing}`);
  // The listed ones exist: a rename would leave a table unwatched unnoticed.
  assert.equal(Number(sql(`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname IN (${UNWATCHED.map((t) => `'${t}'`).join(', ')})`)), UNWATCHED.length);
});

test('a committed write bumps the version once; a rolled-back one does not', () => {
  const v0 = version();
  sql('UPDATE department SET name = name WHERE id = -1');
  const v1 = version();
  assert.ok(v1 > v0, `bumped (${v0} -> ${v1})`);
  sql("BEGIN; UPDATE department SET name = name WHERE id = -1; UPDATE plan SET id = id WHERE id = -1; ROLLBACK");
  assert.equal(version(), v1, 'a rollback leaves it');
  sql('BEGIN; UPDATE department SET name = name WHERE id = -1; UPDATE plan SET id = id WHERE id = -1; COMMIT');
  assert.ok(version() > v1);
  assert.equal(sql('SELECT count(*) FROM data_version_mark'), '0', 'no mark is left behind');
});

test('GET answers carry a strong ETag; If-None-Match gets 304 without a body; a write changes it', async () => {
  const a = await raw(LIST);
  const tag = a.headers.get('etag');
  assert.match(tag, /^"[0-9a-f]+-[0-9a-f]{16}"$/);
  assert.equal(a.headers.get('vary'), 'Accept-Encoding');
  const b = await raw(LIST, { 'If-None-Match': tag });
  assert.equal(b.status, 304);
  assert.equal(b.body.length, 0);
  assert.equal(b.headers.get('etag'), tag);
  // W/ and a list are understood; another query is another answer.
  assert.equal((await raw(LIST, { 'If-None-Match': `"x", W/${tag}` })).status, 304);
  const other = await raw('/api/activities?fy=2024&limit=199', { 'If-None-Match': tag });
  assert.equal(other.status, 200);
  sql('UPDATE department SET name = name WHERE id = -1');
  const c = await raw(LIST, { 'If-None-Match': tag });
  assert.equal(c.status, 200, 'the old tag no longer matches after a write');
  assert.notEqual(c.headers.get('etag'), tag);
});

test('signed answers are tagged per session; a record ETag for If-Match is kept', async () => {
  const s1 = await signIn('koseki-staff');
  const s2 = await signIn('koseki-staff');
  const m1 = await s1.get('/api/session');
  const m2 = await s2.get('/api/session');
  assert.notEqual(m1.headers.get('etag'), m2.headers.get('etag'));
  const again = await s1.get('/api/session', { headers: { 'If-None-Match': m1.headers.get('etag') } });
  assert.equal(again.status, 304);
  // Another session presenting that tag gets its own answer.
  assert.equal((await s2.get('/api/session', { headers: { 'If-None-Match': m1.headers.get('etag') } })).status, 200);
  // Health is live: never tagged.
  assert.equal((await anonymous.get('/api/health')).headers.get('etag'), null);
});

test('gzip and br answers decompress to the plain bytes; small answers stay plain', async () => {
  const plain = (await raw(LIST)).body;
  for (const [enc, unzip] of [['gzip', gunzipSync], ['br', brotliDecompressSync]]) {
    for (let i = 0; i < 2; i++) { // made on the first, from the cache on the second
      const r = await raw(LIST, { 'Accept-Encoding': enc });
      assert.equal(r.headers.get('content-encoding'), enc);
      assert.match(r.headers.get('etag'), new RegExp(`-${enc === 'gzip' ? 'gz' : 'br'}"$`));
      const { body } = r;
      assert.ok(body.length < plain.length / 3, `${enc} is smaller (${body.length} < ${plain.length})`);
      assert.ok(unzip(body).equals(plain), `${enc} decompresses to the same bytes`);
    }
  }
  const best = await raw(LIST, { 'Accept-Encoding': 'gzip, deflate, br;q=0' });
  assert.equal(best.headers.get('content-encoding'), 'gzip', 'br;q=0 refuses br');
  const csv = await raw('/api/reports/2024/progress.csv', { 'Accept-Encoding': 'br' });
  const csvPlain = (await raw('/api/reports/2024/progress.csv')).body;
  assert.ok(brotliDecompressSync(csv.body).equals(csvPlain), 'the CSV too');
  const small = await raw('/api/statuses', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(small.headers.get('content-encoding'), null);
});

// ---- stale reads across workers, the cache on and off ----

const CONF = process.env.SHINCHOKU_TEST_CONFIG;
const PIDFILE = process.env.SHINCHOKU_TEST_PIDFILE;
const original = CONF ? readFileSync(CONF, 'utf8') : null;
const masterPid = () => Number(readFileSync(PIDFILE, 'utf8').trim());
const children = (m) => {
  const t = readFileSync(`/proc/${m}/task/${m}/children`, 'utf8').trim();
  return t === '' ? [] : t.split(/\s+/).map(Number);
};
const LOG = (() => {
  try { return readlinkSync(`/proc/${masterPid()}/fd/2`); } catch { return null; }
})();
const logSize = () => (LOG ? statSync(LOG).size : 0);
const logSince = (at) => (LOG ? readFileSync(LOG).subarray(at).toString('utf8') : '');

// Rewrites the config (the last setting of a key wins), SIGHUPs the master
// and waits, by asking the API, until every worker serving is one of the
// new generation: as many workers as asked, none of those before.
async function reload(extra) {
  const m = masterPid();
  const before = children(m);
  const text = original + extra;
  writeFileSync(CONF, text);
  process.kill(m, 'SIGHUP');
  const want = Number([...text.matchAll(/^workers = (\d+)$/gm)].pop()?.[1] ?? before.length);
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const now = children(m);
    if (now.length === want && now.every((p) => !before.includes(p))) return now;
    await (await fetch(`${BASE}/api/health`)).arrayBuffer(); // the wait is the server's answer
  }
  throw new Error(`the workers were not replaced by ${want} new ones`);
}

after(async () => {
  if (original !== null && readFileSync(CONF, 'utf8') !== original) await reload('');
});

// Warms every worker's cache with the record, writes it through one
// request, then reads it through 24 requests at once: each sees the write.
async function writeThenReadEverywhere(staff, activityId, text) {
  const path = `/api/activities/${activityId}`;
  const before = await year(activityId);
  await Promise.all(Array.from({ length: 24 }, () => anonymous.get(path)));
  const w = await staff.patch(`${path}/years/2024`, { result: text },
    { headers: { 'If-Match': `"${before.version}"` } });
  assert.equal(w.status, 200, w.text);
  const at = logSize();
  const reads = await Promise.all(Array.from({ length: 24 }, () => anonymous.get(path)));
  for (const r of reads) {
    assert.equal(r.status, 200);
    assert.equal(r.body.years.find((y) => y.fiscal_year === 2024).result, text, 'a read after the write sees it');
  }
  const pids = new Set([...logSince(at).matchAll(/\[(\d+)\] access GET \/api\/activities\/\d+ 200/g)].map((x) => x[1]));
  return pids.size;
}

test('a read after a committed write is never stale in any worker, cache on and off', { timeout: 120000 }, async (t) => {
  if (!CONF || !PIDFILE) return t.skip('no stack config to reload');
  const staff = await signIn('koseki-staff');
  const activity = (await activitiesOf('戸籍住民課'))[2];
  const seed = await year(activity.id);
  try {
    for (const [kb, label] of [[2048, 'cache on'], [0, 'cache off']]) {
      const pids = await reload(`\nworkers = 3\nresponse_cache_kb = ${kb}\n`);
      assert.equal(pids.length, 3);
      for (let round = 0; round < 3; round++) {
        const served = await writeThenReadEverywhere(staff, activity.id, `キャッシュ確認 ${label} ${round}`);
        if (LOG) t.diagnostic(`${label}, round ${round}: reads served by ${served} workers`);
      }
    }
  } finally {
    const now = await year(activity.id);
    await staff.patch(`/api/activities/${activity.id}/years/2024`, { result: seed.result },
      { headers: { 'If-Match': `"${now.version}"` } });
    await reload('');
  }
});

test('GET /api/metrics: Prometheus text with requests, latency, cache and restarts', async () => {
  await raw(LIST);
  await raw(LIST);
  const r = await raw('/api/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = r.body.toString('utf8');
  assert.match(text, /^shinchoku_requests_total\{route="\/api\/activities",status="200"\} [1-9]\d*$/m);
  assert.match(text, /^shinchoku_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m);
  assert.match(text, /^shinchoku_request_duration_seconds_count [1-9]\d*$/m);
  const hits = Number(/^shinchoku_cache_hits_total (\d+)$/m.exec(text)[1]);
  for (const name of ['cache_misses', 'cache_evictions', 'db_reconnects', 'worker_restarts']) {
    assert.match(text, new RegExp(`^# TYPE shinchoku_${name}_total counter\\nshinchoku_${name}_total \\d+$`, 'm'));
  }
  // Each worker misses at most once per version: one more read than
  // there are workers is a hit somewhere.
  for (let i = 0; i <= children(masterPid()).length; i++) await raw(LIST);
  const again = (await raw('/api/metrics')).body.toString('utf8');
  assert.ok(Number(/^shinchoku_cache_hits_total (\d+)$/m.exec(again)[1]) > hits, 'a cached answer counts a hit');
  assert.equal((await raw('/api/metrics')).headers.get('etag'), null, 'live, never tagged');
});

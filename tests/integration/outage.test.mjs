// PostgreSQL goes away under the running server: every API call answers
// 503 with a JSON error, nothing crashes, and service resumes by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const URL_ = process.env.SHINCHOKU_TEST_URL;
const { SHINCHOKU_TEST_PGBIN: PGBIN, SHINCHOKU_TEST_PGDATA: PGDATA, SHINCHOKU_TEST_PGLOG: PGLOG } = process.env;

function pgCtl(...args) {
  const cmd = [`${PGBIN}/pg_ctl`, '-D', PGDATA, ...args];
  const [file, argv] = process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', ...cmd]] : [cmd[0], cmd.slice(1)];
  execFileSync(file, argv, { cwd: '/', stdio: 'ignore' });
}

const workers = () => {
  const master = readFileSync(process.env.SHINCHOKU_TEST_PIDFILE, 'utf8').trim();
  return readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).sort();
};

async function get(path) {
  const r = await fetch(URL_ + path);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
}

test('database stopped: 503 JSON everywhere, workers stay; restarted: 200 again', { timeout: 120000 }, async () => {
  const before = workers();
  pgCtl('-m', 'fast', '-w', 'stop');
  try {
    for (const path of ['/api/activities', '/api/plans', '/api/reports/2024/summary', '/api/activities/1']) {
      // Several rounds so that every worker meets the outage.
      for (let i = 0; i < 4; i++) {
        const r = await get(path);
        assert.equal(r.status, 503, path);
        assert.equal(r.type, 'application/json; charset=utf-8');
        assert.equal(r.body.error.code, 'db_unavailable');
      }
    }
    const h = await get('/api/health');
    assert.equal(h.status, 503);
    assert.equal(h.body.db, 'unavailable');
    // Validation and routing do not need the database.
    assert.equal((await get('/api/activities?limit=0')).status, 400);
    assert.equal((await get('/api/nowhere')).status, 404);
    assert.deepEqual(workers(), before, 'no worker died or was replaced');
  } finally {
    pgCtl('-l', PGLOG, '-w', '-t', '60', 'start');
  }
  let r;
  for (let i = 0; i < 50; i++) {
    r = await get('/api/reports/2024/summary');
    if (r.status === 200) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 105);
  // Each worker reconnects on its own: a run of requests all succeed.
  for (let i = 0; i < 20; i++) assert.equal((await get('/api/activities?limit=1')).status, 200);
  assert.deepEqual(workers(), before);
});

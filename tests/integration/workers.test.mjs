// The master supervises its workers (src/master.c): a worker that dies is
// replaced while nginx keeps getting answers, and SIGHUP replaces every
// worker without dropping a single request.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';

if (!process.env.SHINCHOKU_TEST_URL) process.exit(77);

const URL_ = process.env.SHINCHOKU_TEST_URL;
const PIDFILE = process.env.SHINCHOKU_TEST_PIDFILE;
const PATH = '/api/reports/2024/summary';

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const masterPid = () => Number(readFileSync(PIDFILE, 'utf8').trim());
const alive = (pid) => existsSync(`/proc/${pid}`);

// The master's children, i.e. its workers (zombies not yet reaped excluded).
function workers(master = masterPid()) {
  let text;
  try {
    text = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim();
  } catch (e) {
    throw new Error(`master ${master} is gone (was the stack restarted?): ${e.message}`);
  }
  return text === '' ? [] : text.split(/\s+/).map(Number).filter((pid) => {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false; // gone between the two reads
    }
  }).sort((a, b) => a - b);
}

// workers = N from the master's configuration file, else what runs now.
function configuredWorkers(master) {
  try {
    const argv = readFileSync(`/proc/${master}/cmdline`, 'utf8').split('\0');
    const arg = argv.find((a) => a.startsWith('--config='));
    const m = arg && readFileSync(arg.slice('--config='.length), 'utf8').match(/^\s*workers\s*=\s*(\d+)\s*$/m);
    if (m && Number(m[1]) > 0) return Number(m[1]);
  } catch { /* fall through */ }
  return workers(master).length;
}

async function waitFor(what, cond, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = cond();
    if (last) return last;
    if (Date.now() > end) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// `loops` clients each issue requests back to back until stop() is called.
// A request succeeds when it answers 200 with the full summary.
function load(loops = 4, maxMs = 30000) {
  const results = [];
  let running = true;
  const deadline = Date.now() + maxMs; // a safety net: never outlive the test
  const loop = async () => {
    while (running && Date.now() < deadline) {
      const t0 = Date.now();
      try {
        const r = await fetch(URL_ + PATH, { signal: AbortSignal.timeout(10000) });
        const text = await r.text();
        let ok = r.status === 200;
        if (ok) {
          try {
            ok = JSON.parse(text).total === 105;
          } catch {
            ok = false;
          }
        }
        results.push({ ok, status: r.status, at: t0, ms: Date.now() - t0, body: ok ? '' : text.slice(0, 200) });
      } catch (e) {
        results.push({ ok: false, status: 0, at: t0, ms: Date.now() - t0, body: String(e.cause ?? e) });
      }
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    results,
    async stop() {
      running = false;
      await done;
      return results;
    },
  };
}

function summarize(results) {
  const failed = results.filter((r) => !r.ok);
  return {
    total: results.length,
    failed: failed.length,
    detail: failed.slice(0, 10).map((r) => `${r.status} after ${r.ms} ms: ${r.body}`).join('\n'),
  };
}

const WANT = configuredWorkers(masterPid());

// The master's log: the file its stderr goes to (scripts/dev appends it to
// <state>/log/shinchoku.log), or none when that is not a regular file.
const LOG = (() => {
  try {
    const path = readlinkSync(`/proc/${masterPid()}/fd/2`);
    return path.startsWith('/') && statSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
})();
const logSize = () => (LOG ? statSync(LOG).size : 0);
const logSince = (offset) => (LOG ? readFileSync(LOG).subarray(offset).toString('utf8') : '');

// Whatever happens, leave the stack with its full set of workers. (No pid
// file means someone else stopped the stack: these tests never stop it.)
after(async () => {
  if (!existsSync(PIDFILE)) return;
  await waitFor(`${WANT} workers`, () => workers(masterPid()).length === WANT, 15000);
});

test('the stack runs its configured number of workers', async () => {
  assert.ok(WANT >= 1, 'workers configured');
  await waitFor(`${WANT} workers at start`, () => workers().length === WANT, 10000);
  const r = await fetch(URL_ + PATH);
  assert.equal(r.status, 200);
});

// While 4 clients call the API, sends sig to target(workers before), waits
// until replaced(before, now) holds for the full set of workers, and keeps
// the clients going about 3 s in all (a little past the replacement).
async function signalUnderLoad(target, sig, what, replaced, ms) {
  const master = masterPid();
  const before = await waitFor(`${WANT} workers`, () => {
    const w = workers(master);
    return w.length === WANT && w;
  }, 10000);
  const logAt = logSize();
  const client = load(4);
  let after_;
  try {
    await sleep(500);
    process.kill(target(before, master), sig);
    const at = Date.now();
    after_ = await waitFor(what, () => {
      const w = workers(master);
      return w.length === WANT && replaced(before, w) && w;
    }, ms);
    await sleep(Math.max(500, 2500 - (Date.now() - at)));
  } finally {
    await client.stop();
  }
  return { master, before, after_, logAt, s: summarize(client.results) };
}

test('SIGKILL of a worker under load: replaced within 5 s, requests keep succeeding', { timeout: 60000 }, async (t) => {
  let victim;
  const { master, before, after_, logAt, s } = await signalUnderLoad(
    (w) => (victim = w[0]), 'SIGKILL', 'the killed worker to be replaced',
    (was, w) => !w.includes(victim) && w.some((pid) => !was.includes(pid)), 5000);
  t.diagnostic(`killed ${victim}; workers ${before} -> ${after_}; ${s.total} requests, ${s.failed} failed${s.failed ? ':\n' + s.detail : ''}`);
  // Workers also recycle themselves after max_requests, so under load more
  // than one pid may be new; the victim must be one of the replaced ones.
  const added = after_.filter((pid) => !before.includes(pid));
  assert.ok(added.length >= 1, `a new worker (before ${before}, after ${after_})`);
  assert.ok(!workers(master).includes(victim), `killed worker ${victim} is no longer a child`);
  assert.ok(!alive(victim), `killed worker ${victim} is reaped (no zombie)`);
  assert.equal(masterPid(), master, 'same master');
  assert.ok(s.total >= 20, `the clients made requests (${s.total})`);
  assert.ok(s.failed <= 2, `at most 2 of ${s.total} requests failed, got ${s.failed}:\n${s.detail}`);
  assert.ok((s.total - s.failed) / s.total >= 0.95, `≥ 95% succeeded (${s.total - s.failed}/${s.total})`);
  // The master's log says what happened (if the stack writes one here).
  const log = logSince(logAt);
  if (log !== '') {
    assert.match(log, new RegExp(`worker ${victim} killed by signal 9`), 'the death is logged');
    assert.ok(added.some((pid) => new RegExp(`worker ${pid} started`).test(log)), 'the respawn is logged');
  }
});

test('SIGHUP under load: every worker replaced, master kept, no request dropped', { timeout: 60000 }, async (t) => {
  const { master, before, after_, logAt, s } = await signalUnderLoad(
    (w, m) => m, 'SIGHUP', 'every worker to be replaced',
    (was, w) => w.every((pid) => !was.includes(pid)), 10000);
  t.diagnostic(`master ${master}; workers ${before} -> ${after_}; ${s.total} requests, ${s.failed} failed${s.failed ? ':\n' + s.detail : ''}`);
  assert.equal(masterPid(), master, 'the pid file names the same master');
  assert.ok(alive(master), 'the master is still running');
  assert.equal(after_.length, WANT);
  for (const pid of before) assert.ok(!workers(master).includes(pid), `old worker ${pid} retired`);
  assert.ok(s.total >= 20, `the clients made requests (${s.total})`);
  assert.equal(s.failed, 0, `graceful reload dropped ${s.failed} of ${s.total} requests:\n${s.detail}`);
  const log = logSince(logAt);
  if (log !== '') assert.match(log, /reloading: starting generation \d+/, 'the reload is logged');
});

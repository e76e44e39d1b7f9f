// The security headers (conf/security-headers.conf) on every kind of answer
// nginx sends: the pages, a static file, an API answer and nginx's own
// errors; nginx's errors for /api/ as JSON with a Japanese message; and the
// pages in chromium under that Content-Security-Policy without a single
// violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { BASE, skipUnlessStack, signIn } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'x-content-type-options': 'nosniff',
};
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;
const { hostname: HOST, port: PORT } = new URL(BASE);

// One request written byte for byte (fetch refuses TRACE and malformed
// requests). Returns, once the whole answer (its Content-Length) is in, the
// status, the header lines as [name, value] pairs (a repeated header stays
// visible) and the body. It does not wait for nginx to close: after a 413
// nginx keeps reading the unsent body for lingering_timeout.
function raw(head, { timeout = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const sock = createConnection({ host: HOST, port: Number(PORT) });
    const fail = (e) => { sock.destroy(); reject(e); };
    sock.setTimeout(timeout, () => fail(new Error(`no whole answer to ${head.slice(0, 60)}: ${buf.toString('latin1').slice(0, 200)}`)));
    sock.on('error', fail);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      const sep = buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const [statusLine, ...lines] = buf.subarray(0, sep).toString('latin1').split('\r\n');
      const headers = lines.map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
      });
      const length = headers.find(([n]) => n === 'content-length');
      if (!length) return fail(new Error(`no Content-Length: ${statusLine}`));
      const body = buf.subarray(sep + 4);
      if (body.length < Number(length[1])) return;
      sock.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') });
    });
    sock.write(head);
  });
}

const request = (method, path, extra = '') =>
  raw(`${method} ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n${extra}\r\n`);

// Every security header exactly once, with its value.
function assertSecurityHeaders(where, headers) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    const got = headers.filter(([n]) => n === name).map(([, v]) => v);
    assert.deepEqual(got, [value], `${where}: ${name}`);
  }
}

const header = (r, name) => r.headers.find(([n]) => n === name)?.[1];

test('pages, a static file and an API answer carry the security headers', async () => {
  for (const path of ['/', '/report.html', '/admin.html', '/style.css', '/app.js', '/api/health', '/api/plans']) {
    const r = await request('GET', path);
    assert.equal(r.status, 200, `GET ${path}`);
    assertSecurityHeaders(`GET ${path}`, r.headers);
  }
});

test("nginx's own errors carry them too; for /api/ they are JSON in Japanese", async () => {
  const long = 'x'.repeat(20000); // over large_client_header_buffers (8k)
  const cases = [
    // [what, status, the request, JSON code (null: a page, not the API)]
    ['404 page', 404, request('GET', '/no-such-page.html'), null],
    ['405 page', 405, request('POST', '/index.html', 'Content-Length: 0\r\n'), null],
    ['414 page', 414, request('GET', `/index.html?q=${long}`), null],
    ['400 api', 400, request('GET', '/api/health', `Host: ${HOST}\r\n`), 'bad_request'], // two Host headers
    ['405 api', 405, request('TRACE', '/api/health'), 'method_not_allowed'],
    ['413 api', 413, request('POST', '/api/session', 'Content-Type: application/json\r\nContent-Length: 2000000\r\n'), 'too_large'],
    ['414 api', 414, request('GET', `/api/activities?q=${long}`), 'uri_too_long'],
  ];
  for (const [what, status, answer, code] of cases) {
    const r = await answer;
    assert.equal(r.status, status, `${what}: ${r.body.slice(0, 200)}`);
    assertSecurityHeaders(what, r.headers);
    if (code === null) {
      assert.match(header(r, 'content-type'), /^text\/html/, what);
      assert.match(r.body, JAPANESE, `${what}: a Japanese page`);
      continue;
    }
    assert.equal(header(r, 'content-type'), 'application/json; charset=utf-8', what);
    let body;
    try { body = JSON.parse(r.body); } catch { assert.fail(`${what}: not JSON: ${r.body.slice(0, 200)}`); }
    assert.equal(body.error.code, code, what);
    assert.match(body.error.message, JAPANESE, `${what}: a Japanese message`);
  }
});

// ---- the pages under the policy -------------------------------------------------

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

// Opens path in a fresh profile (signed in as `as` when given), waits until
// the page has its data (body[data-ready]), and returns every CSP violation
// the document reported and every console error (chromium logs a refused
// inline style or script there as well).
async function loadUnderCsp(path, as) {
  const context = await browser.newContext(contextOptions);
  try {
    if (as) {
      const s = await signIn(as);
      const [name, value] = s.cookie.split('=');
      await context.addCookies([{ name, value, url: BASE }]);
      // The pages ask the server about a session only when they remember one.
      await context.addInitScript(() => localStorage.setItem('shinchoku.signedIn', '1'));
    }
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const response = await page.goto(BASE + path);
    assert.equal(response.headers()['content-security-policy'], CSP, `${path}: the policy is in force`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    // Violation events are queued as tasks: let the ones already queued run.
    const violations = await page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve(window.__violations))));
    // Styles set by the scripts took effect (a blocked style attribute
    // leaves the element with no declaration).
    const styled = await page.$$eval('[style]', (els) => els.map((e) => e.style.length));
    return { violations, errors, styled };
  } finally {
    await context.close();
  }
}

for (const [path, as] of [['/', null], ['/', 'admin'], ['/report.html', null], ['/admin.html', 'admin']]) {
  test(`${path}${as ? ` (${as})` : ''} loads under the CSP without a violation`, { timeout: 60000 }, async () => {
    const { violations, errors, styled } = await loadUnderCsp(path, as);
    assert.deepEqual(violations, [], 'CSP violations');
    assert.deepEqual(errors, [], 'console errors');
    assert.ok(styled.every((n) => n > 0), `every style the scripts set applies: ${styled}`);
    // The portal draws its summary bars and timeline with such styles.
    if (path === '/') assert.ok(styled.length > 10, `the portal's bars are drawn (${styled.length})`);
  });
}

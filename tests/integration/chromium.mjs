// Debian's chromium driven by the project's pinned playwright-core, as
// every browser test launches it, and the errors a page reports.
import { createRequire } from 'node:module';

// A sign-in on the portal leads to the dashboard unless the browser's user
// chose the list (www/session.js); the tests of the list's pages make that
// choice, pages.test.mjs tries the default (landingDefault).
const LIST_FIRST = process.env.SHINCHOKU_TEST_URL ? {
  cookies: [],
  origins: [{ origin: new URL(process.env.SHINCHOKU_TEST_URL).origin, localStorage: [{ name: 'shinchoku.landing', value: 'list' }] }],
} : undefined;
export const contextOptions = {
  locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 }, storageState: LIST_FIRST,
};
// The same, as a browser that has never chosen (the dashboard first).
export const landingDefault = { ...contextOptions, storageState: undefined };

// Required when called, not when imported: a test without a stack exits
// 77 (skipped) before it, even where node_modules is missing.
export function launchChromium() {
  const require = createRequire(`${process.env.SHINCHOKU_SOURCE_DIR || process.cwd()}/package.json`);
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

// Console errors and uncaught exceptions of page, as they come. allow lists
// HTTP statuses the page answers itself (the browser's own "status of 422"
// line for a refused dry run is not an error of the page).
export function collectErrors(page, allow = []) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const t = m.text();
    if (allow.some((s) => t.includes(`status of ${s}`))) return;
    errors.push(`console: ${t}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

// Signs in through the portal's dialog as a demo account and waits for the
// server's answer (200) and the signed-in header.
export async function signInThroughPage(page, login) {
  await page.click('#signin-open');
  await page.fill('#login-id', login);
  await page.fill('#login-password', 'shinchoku-dev');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
  await page.click('#signin-submit');
  const r = await answered;
  if (r.status() !== 200) throw new Error(`sign-in ${login}: ${r.status()}`);
  await page.waitForSelector('#user-box:not([hidden])');
}

// Debian's chromium driven by the project's pinned playwright-core, as
// every browser test launches it, and the errors a page reports.
import { createRequire } from 'node:module';

export const contextOptions = { locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } };

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

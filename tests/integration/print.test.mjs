// The printed council report (report.html, report.css): every page
// numbered at its foot, and the appendix without half-empty pages. The PDF
// is chromium's print (page.pdf with the page's own @page sizes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, skipUnlessStack } from './accounts.mjs';
import { launchChromium, collectErrors, contextOptions } from './chromium.mjs';

skipUnlessStack();

let browser;
let page;
let errors;
before(async () => {
  browser = await launchChromium();
  // bypassCSP: the second test adds a style of its own (the rule before).
  page = await (await browser.newContext({ ...contextOptions, bypassCSP: true })).newPage();
  errors = collectErrors(page);
  await page.goto(`${BASE}/report.html?fy=2024`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
});
after(async () => { await browser?.close(); });

const pdfPages = (pdf) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g).length;

test('every printed page has its number: @page @bottom-center counter(page) / counter(pages)', async () => {
  const rule = await page.evaluate(() => {
    for (const sheet of document.styleSheets) {
      for (const r of sheet.cssRules) {
        if (!(r instanceof CSSPageRule) || r.selectorText !== '') continue;
        for (const m of r.cssRules || []) if (m.name === 'bottom-center') return m.style.getPropertyValue('content');
      }
    }
    return null;
  });
  assert.ok(rule, 'report.css has an @page rule with a @bottom-center box');
  assert.match(rule, /counter\(page\).*counter\(pages\)/);
});

test('the appendix: rows kept whole but a measure\'s first; fewer pages than when groups move whole', async () => {
  await page.emulateMedia({ media: 'print' });
  const breaks = await page.evaluate(() => ({
    row: getComputedStyle(document.querySelector('#appendix tr.activity:not(.measure-first)')).breakInside,
    first: getComputedStyle(document.querySelector('#appendix tr.measure-first')).breakInside,
  }));
  assert.deepEqual(breaks, { row: 'avoid', first: 'auto' });
  const pages = pdfPages(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  // The rule before: a measure's first row kept whole, and with it (its
  // rowspan cell) every row of the measure: groups moved to the next page.
  const old = await page.addStyleTag({ content: '@media print { #appendix tr.measure-first { break-inside: avoid; } }' });
  const before = pdfPages(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  await old.evaluate((s) => s.remove());
  await page.emulateMedia({ media: 'screen' });
  assert.ok(pages >= 4, `${pages} pages`);
  assert.ok(pages < before, `${pages} pages now, ${before} with whole groups`);
  assert.deepEqual(errors, []);
});

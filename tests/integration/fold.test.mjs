// The search's folding, one rule in two places: the database's app_fold
// (the server's search) and www/fold.js (the list's highlighting of what it
// found). Both are asked for every character up to U+FFFF and must agree;
// then the highlighting maps a match back to the original text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { skipUnlessStack, sql } from './accounts.mjs';

skipUnlessStack();
const SRC = process.env.SHINCHOKU_SOURCE_DIR || process.cwd();
const { fold, matchRanges } = await import(pathToFileURL(`${SRC}/www/fold.js`).href);

const hex = (s) => [...s].map((c) => c.codePointAt(0).toString(16)).join(' ');

test('app_fold and fold() agree on every character up to U+FFFF', () => {
  // Each result as its code points in hex: a folded text may be a newline.
  const db = sql(`SELECT string_agg(c::text || ':' || coalesce((SELECT string_agg(to_hex(ascii(x)), ' ')
      FROM regexp_split_to_table(app_fold(chr(c)), '') x), ''), ',' ORDER BY c)
    FROM generate_series(1, 65535) c WHERE c NOT BETWEEN 55296 AND 57343`).split(',');
  const differ = [];
  for (const entry of db) {
    const [c, want] = entry.split(':');
    const got = hex(fold(String.fromCharCode(Number(c))));
    if (got !== want) differ.push(`U+${Number(c).toString(16).padStart(4, '0')}: db ${want} page ${got}`);
  }
  assert.equal(db.length, 65535 - 2048);
  assert.deepEqual(differ.slice(0, 20), [], `${differ.length} characters fold differently`);
});

test('app_fold: katakana as hiragana, widths and case folded', () => {
  assert.equal(sql("SELECT app_fold('キャッシュレスＡＩｶﾞｲﾄﾞ')"), 'きゃっしゅれすaiがいど');
  assert.equal(fold('キャッシュレスＡＩｶﾞｲﾄﾞ'), 'きゃっしゅれすaiがいど');
});

test('fold(): katakana as hiragana, full and half width alike, lower case', () => {
  assert.equal(fold('キャッシュレス'), 'きゃっしゅれす');
  assert.equal(fold('ＡＩ'), 'ai');
  assert.equal(fold('ｶﾞｲﾄﾞ'), 'がいど');
  assert.equal(fold('ヴ'), 'ゔ');
  assert.equal(fold('ヷ'), 'ヷ', 'U+30F7 is past the range');
  assert.equal(fold('㍿'), '株式会社');
});

test('matchRanges maps a folded match back to the original characters', () => {
  const cut = (s, q) => matchRanges(s, q).map(([a, b]) => s.slice(a, b));
  assert.deepEqual(cut('区のキャッシュレス決済', 'きゃっしゅれす'), ['キャッシュレス']);
  assert.deepEqual(cut('ＡＩとAIの活用', 'ai'), ['ＡＩ', 'AI']);
  // Half-width kana with its sound mark: two characters fold to one.
  assert.deepEqual(cut('ｶﾞｲﾄﾞﾌﾞｯｸ', 'がいど'), ['ｶﾞｲﾄﾞ']);
  // One character folding to four: a match inside it marks it whole.
  assert.deepEqual(cut('㍿中野', '式会'), ['㍿']);
  assert.deepEqual(cut('戸籍', ''), []);
  assert.deepEqual(cut('戸籍', 'なし'), []);
});

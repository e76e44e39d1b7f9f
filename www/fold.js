// The search key of a text, as the database's app_fold makes it: NFKC
// (full and half width alike), lower case, and katakana U+30A1..U+30F6 as
// hiragana (code point − 0x60), so that きゃっしゅれす finds キャッシュレス.
// tests/integration/fold.test.mjs compares fold() with app_fold for every
// character up to U+FFFF.
//
// NFKC can change lengths (㍿ → 株式会社, ｶﾞ → ガ), so the text is folded a
// piece at a time — a character with the combining marks after it — and
// every unit of the folded text remembers the piece it came from: a match
// in the folded text maps back to a range of the original (foldMap).

const KATAKANA_FIRST = 0x30a1;
const KATAKANA_LAST = 0x30f6;
// The one character whose lower case is two in JavaScript's full mapping
// but one in the database's (towlower: the simple mapping).
const SIMPLE_LOWER = new Map([['\u0130', 'i']]);
// Letters of Unicode 16 that the database's tables (PostgreSQL's NFKC,
// glibc's case) do not know yet: it leaves them as they are, and so does
// the page.
const DB_UNKNOWN = new Set('\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\ua7f1');

function lowerKana(s) {
  let out = '';
  for (const c of s) {
    const lower = SIMPLE_LOWER.get(c) ?? c.toLowerCase();
    const cp = lower.codePointAt(0);
    out += lower.length === c.length && cp >= KATAKANA_FIRST && cp <= KATAKANA_LAST
      ? String.fromCodePoint(cp - 0x60) : lower;
  }
  return out;
}

// A character and the combining marks (and half-width sound marks ﾞﾟ)
// that NFKC may join to it.
const PIECE = /[^]\p{M}*[\uFF9E\uFF9F]*\p{M}*/gu;

// { text, from, to }: the folded text; from[i]/to[i] the range in s of the
// piece that folded unit i came from.
export function foldMap(s) {
  let text = '';
  const from = [];
  const to = [];
  for (const m of String(s ?? '').matchAll(PIECE)) {
    const f = DB_UNKNOWN.has(m[0][0]) ? m[0] : lowerKana(m[0].normalize('NFKC'));
    for (let i = 0; i < f.length; i++) {
      from.push(m.index);
      to.push(m.index + m[0].length);
    }
    text += f;
  }
  return { text, from, to };
}

export function fold(s) {
  return foldMap(s).text;
}

// The ranges [start, end) of s where the folded query matches, in order,
// not overlapping.
export function matchRanges(s, query) {
  const q = fold(query);
  if (!q) return [];
  const m = foldMap(s);
  const ranges = [];
  for (let i = m.text.indexOf(q); i >= 0; i = m.text.indexOf(q, i + q.length)) {
    const start = m.from[i];
    const end = m.to[i + q.length - 1];
    if (ranges.length && start < ranges[ranges.length - 1][1]) ranges[ranges.length - 1][1] = Math.max(end, ranges[ranges.length - 1][1]);
    else ranges.push([start, end]);
  }
  return ranges;
}

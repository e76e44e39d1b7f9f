// Small DOM helpers. Text goes in with textContent only: the data may hold
// markup (even <script>), and it must show as the characters it is.

// h('td', {class: 'x', dataset: {status: 'on_schedule'}, style: {width: '5%'}}, 'text', child…)
// style is an object of CSSOM properties, never a string: the policy
// (conf/security-headers.conf: style-src 'self') blocks a style attribute,
// and setting element.style through the CSSOM is what it allows.
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'style') Object.assign(e.style, v);
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(e, ...children) {
  e.replaceChildren();
  append(e, children);
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

// The Japanese era from the browser's calendar data (ICU), so that a new era
// needs no change here. Made on first use: importing this file does nothing.
let eraFormat = null;

// The era and the year in it of a day: ['令和', '元'] for 2019-07-01.
function eraParts(date) {
  eraFormat ??= new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', timeZone: 'Asia/Tokyo' });
  const parts = eraFormat.formatToParts(date);
  const era = parts.find((p) => p.type === 'era')?.value ?? '';
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  // The first year of an era is 元年. ICU already says so; older data may not.
  return [era, year === '1' ? '元' : year];
}

// Noon in Japan of a day (month 1-12).
const jstNoon = (y, m, d) => new Date(Date.UTC(y, m - 1, d, 3));

// Fiscal year (April to March) in the Japanese era: 2024 → 令和6年度,
// 2019 → 令和元年度, 2018 → 平成30年度. Named by its 1 July, after the
// change of era on 1 May (2019 is 令和元年度, not 平成31年度).
export function eraYear(fy) {
  const y = Number(fy);
  if (!Number.isInteger(y)) return '';
  const [era, n] = eraParts(jstNoon(y, 7, 1));
  return `${era}${n}年度`;
}

// A calendar month in the Japanese era: (2024, 3) → 令和6年3月.
export function eraMonth(year, month) {
  const y = Number(year);
  const m = Number(month);
  if (!Number.isInteger(y) || !Number.isInteger(m) || m < 1 || m > 12) return '';
  const [era, n] = eraParts(jstNoon(y, m, 15));
  return `${era}${n}年${m}月`;
}

// Blank: empty, or only white space, the ideographic space U+3000 included
// (JavaScript's \s holds it; written out anyway). The database's app_blank()
// (sql/006_rules.sql) means the same, character for character.
export const isBlank = (s) => s === null || s === undefined || /^[\s\u3000]*$/.test(String(s));

// "2026-11-26T09:36:18.15+09:00" → "2026年11月26日 9:36"
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit',
  });
  return p.format(d);
}

export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => { t = null; fn(...args); }, ms);
  };
  d.flush = (...args) => { clearTimeout(t); t = null; fn(...args); };
  return d;
}

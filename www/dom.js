// Small DOM helpers. Text goes in with textContent only: the data may hold
// markup (even <script>), and it must show as the characters it is.

// h('td', {class: 'x', dataset: {status: 'on_schedule'}}, 'text', child…)
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
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

// Fiscal year in the Japanese era: 2024 → 令和6年度, 2019 → 令和元年度.
export function eraYear(fy) {
  const y = Number(fy);
  let name, n;
  if (y >= 2019) [name, n] = ['令和', y - 2018];
  else if (y >= 1989) [name, n] = ['平成', y - 1988];
  else [name, n] = ['昭和', y - 1925];
  return `${name}${n === 1 ? '元' : n}年度`;
}

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

// Progress statuses in report order, with short labels for the list.
export const STATUSES = [
  { key: 'exceeded', mark: '◎', short: '予定を上回る' },
  { key: 'on_schedule', mark: '○', short: '予定どおり' },
  { key: 'delayed', mark: '△', short: '予定より遅れ' },
  { key: 'not_started', mark: '×', short: '未着手' },
];
export const statusInfo = (key) => STATUSES.find((s) => s.key === key) || null;

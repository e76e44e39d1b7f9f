// The progress statuses (◎○△×, or the scale of the plan in the page's
// ?plan=) as the database defines them (table progress_status, GET
// /api/statuses), in report order:
//   { key, mark, label (the legend), short (the list's text),
//     reason_required (a move to it needs a reason), counts_as_late,
//     min_rate, position }
// No page keeps its own copy: each asks once and reads them here.
import { get } from './api.js';

let list = [];
let list2 = []; // the second scale's levels (sql/015), empty for a plan of one
let loading = null;
let named = { scale_name: '進捗状況', scale2_name: null };

const levels = (items) => (Array.isArray(items) ? items : [])
  .filter((s) => s && typeof s.key === 'string')
  .sort((a, b) => a.position - b.position);

const planParam = () => {
  const p = new URLSearchParams(location.search).get('plan') || '';
  return /^[1-9][0-9]{0,8}$/.test(p) ? `?plan=${p}` : '';
};

// Resolves to the list; asked once per page. A failure is not kept, so that
// a later call (opening a dialog) asks again.
export function loadStatuses() {
  loading ??= get(`/api/statuses${planParam()}`).then((r) => {
    named = { scale_name: r.scale_name || '進捗状況', scale2_name: r.scale2_name || null };
    list = levels(r.items);
    list2 = named.scale2_name ? levels(r.items2) : [];
    return list;
  }, (err) => {
    loading = null;
    throw err;
  });
  return loading;
}

// The scale's name (進捗状況, 達成度) and the second's (null: none), once loaded.
export const terms = () => named;
// What is known so far (empty until loadStatuses() resolved).
export const statuses = () => list;
export const statuses2 = () => list2;
// A level of either scale: a key says its scale (keys are unique in a scheme).
export const statusInfo = (key) => list.find((s) => s.key === key) || list2.find((s) => s.key === key) || null;
// The scale's name of a level (scale 2: the second's).
export const scaleNameOf = (level) => (level?.scale === 2 ? named.scale2_name : named.scale_name);

// The name of a plan's scales as one: 実施状況・達成度, or the first alone.
export const scalesName = (name, name2) => (name2 ? `${name}・${name2}` : name);

// The one way a page's fixed words name the plan's scale: every element of
// class scale-name says it; name defaults to the loaded statuses' terms.
export function nameScales(name = scalesName(named.scale_name, named.scale2_name), root = document) {
  if (!name) return;
  for (const el of root.querySelectorAll('.scale-name')) el.textContent = name;
}
export const reasonRequired = (key) => statusInfo(key)?.reason_required === true;
// '△・×': the marks of the statuses that need a reason.
export const reasonMarks = () => list.filter((s) => s.reason_required).map((s) => s.mark).join('・');

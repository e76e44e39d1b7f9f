// The progress statuses (◎○△×, or the scale of the plan in the page's
// ?plan=) as the database defines them (table progress_status, GET
// /api/statuses), in report order:
//   { key, mark, label (the legend), short (the list's text),
//     reason_required (a move to it needs a reason), counts_as_late,
//     min_rate, position }
// No page keeps its own copy: each asks once and reads them here.
import { get } from './api.js';

let list = [];
let loading = null;
let named = { scale_name: '進捗状況' };

const planParam = () => {
  const p = new URLSearchParams(location.search).get('plan') || '';
  return /^[1-9][0-9]{0,8}$/.test(p) ? `?plan=${p}` : '';
};

// Resolves to the list; asked once per page. A failure is not kept, so that
// a later call (opening a dialog) asks again.
export function loadStatuses() {
  loading ??= get(`/api/statuses${planParam()}`).then((r) => {
    named = { scale_name: r.scale_name || '進捗状況' };
    list = (Array.isArray(r.items) ? r.items : [])
      .filter((s) => s && typeof s.key === 'string')
      .sort((a, b) => a.position - b.position);
    return list;
  }, (err) => {
    loading = null;
    throw err;
  });
  return loading;
}

// The scale's name (進捗状況, 達成度), once loaded.
export const terms = () => named;
// What is known so far (empty until loadStatuses() resolved).
export const statuses = () => list;
export const statusInfo = (key) => list.find((s) => s.key === key) || null;
export const reasonRequired = (key) => statusInfo(key)?.reason_required === true;
// '△・×': the marks of the statuses that need a reason.
export const reasonMarks = () => list.filter((s) => s.reason_required).map((s) => s.mark).join('・');

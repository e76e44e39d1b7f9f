// The portal page: fiscal year, summary, activity list with filters, and
// the drafting timeline of the next plan. Sign-in and editing live in
// account.js. Everything from the API is inserted as text (dom.js).
import { get, qs, ApiError } from './api.js';
import { h, replace, $, eraYear, debounce } from './dom.js';
import { loadStatuses, statuses, statusInfo, terms, nameScales } from './statuses.js';
import { initAccount, rowActions, accountActive, loadMyUpdates, currentUser, renderYearState, openedYears } from './account.js';
import { loadTimeline, rerenderTimeline, initTimelineControls } from './gantt.js';
import { matchRanges } from './fold.js';

// The list is read whole (in pieces of the API's largest page) and sorted
// and paged here: the API lists in the plan's order only, and sorting one
// page of it would sort a part of the list.
const LIST_LIMIT = 500;
const PAGE_SIZES = ['20', '50', '100', 'all'];
const DEFAULT_PAGE_SIZE = '50';
const SORT_KEYS = ['code', 'name', 'status', 'department'];
const SUMMARY_FAILED = '進捗状況の集計を読み込めませんでした。';
const LIST_FAILED = '取組の一覧を読み込めませんでした。';
const STATUSES_FAILED = '進捗状況の区分を読み込めませんでした。';

const state = {
  fy: null,
  latestFy: null,
  filters: { goal: '', status: '', department: '', q: '' },
  plan: '', // ?plan=: see readUrl
  scale2Names: {}, // plan id → its second scale's name (status2Line)
  items: [],
  total: 0,
  // The list's order (a column of SORT_KEYS, ascending or not), the page
  // shown (0-based) and the rows a page ('all': one page).
  sort: { key: 'code', ascending: true },
  page: 0,
  pageSize: DEFAULT_PAGE_SIZE,
  listSeq: 0,
  summarySeq: 0,
  // Settles once GET /api/statuses answered (never rejects): rows wait for
  // it, as their status text comes from there.
  statusesReady: Promise.resolve([]),
};
export const currentFy = () => state.fy;

// ---- errors -------------------------------------------------------------

// Messages by what failed, so that a later success clears its own one.
const errors = new Map();

function renderErrors() {
  replace($('#error-text'), [...errors.values()].map((m) => h('span', { class: 'alert-line' }, m)));
  $('#error').hidden = errors.size === 0;
}

export function showError(context, err) {
  const text = err instanceof ApiError ? err.message : '予期しないエラーが発生しました。ページを再読み込みしてください。';
  if (!(err instanceof ApiError)) console.warn(err); // eslint-disable-line no-console
  errors.delete(context); // the newest last
  errors.set(context, `${context}${text}`);
  renderErrors();
}

function clearErrorFor(context) {
  if (errors.delete(context)) renderErrors();
}

export function clearError() {
  errors.clear();
  renderErrors();
}

let noticeTimer = null;
export function notice(text) {
  const n = $('#notice');
  replace(n, text);
  n.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
}

// ---- URL state ------------------------------------------------------------

function readUrl() {
  const p = new URLSearchParams(location.search);
  const fy = Number(p.get('fy'));
  const id = (v) => (/^[1-9][0-9]{0,8}$/.test(v || '') ? v : '');
  state.filters.goal = id(p.get('goal'));
  state.filters.department = id(p.get('department'));
  // ?plan=N: another plan than the reporting one, in its own terms
  // (statuses.js reads the same parameter for the plan's scale).
  state.plan = id(p.get('plan'));
  // Checked against the statuses once they are known (checkStatusFilter).
  state.filters.status = /^[a-z][a-z0-9_]{0,29}$/.test(p.get('status') || '') ? p.get('status') : '';
  state.filters.q = (p.get('q') || '').trim().slice(0, 100);
  state.pageSize = PAGE_SIZES.includes(p.get('per')) ? p.get('per') : DEFAULT_PAGE_SIZE;
  const [key, dir] = (p.get('sort') || '').split('.');
  if (SORT_KEYS.includes(key)) state.sort = { key, ascending: dir !== 'desc' };
  return Number.isInteger(fy) && fy >= 2000 && fy <= 2100 ? fy : null;
}

// A status in the address that the database does not define is dropped.
function checkStatusFilter() {
  if (state.filters.status && !statusInfo(state.filters.status)) state.filters.status = '';
}

// The footer's key to the marks: ◎ 予定を上回る　○ 予定どおり…
function renderLegend() {
  replace($('#legend'), statuses().map((s) => `${s.mark} ${s.short}`).join('　'));
}

// The header's link to the council report follows the selected year.
function syncReportLink() {
  const a = $('#nav-report');
  if (a && state.fy) a.href = `report.html?fy=${state.fy}${state.plan ? `&plan=${state.plan}` : ''}`;
}

function writeUrl() {
  syncReportLink();
  const { key, ascending } = state.sort;
  const params = {
    fy: state.fy === state.latestFy ? '' : state.fy,
    plan: state.plan,
    ...state.filters,
    sort: key === 'code' && ascending ? '' : `${key}.${ascending ? 'asc' : 'desc'}`,
    per: state.pageSize === DEFAULT_PAGE_SIZE ? '' : state.pageSize,
  };
  const s = qs(params);
  if (s !== location.search) history.replaceState(null, '', s || location.pathname);
}

// ---- fiscal years -----------------------------------------------------------

// The years with records: the latest (the API's default year), the earlier
// years whose summary counts any record, and the next year (to plan it).
async function loadYears(known) {
  // The years that were opened, when the API could say: only those are
  // offered (a year not opened yet has no data to show).
  const opened = openedYears();
  if (opened.length) return { latest: opened[0], years: opened };
  const latest = known ?? (await get('/api/activities?limit=1')).fiscal_year;
  const earlier = [1, 2, 3, 4].map((d) => latest - d);
  const summaries = await Promise.all(earlier.map((y) =>
    get(`/api/reports/${y}/summary`).then((s) => s.total > 0, () => false)));
  const years = [latest + 1, latest, ...earlier.filter((_, i) => summaries[i])];
  return { latest, years };
}

function renderYears(years) {
  const sel = $('#fy');
  if (!years.includes(state.fy)) years.push(state.fy);
  years.sort((a, b) => b - a);
  replace(sel, years.map((y) => h('option', { value: y, selected: y === state.fy }, `${eraYear(y)}（${y}年度）`)));
  sel.disabled = false;
}

// ---- summary ------------------------------------------------------------

async function loadSummary() {
  const seq = ++state.summarySeq;
  const table = $('#summary');
  table.setAttribute('aria-busy', 'true');
  try {
    const s = await get(`/api/reports/${state.fy}/summary${state.plan ? `?plan=${state.plan}` : ''}`);
    if (seq !== state.summarySeq) return;
    renderSummary(s);
    clearErrorFor(SUMMARY_FAILED);
  } catch (err) {
    if (seq !== state.summarySeq) return;
    replace($('#summary-body'), h('tr', {}, h('td', { colspan: 4 },
      h('div', { class: 'panel-failed' }, h('p', {}, '集計を読み込めませんでした。'),
        h('button', { type: 'button', class: 'button', onclick: () => loadSummary() }, '再読み込み')))));
    replace($('#summary-total'));
    showError(SUMMARY_FAILED, err);
  } finally {
    if (seq === state.summarySeq) table.setAttribute('aria-busy', 'false');
  }
}

function renderSummary(s) {
  replace($('#summary-era'), s.era || eraYear(s.fiscal_year));
  const max = Math.max(1, s.total);
  const rows = s.counts.map((c) => {
    const pct = Math.round((c.count / max) * 1000) / 10;
    return h('tr', { dataset: { status: c.status } },
      h('th', { scope: 'row', class: 'mark-cell' }, h('span', { class: `mark mark-${c.status}`, 'aria-hidden': 'true' }, c.mark),
        h('span', { class: 'visually-hidden' }, c.mark)),
      h('td', { class: 'label' }, c.label),
      h('td', { class: 'num', dataset: { status: c.status } },
        h('button', {
          type: 'button', class: 'count-link', 'aria-label': `${c.mark} ${c.label}：${c.count}件。一覧をこの進捗状況で絞り込む`,
          onclick: () => applyFilter({ status: c.status }, true),
        }, String(c.count))),
      h('td', { class: 'bar-col', 'aria-hidden': 'true' },
        h('span', { class: `bar bar-${c.status}`, style: { width: `${pct}%` } })));
  });
  if (s.unset > 0) {
    rows.push(h('tr', { dataset: { status: 'unset' } },
      h('th', { scope: 'row', class: 'mark-cell' }, '—'),
      h('td', { class: 'label' }, '未設定（進捗状況がまだ入力されていない取組）'),
      h('td', { class: 'num', dataset: { status: 'unset' } }, String(s.unset)),
      h('td', { class: 'bar-col', 'aria-hidden': 'true' })));
  }
  replace($('#summary-body'), rows);
  replace($('#summary-total'), String(s.total));
}

// ---- filters ------------------------------------------------------------

function fillFilterOptions(plans, departments) {
  const goalSel = $('#f-goal');
  const goals = plans.filter((p) => p.state !== 'draft').flatMap((p) => p.goals || []);
  replace(goalSel, h('option', { value: '' }, 'すべて'),
    goals.map((g) => h('option', { value: g.id, title: g.title }, `目標${g.number}　${g.title}`)));

  replace($('#f-status'), h('option', { value: '' }, 'すべて'),
    statuses().map((s) => h('option', { value: s.key }, `${s.mark} ${s.short}`)));

  replace($('#f-department'), h('option', { value: '' }, 'すべて'),
    departments.filter((d) => d.activity_count > 0)
      .map((d) => h('option', { value: d.id }, `${d.name}（${d.activity_count}件）`)));
  syncFilterInputs();
}

function syncFilterInputs() {
  for (const [k, id] of [['goal', '#f-goal'], ['status', '#f-status'], ['department', '#f-department']]) {
    const sel = $(id);
    const v = state.filters[k];
    if (v && !Array.from(sel.options).some((o) => o.value === v)) state.filters[k] = '';
    sel.value = state.filters[k];
  }
  if ($('#f-q').value !== state.filters.q) $('#f-q').value = state.filters.q;
}

function applyFilter(change, scroll) {
  Object.assign(state.filters, change);
  state.page = 0;
  syncFilterInputs();
  writeUrl();
  loadActivities();
  if (scroll) $('#activities-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function bindFilters() {
  for (const [k, id] of [['goal', '#f-goal'], ['status', '#f-status'], ['department', '#f-department']]) {
    $(id).addEventListener('change', (e) => applyFilter({ [k]: e.target.value }));
  }
  const search = debounce(() => {
    const q = $('#f-q').value.trim();
    if (q === state.filters.q) return;
    applyFilter({ q });
  }, 250);
  $('#f-q').addEventListener('input', () => search());
  $('#filters').addEventListener('submit', (e) => { e.preventDefault(); search.flush(); });
  $('#filters').addEventListener('reset', (e) => {
    e.preventDefault();
    applyFilter({ goal: '', status: '', department: '', q: '' });
  });
}

// ---- activity list --------------------------------------------------------

export async function loadActivities() {
  const seq = ++state.listSeq;
  const table = $('#activities');
  table.setAttribute('aria-busy', 'true');
  $('#activities-failed').hidden = true;
  if (!state.loaded) replace($('#count'), '読み込み中…');
  try {
    const [r] = await Promise.all([loadWholeList(), state.statusesReady]);
    if (seq !== state.listSeq) return; // a newer request is under way
    if (state.fy === null) state.fy = r.fiscal_year;
    state.items = r.items;
    state.total = r.total;
    state.loaded = true;
    renderActivities();
    clearErrorFor(LIST_FAILED);
  } catch (err) {
    if (seq !== state.listSeq) return;
    state.items = [];
    state.total = 0;
    state.loaded = false;
    replace($('#activities-body'));
    replace($('#count'), '—');
    replace($('#count-note'));
    $('#pager').hidden = true;
    // Not "no activity": the list could not be read, and can be asked again.
    $('#activities-empty').hidden = true;
    replace($('#activities-failed-text'), `${LIST_FAILED}${err instanceof ApiError ? err.message : ''}`);
    $('#activities-failed').hidden = false;
    showError(LIST_FAILED, err);
  } finally {
    if (seq === state.listSeq) table.setAttribute('aria-busy', 'false');
  }
}

// Every page of the filtered list, in the API's order (the plan's).
async function loadWholeList() {
  const f = state.filters;
  const ask = (offset) => get(`/api/activities${qs({
    fy: state.fy, limit: LIST_LIMIT, offset: offset || '', plan: state.plan, goal: f.goal, status: f.status, department: f.department, q: f.q,
  })}`);
  const first = await ask(0);
  const items = [...first.items];
  while (items.length < first.total && items.length < 100000) {
    const next = await ask(items.length);
    if (!next.items.length) break;
    items.push(...next.items);
  }
  return { ...first, items };
}

// ---- order and pages ------------------------------------------------------------

const collator = new Intl.Collator('ja');
const statusRank = (a) => {
  const i = statuses().findIndex((s) => s.key === a.status);
  return i < 0 ? statuses().length : i;
};
const deptNames = (a) => a.departments.map((d) => d.name).join('、');
// Ties keep the plan's order (the API's): Array.prototype.sort is stable.
const COMPARE = {
  code: () => 0,
  name: (a, b) => collator.compare(a.name, b.name),
  status: (a, b) => statusRank(a) - statusRank(b),
  department: (a, b) => collator.compare(deptNames(a), deptNames(b)),
};
const SORT_NAMES = { code: '取組番号', name: '実施内容', status: '進捗状況', department: '所管課' };

function sortedItems() {
  const { key, ascending } = state.sort;
  const cmp = COMPARE[key];
  const items = state.items.map((a, i) => ({ a, i }));
  items.sort((x, y) => (ascending ? 1 : -1) * (cmp(x.a, y.a) || x.i - y.i));
  return items.map((x) => x.a);
}

function pageCount(total) {
  return state.pageSize === 'all' ? 1 : Math.max(1, Math.ceil(total / Number(state.pageSize)));
}

function renderSortHeads() {
  const { key, ascending } = state.sort;
  for (const th of document.querySelectorAll('#activities th[data-sort]')) {
    if (th.dataset.sort === key) th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
  replace($('#activities-caption'), `取組の一覧（${SORT_NAMES[key]}の${ascending ? '昇順' : '降順'}）`);
}

function renderPager(total, first, shown) {
  const pages = pageCount(total);
  $('#pager').hidden = total === 0;
  $('#page-size').value = state.pageSize;
  $('#page-prev').disabled = state.page === 0;
  $('#page-next').disabled = state.page >= pages - 1;
  replace($('#page-buttons'), pages > 1 ? Array.from({ length: pages }, (_, i) => h('button', {
    type: 'button', class: 'button button-quiet page-button', 'aria-current': i === state.page ? 'page' : null,
    'aria-label': `${i + 1}ページ目`, onclick: () => showPage(i),
  }, String(i + 1))) : []);
  replace($('#page-info'), shown ? `${total}件中 ${first + 1}〜${first + shown}件目（${state.page + 1}／${pages}ページ）` : '');
}

function showPage(n, focusList = true) {
  state.page = n;
  renderActivities();
  if (focusList) $('#activities-section').scrollIntoView({ block: 'start' });
}

function bindListControls() {
  for (const th of document.querySelectorAll('#activities th[data-sort]')) {
    th.querySelector('button').addEventListener('click', () => {
      const key = th.dataset.sort;
      state.sort = { key, ascending: state.sort.key === key ? !state.sort.ascending : true };
      state.page = 0;
      writeUrl();
      renderActivities();
    });
  }
  $('#page-prev').addEventListener('click', () => showPage(Math.max(0, state.page - 1)));
  $('#page-next').addEventListener('click', () => showPage(state.page + 1));
  $('#page-size').addEventListener('change', (e) => {
    state.pageSize = PAGE_SIZES.includes(e.target.value) ? e.target.value : DEFAULT_PAGE_SIZE;
    state.page = 0;
    writeUrl();
    renderActivities();
  });
}

export function renderActivities() {
  const signedIn = accountActive();
  $('#actions-head').hidden = !signedIn;
  const items = sortedItems();
  const pages = pageCount(items.length);
  state.page = Math.min(state.page, pages - 1);
  const size = state.pageSize === 'all' ? items.length : Number(state.pageSize);
  const first = state.page * size;
  const shown = items.slice(first, first + size);
  replace($('#activities-body'), shown.map((a) => activityRow(a, signedIn)));
  replace($('#count'), `${state.total}件`);
  replace($('#count-note'), state.total > state.items.length ? `（先頭の${state.items.length}件を表示しています）` : '');
  $('#activities-empty').hidden = items.length > 0;
  renderSortHeads();
  renderPager(items.length, first, shown.length);
  renderYearState(state.fy);
}

// The text with each match of the search in <mark>.
function marked(text) {
  const ranges = state.filters.q ? matchRanges(text, state.filters.q) : [];
  if (!ranges.length) return text;
  const out = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) out.push(text.slice(at, start));
    out.push(h('mark', {}, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

function statusCell(a) {
  if (!a.status) {
    return h('td', { class: 'c-status', dataset: { status: 'unset', label: terms().scale_name } },
      h('span', { class: 'mark mark-unset', 'aria-hidden': 'true' }, '—'),
      h('span', { class: 'visually-hidden' }, '未設定'));
  }
  const s = statusInfo(a.status);
  return h('td', { class: 'c-status', dataset: { status: a.status, label: terms().scale_name } },
    h('span', { class: `mark mark-${a.status}`, title: s ? s.short : '' }, a.status_mark),
    h('span', { class: 'status-text' }, s ? s.short : ''), status2Line(a));
}

// A plan of two scales (sql/015): the second's mark below the first, named
// by the plan's scheme once /api/plans has answered.
function status2Line(a) {
  if (!a.status2_mark) return null;
  const name = state.scale2Names[a.plan_id];
  return h('span', { class: 'status2', dataset: { status2: a.status2 } }, name ? `${name}：${a.status2_mark}` : a.status2_mark);
}

function resultCell(a) {
  const td = h('td', { class: 'c-result', dataset: { label: '取組結果' } });
  const text = a.result || '';
  const extra = [];
  if (a.plan_next) extra.push(h('p', { class: 'extra' }, h('span', { class: 'extra-label' }, '翌年度以降の取組予定：'), marked(a.plan_next)));
  if (a.change_reason) extra.push(h('p', { class: 'extra' }, h('span', { class: 'extra-label' }, 'スケジュールの変更理由：'), marked(a.change_reason)));
  const body = h('div', { class: 'result-text' }, text ? marked(text) : h('span', { class: 'muted' }, '（未記入）'));
  td.append(body);
  if (text.length > 60 || extra.length) {
    const more = h('div', { class: 'result-more', hidden: true }, extra);
    body.classList.add('clamped');
    const btn = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false' }, '全文を表示');
    btn.addEventListener('click', () => {
      const open = btn.getAttribute('aria-expanded') !== 'true';
      btn.setAttribute('aria-expanded', String(open));
      body.classList.toggle('clamped', !open);
      more.hidden = !open;
      btn.textContent = open ? '折りたたむ' : '全文を表示';
    });
    td.append(more, btn);
  }
  return td;
}

function activityRow(a, signedIn) {
  const tr = h('tr', { dataset: { activityId: a.id, status: a.status || 'unset' } },
    h('td', { class: 'c-code', dataset: { label: '取組番号' } }, h('span', { class: 'code' }, a.measure.code),
      h('span', { class: 'measure-name' }, a.measure.name)),
    h('th', { scope: 'row', class: 'c-name' }, h('a', { href: `activity.html?id=${a.id}`, class: 'activity-link' }, marked(a.name))),
    statusCell(a),
    h('td', { class: 'c-dept', dataset: { label: '所管課' } }, marked(deptNames(a))),
    resultCell(a));
  if (signedIn) tr.append(h('td', { class: 'c-actions', dataset: { label: '操作' } }, rowActions(a)));
  return tr;
}

// ---- my department first ----------------------------------------------------

// Staff and managers see their own department's activities first: the
// department filter is set for them once signed in (unless the address
// names a department, or they chose to see everything in this tab), and
// one click on すべて表示 clears it. Admins and viewers see all.
const SHOW_ALL = 'shinchoku.showAll';
let mineFor = null; // the user the default was applied for

function mineDepartment() {
  const u = currentUser();
  return u && (u.role === 'staff' || u.role === 'manager') && u.department ? u.department : null;
}

function renderMineNote() {
  const d = mineDepartment();
  const on = d !== null && state.filters.department === String(d.id);
  $('#mine-note').hidden = !on;
  if (on) replace($('#mine-dept'), d.name);
}

function myDepartmentFirst(urlDepartment) {
  const u = currentUser();
  if (u === mineFor) return;
  mineFor = u;
  const d = mineDepartment();
  let showAll = false;
  try { showAll = sessionStorage.getItem(SHOW_ALL) === '1'; } catch { /* storage off */ }
  if (d && !urlDepartment && !showAll && state.filters.department !== String(d.id)) {
    applyFilter({ department: String(d.id) });
  }
  renderMineNote();
}

function bindShowAll() {
  $('#show-all').addEventListener('click', () => {
    try { sessionStorage.setItem(SHOW_ALL, '1'); } catch { /* storage off */ }
    applyFilter({ department: '' });
    renderMineNote();
  });
  $('#f-department').addEventListener('change', renderMineNote);
  $('#filters').addEventListener('reset', () => setTimeout(renderMineNote));
}

// ---- start ----------------------------------------------------------------

export function reloadData() {
  loadSummary();
  return loadActivities();
}

let departmentsKnown = false; // the filter's options are filled: a default can be set

async function start() {
  const urlFy = readUrl();
  state.fy = urlFy;
  $('#error-close').addEventListener('click', clearError);
  $('#activities-retry').addEventListener('click', () => loadActivities());
  bindFilters();
  bindListControls();
  $('#fy').addEventListener('change', (e) => {
    state.fy = Number(e.target.value);
    writeUrl();
    reloadData();
    if (accountActive()) loadMyUpdates();
  });

  state.statusesReady = loadStatuses().then((list) => {
    clearErrorFor(STATUSES_FAILED);
    nameScales(terms().scale_name); // the list names the first scale (the second is each row's line)
    return list;
  }, (err) => {
    showError(STATUSES_FAILED, err);
    return [];
  });
  // A status in the address is checked before the list is asked for it.
  if (state.filters.status) {
    await state.statusesReady;
    checkStatusFilter();
  }
  state.statusesReady.then(renderLegend);

  const urlDepartment = state.filters.department;
  bindShowAll();
  const account = initAccount({
    reload: reloadData,
    rerender: () => {
      if (state.loaded) renderActivities();
      rerenderTimeline();
      if (departmentsKnown) myDepartmentFirst(urlDepartment);
    },
    fy: currentFy, showError, notice,
  });
  initTimelineControls();
  const plansP = get('/api/plans');
  plansP.then((r) => {
    for (const p of r.items || []) if (p.scheme?.scale2_name) state.scale2Names[p.id] = p.scheme.scale2_name;
  }, () => {});
  const deptsP = get('/api/departments');
  // The timeline's admin controls wait for the session.
  const timeline = Promise.all([plansP, account]).then(([r]) => loadTimeline(r.items, {
    isAdmin: () => currentUser()?.role === 'admin', showError, notice,
  }), () => {});
  // The list first: asked without a year, it answers for the latest one,
  // which is the default year.
  const list = loadActivities();

  const [plansR, deptsR] = await Promise.allSettled([plansP, deptsP, state.statusesReady]);
  if (plansR.status === 'rejected') showError('計画の情報を読み込めませんでした。', plansR.reason);
  if (deptsR.status === 'rejected') showError('所管課の一覧を読み込めませんでした。', deptsR.reason);
  const asked = JSON.stringify(state.filters);
  fillFilterOptions(plansR.value?.items || [], deptsR.value?.items || []);
  const filtersDropped = JSON.stringify(state.filters) !== asked; // a stale link

  await list;
  if (state.fy === null) { // the list failed: the year on its own
    try {
      state.fy = (await get('/api/activities?limit=1')).fiscal_year;
    } catch {
      const now = new Date();
      state.fy = now.getFullYear() - (now.getMonth() < 3 ? 2 : 1);
    }
  }
  const years = loadYears(urlFy === null && state.loaded ? state.fy : null).then((y) => {
    state.latestFy = y.latest;
    renderYears(y.years);
  }, (err) => {
    state.latestFy = state.fy;
    renderYears([state.fy]);
    showError('年度の一覧を読み込めませんでした。', err);
  });

  syncReportLink();
  await account; // the session decides whether rows get buttons
  departmentsKnown = true;
  myDepartmentFirst(urlDepartment);
  if (state.loaded) renderActivities();
  await Promise.all([loadSummary(), years, timeline, filtersDropped ? loadActivities() : null]);
  document.body.dataset.ready = 'true';
}

start();

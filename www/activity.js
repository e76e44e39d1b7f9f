// The activity page, activity.html?id=N: the activity's measure, goal,
// departments and re-listings (再掲); every fiscal year side by side; its
// status requests and its history from the audit log (signed in), each
// change as before → after with the changed characters marked.
import { get, qs, ApiError } from './api.js';
import { h, replace, $, eraYear, dateTime } from './dom.js';
import { loadStatuses, statusInfo, nameScales, scalesName } from './statuses.js';
import { readSession, showAccount, showError, signInHref } from './session.js';
import { diff } from './chardiff.js';

const HISTORY_PAGE = 50;

// The columns of the logged rows people wrote, in the order shown.
const FIELDS = {
  name: '実施内容',
  status: '進捗状況',
  change_reason: 'スケジュールの変更理由',
  result: '取組結果',
  plan_next: '以降の取組予定',
  to_status: '変更後の進捗状況',
  reason: '理由',
  state: '状態',
  comment: 'コメント',
  label: '再掲の表示名',
};
const STATUS_FIELDS = new Set(['status', 'to_status', 'from_status']);
const STATES = { pending: '承認待ち', approved: '承認', rejected: '却下', withdrawn: '取り下げ' };
const CHANNELS = { import: '一括取込', cli: 'コマンド（管理者）', sql: 'データベースの直接操作' };

const state = { id: null, activity: null, user: null, history: [], total: 0, scheme: null };

// A level of the activity's own plan (its scheme's scale or second scale,
// sql/015: keys are a plan's own), else of the statuses the page loaded.
function levelOf(key) {
  const sc = state.scheme;
  const own = sc && [...(sc.scale || []), ...(sc.scale2 || [])].find((l) => l.key === key);
  return own || statusInfo(key);
}

function statusText(key) {
  if (!key) return '未設定';
  const s = levelOf(key);
  return s ? `${s.mark} ${s.short}` : key;
}

function statusCell(key) {
  const s = key ? levelOf(key) : null;
  return [h('span', { class: `mark mark-${key || 'unset'}`, 'aria-hidden': 'true' }, s ? s.mark : '—'),
    h('span', { class: 'status-text' }, key ? (s ? s.short : key) : '未設定')];
}

const blankMark = (text) => (text ? text : h('span', { class: 'muted' }, '（記入なし）'));

// ---- the activity and its years ----------------------------------------------

function renderActivity(a) {
  document.title = `${a.measure.code} ${a.name} — 進捗 shinchoku`;
  replace($('#activity-code'), a.measure.code);
  replace($('#measure-name'), a.measure.name);
  replace($('#activity-name'), a.name);
  replace($('#plan-title'), a.plan?.title || '');
  replace($('#goal-title'), a.goal ? `目標${a.goal.number}　${a.goal.title || ''}` : '');
  replace($('#measure-full'), `${a.measure.code}　${a.measure.name}`);
  replace($('#departments'), a.departments.length
    ? a.departments.map((d) => d.name).join('、') : h('span', { class: 'muted' }, '（なし）'));
  replace($('#relistings'), a.relistings?.length
    ? h('ul', { class: 'relisting-list' }, a.relistings.map((r) => h('li', {},
      h('span', { class: 'code' }, r.code), ' ', r.label || a.name)))
    : h('span', { class: 'muted' }, '（なし）'));
  const years = [...a.years].sort((x, y) => x.fiscal_year - y.fiscal_year);
  replace($('#years-head'), h('th', { scope: 'col' }, '項目'),
    years.map((y) => h('th', { scope: 'col', dataset: { fy: y.fiscal_year } }, eraYear(y.fiscal_year))));
  const row = (label, cell) => h('tr', {}, h('th', { scope: 'row' }, label),
    years.map((y) => h('td', { dataset: { fy: y.fiscal_year } }, cell(y))));
  replace($('#years-body'),
    row(state.scheme?.scale_name || '進捗状況', (y) => statusCell(y.status)),
    state.scheme?.scale2_name ? row(state.scheme.scale2_name, (y) => statusCell(y.status2)) : null,
    row('スケジュールの変更理由', (y) => blankMark(y.change_reason)),
    row('取組結果', (y) => blankMark(y.result)),
    row('以降の取組予定', (y) => blankMark(y.plan_next)),
    row('最終更新', (y) => dateTime(y.updated_at)));
  if (!years.length) {
    replace($('#years-body'), h('tr', {}, h('td', { class: 'empty' }, 'この取組には、まだ年度の記録がありません。')));
  }
  if (years.length) $('#nav-report').href = `report.html?fy=${years[years.length - 1].fiscal_year}`;
  $('#overview').hidden = false;
  $('#years-section').hidden = false;
}

// ---- status requests -----------------------------------------------------------

const person = (u) => (u ? u.display_name || u.login : '');

function renderRequests(items) {
  $('#requests-empty').hidden = items.length > 0;
  $('#requests').hidden = items.length === 0;
  replace($('#requests-body'), items.map((r) => h('tr', { dataset: { requestId: r.id, state: r.state } },
    h('td', {}, dateTime(r.requested_at)),
    h('td', {}, eraYear(r.fiscal_year)),
    h('td', { class: 'change' }, `${r.from_mark || '—'} → ${r.to_mark}`),
    h('td', {}, blankMark(r.reason)),
    h('td', { class: 'requester' }, person(r.requested_by)),
    h('td', { class: `state state-${r.state}` }, STATES[r.state] || r.state),
    h('td', { class: 'decider' }, person(r.decided_by) || h('span', { class: 'muted' }, '—')),
    h('td', {}, dateTime(r.decided_at)),
    h('td', { class: 'comment' }, r.comment || h('span', { class: 'muted' }, '—')))));
}

// ---- history ----------------------------------------------------------------

function what(e) {
  if (e.entity === 'activity_year') return `${eraYear(e.fiscal_year)}の記録`;
  if (e.entity === 'status_request') return '進捗状況の変更申請';
  if (e.entity === 'activity_department') return '所管課';
  if (e.entity === 'placement') return '計画の表での位置';
  return '取組';
}

function actionText(e) {
  if (e.entity === 'status_request') {
    if (e.action === 'insert') return '申請';
    const s = e.after?.state;
    return s && s !== e.before?.state ? STATES[s] || '更新' : '更新';
  }
  return { insert: '登録', update: '変更', delete: '削除' }[e.action] || e.action;
}

function valueText(field, v) {
  if (STATUS_FIELDS.has(field)) return statusText(v);
  if (field === 'state') return STATES[v] || String(v ?? '');
  return v === null || v === undefined ? '' : String(v);
}

// The side of a change with its changed runs marked (del before, ins after).
function side(parts, tag, label) {
  if (!parts.length) return h('span', { class: 'muted' }, '（空欄）');
  return h('span', { class: 'diff-text' }, h('span', { class: 'visually-hidden' }, label),
    parts.map(([text, changed]) => (changed ? h(tag, {}, text) : text)));
}

function changedFields(e) {
  const b = e.before || {};
  const a = e.after || {};
  return Object.keys(FIELDS).filter((f) => (f in a || f in b) && JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}

function historyItem(e) {
  const fields = e.action === 'update' ? changedFields(e) : [];
  const who = e.user ? person(e.user) : CHANNELS[e.channel] || '不明';
  return h('li', { class: 'change', dataset: { entity: e.entity, entityId: e.entity_id, action: e.action } },
    h('p', { class: 'change-head' },
      h('time', { datetime: e.at }, dateTime(e.at)), ' ',
      h('span', { class: 'change-who' }, who), ' ',
      h('span', { class: 'change-what' }, `${what(e)}を${actionText(e)}`)),
    fields.length ? h('dl', { class: 'change-fields' }, fields.flatMap((f) => {
      const d = diff(valueText(f, e.before?.[f]), valueText(f, e.after?.[f]));
      return [h('dt', { dataset: { field: f } }, FIELDS[f]),
        h('dd', { dataset: { field: f } },
          h('span', { class: 'before' }, side(d.before, 'del', '変更前：')),
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
          h('span', { class: 'after' }, side(d.after, 'ins', '変更後：')))];
    })) : null);
}

function renderHistory() {
  replace($('#history-count'), `${state.total}件`);
  $('#history-empty').hidden = state.total > 0;
  replace($('#history'), state.history.map(historyItem));
  $('#history-more-line').hidden = state.history.length >= state.total;
}

async function loadHistory(more) {
  const r = await get(`/api/activities/${state.id}/history${qs({
    limit: HISTORY_PAGE, offset: more ? state.history.length : '',
  })}`);
  state.history = more ? state.history.concat(r.items) : r.items;
  state.total = r.total;
  renderHistory();
}

// ---- start ------------------------------------------------------------------

async function loadSigned() {
  const signedIn = state.user !== null;
  for (const id of ['#history-section', '#requests-section']) $(id).hidden = false;
  $('#history-signin').hidden = signedIn;
  $('#requests-signin').hidden = signedIn;
  for (const a of document.querySelectorAll('.signin-here')) a.href = signInHref();
  if (!signedIn) return;
  const [reqs, hist] = await Promise.allSettled([
    get(`/api/activities/${state.id}/status-requests`).then((r) => renderRequests(r.items)),
    loadHistory(false)]);
  if (reqs.status === 'rejected') showError('変更申請を読み込めませんでした。', reqs.reason);
  if (hist.status === 'rejected') showError('変更履歴を読み込めませんでした。', hist.reason);
}

function notFound(text) {
  $('#not-found').hidden = false;
  if (text) replace($('#not-found-text'), text);
}

async function start() {
  $('#error-retry').addEventListener('click', () => location.reload());
  $('#history-more').addEventListener('click', () => loadHistory(true)
    .catch((err) => showError('変更履歴を読み込めませんでした。', err)));
  const raw = new URLSearchParams(location.search).get('id') || '';
  try {
    state.user = await readSession();
  } catch (err) {
    showError('ログイン状態を確認できませんでした。', err);
  }
  showAccount(state.user, showError);
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) {
    $('#loading').hidden = true;
    notFound('取組の番号が指定されていません。取組一覧から選んでください。');
    document.body.dataset.ready = 'true';
    return;
  }
  state.id = Number(raw);
  try {
    const [a] = await Promise.all([get(`/api/activities/${state.id}`),
      loadStatuses().catch((err) => showError('進捗状況の区分を読み込めませんでした。', err))]);
    state.activity = a;
    // The plan's terms; without them the page falls back to the statuses.
    if (a.plan?.id) state.scheme = await get(`/api/plans/${a.plan.id}`).then((p) => p.scheme || null, () => null);
    // The page's fixed words name the plan's scale (達成度, 実施状況・達成度).
    const sc = state.scheme;
    if (sc?.scale_name) nameScales(scalesName(sc.scale_name, sc.scale2_name));
    renderActivity(a);
    await loadSigned();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    else showError('取組を読み込めませんでした。', err);
  } finally {
    $('#loading').hidden = true;
    document.body.dataset.ready = 'true';
  }
}

start();

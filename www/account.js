// Sign-in, editing of an activity's yearly texts, status-change requests,
// the approval inbox and the history of a record. The session cookie is
// HttpOnly; the CSRF token from the session answer goes with every change.
import { request, setCsrf, ApiError } from './api.js';
import { h, replace, $, eraYear, dateTime, isBlank } from './dom.js';
import { landsOnDashboard } from './session.js';
import { loadStatuses, statuses, statuses2, statusInfo, reasonRequired, reasonMarks, terms, scaleNameOf, scalesName } from './statuses.js';

const ROLES = { viewer: '閲覧者', staff: '担当職員', manager: '管理職', admin: 'システム管理者' };
// Set while signed in, so that an anonymous visit does not ask GET
// /api/session (a 401 there is only noise). Holds no secret.
const HINT = 'shinchoku.signedIn';

let ctx = null; // { reload, rerender, fy, showError, notice }
let user = null;
let pending = []; // pending status requests visible to the user
let round = null; // the open reporting round and what is left: { id, fiscal_year, due_date, overdue, todo: Set }
let years = new Map(); // fiscal year → its row of GET /api/fiscal-years (locked, records…)
let rounds = []; // GET /api/rounds: which year's round closed, and when

export const accountActive = () => user !== null;
export const currentUser = () => user;

function hint(on) {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch { /* storage may be off: then every visit starts signed out */ }
}

function hasHint() {
  try { return localStorage.getItem(HINT) === '1'; } catch { return false; }
}

// ---- fiscal years and rounds: what may change --------------------------------

// A year the admins locked: its records and requests refuse every change,
// so the page offers none (the server says so too: 409 locked).
export const yearLocked = (fy) => !!years.get(fy)?.locked;
// Years that were opened (have records), newest first: the only ones offered.
export const openedYears = () => [...years.values()].filter((y) => y.records > 0).map((y) => y.fiscal_year).sort((a, b) => b - a);
// The closed round of a year, whose report is frozen (確定版), or null.
export const closedRound = (fy) => rounds.find((x) => x.fiscal_year === fy && x.state === 'closed') || null;

// Both lists are public; a failure leaves them as they were (the server
// still refuses what it must, in Japanese).
export async function loadYearStates() {
  const [fy, rr] = await Promise.allSettled([request('GET', '/api/fiscal-years'), request('GET', '/api/rounds')]);
  if (fy.status === 'fulfilled') years = new Map(fy.value.items.map((y) => [y.fiscal_year, y]));
  if (rr.status === 'fulfilled') rounds = rr.value.items;
  return fy.status === 'fulfilled';
}

// The line under the list's count: the selected year is locked.
export function renderYearState(fy) {
  const line = $('#year-locked');
  if (!line) return;
  const locked = yearLocked(fy);
  replace(line, locked ? `${eraYear(fy)}は締め切られています。この年度の記録の編集や進捗状況の変更の申請はできません。` : '');
  line.hidden = !locked;
}

const dayOf = (iso) => {
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return d ? `${Number(d[1])}年${Number(d[2])}月${Number(d[3])}日` : '';
};

function mayEdit(a) {
  if (!user || a.version === null || a.version === undefined) return false;
  if (yearLocked(ctx.fy())) return false;
  if (user.role === 'admin') return true;
  if (user.role !== 'staff' && user.role !== 'manager') return false;
  return !!user.department && a.departments.some((d) => d.id === user.department.id);
}

const isApprover = () => user && (user.role === 'manager' || user.role === 'admin');

// ---- session ------------------------------------------------------------

function setSession(s) {
  user = s.user;
  setCsrf(s.csrf_token);
  hint(true);
  $('#signin-open').hidden = true;
  $('#user-box').hidden = false;
  replace($('#user-name'), user.display_name || user.login);
  const meta = [ROLES[user.role] || user.role];
  if (user.department) meta.push(user.department.name);
  replace($('#user-meta'), meta.join('・'));
  document.body.dataset.role = user.role;
  if ($('#nav-admin')) $('#nav-admin').hidden = user.role !== 'admin';
}

function clearSession() {
  user = null;
  pending = [];
  setCsrf(null);
  hint(false);
  $('#signin-open').hidden = false;
  $('#user-box').hidden = true;
  replace($('#user-name'));
  replace($('#user-meta'));
  delete document.body.dataset.role;
  $('#inbox-section').hidden = true;
  round = null;
  if ($('#nav-admin')) $('#nav-admin').hidden = true;
  if ($('#my-updates-section')) $('#my-updates-section').hidden = true;
  for (const d of document.querySelectorAll('dialog[open]')) if (d.id !== 'signin-dialog') d.close();
}

// An answer of 401 to a change: the session ended on the server.
function sessionLost() {
  clearSession();
  ctx.rerender();
  ctx.showError('', new ApiError(401, { error: { code: 'unauthenticated' } }));
}

// index.html?next=dashboard.html: the page that sent the visitor here to
// sign in (the dashboard, an activity page), where the sign-in goes back
// to. Only a page of this site: a file name and its query, nothing else.
function nextPage() {
  const n = new URLSearchParams(location.search).get('next') || '';
  return /^[a-z]+\.html(\?[A-Za-z0-9=&_.-]*)?$/.test(n) ? n : null;
}

export async function initAccount(c) {
  ctx = c;
  for (const b of document.querySelectorAll('dialog [data-close]')) {
    if (b.closest('#edit-dialog') || b.closest('#confirm-dialog')) continue;
    b.addEventListener('click', () => b.closest('dialog').close());
  }
  // The edit dialog closes only after asking, when text would be lost.
  $('#edit-cancel').addEventListener('click', () => closeEdit());
  $('#edit-dialog').addEventListener('cancel', (e) => { e.preventDefault(); closeEdit(); });
  window.addEventListener('beforeunload', (e) => {
    if (!editDirty()) return;
    e.preventDefault();
    e.returnValue = ''; // the browser's own question: leave the page?
  });
  initConfirm();
  const states = loadYearStates();
  $('#signin-open').addEventListener('click', openSignIn);
  $('#signin-form').addEventListener('submit', signIn);
  $('#signout').addEventListener('click', signOut);
  $('#edit-form').addEventListener('submit', saveEdit);
  $('#conflict-reload').addEventListener('click', conflictReload);
  $('#conflict-keep').addEventListener('click', conflictKeep);
  $('#status-form').addEventListener('submit', submitStatus);
  $('#status-withdraw').addEventListener('click', withdrawFromDialog);
  $('#activities-body').addEventListener('click', onRowAction);

  await states;
  if (!hasHint()) {
    if (nextPage()) openSignIn();
    return;
  }
  const r = await request('GET', '/api/session', { raw: true });
  if (r.status === 200 && r.body && r.body.user) {
    if (nextPage()) {
      location.replace(nextPage());
      return;
    }
    setSession(r.body);
    loadInbox();
    loadMyUpdates();
  } else {
    clearSession();
    if (r.status !== 401) ctx.showError('ログイン状態を確認できませんでした。', new ApiError(r.status, r.body));
  }
}

function openSignIn() {
  $('#signin-error').hidden = true;
  $('#signin-form').reset();
  $('#signin-dialog').showModal();
  $('#login-id').focus();
}

async function signIn(e) {
  e.preventDefault();
  const login = $('#login-id').value.trim();
  const password = $('#login-password').value;
  const err = $('#signin-error');
  if (!login || !password) {
    replace(err, 'ログイン ID とパスワードを入力してください。');
    err.hidden = false;
    return;
  }
  const btn = $('#signin-submit');
  btn.disabled = true;
  try {
    const r = await request('POST', '/api/session', { body: { login, password }, raw: true });
    if (r.status !== 200 || !r.body || !r.body.user) {
      const ae = new ApiError(r.status, r.body, r.headers.get('Retry-After'));
      replace(err, ae.message);
      err.hidden = false;
      $('#login-password').value = '';
      $('#login-password').focus();
      return;
    }
    setSession(r.body);
    const next = nextPage() || (landsOnDashboard() ? 'dashboard.html' : null);
    if (next) {
      location.assign(next);
      return;
    }
    $('#signin-dialog').close();
    ctx.notice(`${user.display_name || user.login} さんとしてログインしました。`);
    ctx.rerender();
    loadInbox();
    loadMyUpdates();
  } finally {
    btn.disabled = false;
  }
}

async function signOut() {
  const r = await request('DELETE', '/api/session', { raw: true });
  if (r.status !== 200 && r.status !== 401 && r.status !== 403) {
    ctx.showError('ログアウトできませんでした。', new ApiError(r.status, r.body));
    return;
  }
  clearSession();
  ctx.rerender();
  ctx.notice('ログアウトしました。');
}

// ---- row buttons ----------------------------------------------------------

export function rowActions(a) {
  const box = h('div', { class: 'row-actions' });
  if (mayEdit(a)) {
    box.append(
      h('button', { type: 'button', class: 'button button-small', dataset: { action: 'edit' }, 'aria-label': `編集：${a.name}` }, '編集'),
      h('button', { type: 'button', class: 'button button-small', dataset: { action: 'status' }, 'aria-label': `状況変更（進捗状況の変更を申請）：${a.name}` }, '状況変更'));
    const p = pending.find((r) => r.activity_id === a.id && r.fiscal_year === ctx.fy());
    if (p) box.append(h('span', { class: 'pending-tag' }, `申請中 ${p.from_mark || '—'}→${p.to_mark}`));
  }
  if (a.version !== null && a.version !== undefined) {
    box.append(h('button', { type: 'button', class: 'button button-small button-quiet', dataset: { action: 'history' }, 'aria-label': `変更履歴：${a.name}` }, '履歴'));
  }
  return box;
}

function onRowAction(e) {
  const btn = e.target.closest('button[data-action]');
  if (!btn) return;
  const id = Number(btn.closest('tr').dataset.activityId);
  const a = { id, name: btn.closest('tr').querySelector('.c-name').textContent, code: btn.closest('tr').querySelector('.code').textContent };
  if (btn.dataset.action === 'edit') openEdit(a);
  else if (btn.dataset.action === 'status') openStatus(a);
  else if (btn.dataset.action === 'history') openHistory(a);
}

// The record as it is now: GET /api/activities/{id}, the selected year
// (or the year of the open round, from the my-updates panel).
async function freshYear(id, fy = ctx.fy()) {
  const a = await request('GET', `/api/activities/${id}`);
  return { activity: a, year: a.years.find((y) => y.fiscal_year === fy) || null };
}

function formError(el, err) {
  replace(el, err instanceof ApiError ? err.message : '予期しないエラーが発生しました。');
  el.hidden = false;
}

// ---- edit dialog ------------------------------------------------------------

let editing = null; // { id, fy, version, current }

const EDIT_FIELDS = [
  ['result', '#edit-result', '#conflict-result'],
  ['plan_next', '#edit-plan-next', '#conflict-plan-next'],
  ['change_reason', '#edit-change-reason', '#conflict-change-reason'],
];

async function openEdit(a, fy = ctx.fy()) {
  let fresh;
  try {
    fresh = await freshYear(a.id, fy);
  } catch (err) {
    ctx.showError('取組を読み込めませんでした。', err);
    return;
  }
  if (!fresh.year) {
    ctx.showError('', new ApiError(404, { error: { code: 'not_found' } }));
    return;
  }
  if (yearLocked(fy)) {
    ctx.showError('', new ApiError(409, { error: { code: 'locked', message: `${eraYear(fy)}は締め切られているため、変更できません。` } }));
    return;
  }
  editing = { id: a.id, fy, version: fresh.year.version, base: fresh.year };
  replace($('#edit-code'), fresh.activity.measure.code);
  replace($('#edit-name'), fresh.activity.name);
  replace($('#edit-fy'), eraYear(fy));
  for (const [k, input] of EDIT_FIELDS) $(input).value = fresh.year[k] || '';
  $('#edit-conflict').hidden = true;
  $('#edit-error').hidden = true;
  // After the round closed, the report is its snapshot: say that a change
  // here does not reach it.
  const closed = closedRound(fy);
  replace($('#edit-frozen'), closed
    ? `${eraYear(fy)}の照会は${dayOf(closed.closed_at)}に締め切られ、報告書は確定版になっています。ここで保存しても、確定版の報告書は変わりません。`
    : '');
  $('#edit-frozen').hidden = !closed;
  $('#edit-dialog').showModal();
  $('#edit-result').focus();
}

async function saveEdit(e) {
  e.preventDefault();
  if (!editing) return;
  const body = {};
  for (const [k, input] of EDIT_FIELDS) {
    const v = $(input).value;
    if (v !== (editing.base[k] || '')) body[k] = v;
  }
  // In an open round, saving unchanged reports the record as checked.
  const confirming = Object.keys(body).length === 0 && round && round.fiscal_year === editing.fy && round.todo.has(editing.id);
  if (confirming) body.result = editing.base.result || '';
  if (Object.keys(body).length === 0) {
    $('#edit-dialog').close();
    ctx.notice('変更はありませんでした。');
    return;
  }
  const btn = $('#edit-save');
  btn.disabled = true;
  $('#edit-error').hidden = true;
  try {
    const r = await request('PATCH', `/api/activities/${editing.id}/years/${editing.fy}`, {
      body, raw: true, headers: { 'If-Match': `"${editing.version}"` },
    });
    const saved = editing;
    if (r.status === 200) {
      $('#edit-dialog').close();
      editing = null;
      ctx.notice(confirming ? '変更なしで保存しました（今回の照会で更新済みになりました）。'
        : closedRound(saved.fy) ? '保存しました。確定版の報告書は変わりません（報告書ページの「確定版との違い」に表示されます）。' : '保存しました。');
      ctx.reload();
      loadMyUpdates();
    } else if (r.status === 409 && r.body && r.body.error) {
      // A locked year (or any refusal): its words, never the conflict panel.
      formError($('#edit-error'), new ApiError(r.status, r.body));
      if (r.body.error.code === 'locked') {
        await loadYearStates();
        ctx.rerender();
      }
    } else if (r.status === 409 && r.body) {
      showConflict(r.body.current || r.body);
      ctx.reload();
    } else if (r.status === 401) {
      $('#edit-dialog').close();
      sessionLost();
    } else {
      formError($('#edit-error'), new ApiError(r.status, r.body));
    }
  } finally {
    btn.disabled = false;
  }
}

function showConflict(current) {
  editing.current = current;
  for (const [k, , shown] of EDIT_FIELDS) replace($(shown), current[k] || '（空欄）');
  const who = current.updated_by ? `${current.updated_by.display_name}さん` : 'ほかの人（データ取込など）';
  replace($('#conflict-who'), `${who}が${dateTime(current.updated_at)}に変更しました。`);
  $('#edit-conflict').hidden = false;
  $('#edit-conflict').scrollIntoView({ block: 'nearest' });
}

// Take over the record as it is now, dropping the user's input.
function conflictReload() {
  const c = editing.current;
  for (const [k, input] of EDIT_FIELDS) $(input).value = c[k] || '';
  editing.version = c.version;
  editing.base = c;
  $('#edit-conflict').hidden = true;
  $('#edit-result').focus();
}

// Keep the user's input and save it over the newer version, once the user
// said so a second time: the other person's text is then gone.
async function conflictKeep() {
  const by = editing.current.updated_by ? `${editing.current.updated_by.display_name}さん` : 'ほかの人';
  const ok = await askConfirm(`${by}が${dateTime(editing.current.updated_at)}に保存した内容を、あなたの入力で上書きします。${by}の変更は失われます。上書きしてよろしいですか。`,
    '上書きする', '戻る');
  if (!ok || !editing) return;
  editing.version = editing.current.version;
  editing.base = editing.current;
  $('#edit-conflict').hidden = true;
  $('#edit-form').requestSubmit();
}

// Text typed and not saved: the dialog is open and a field differs from
// what was loaded.
function editDirty() {
  if (!editing || !$('#edit-dialog').open) return false;
  return EDIT_FIELDS.some(([k, input]) => $(input).value !== (editing.base[k] || ''));
}

async function closeEdit() {
  if (editDirty() && !(await askConfirm('入力した内容はまだ保存されていません。保存せずに閉じると、入力は失われます。閉じてよろしいですか。',
    '保存せずに閉じる', '編集に戻る'))) return;
  $('#edit-dialog').close();
  editing = null;
}

// ---- a question of our own (Japanese, in the page's look) ------------------------

let confirmAnswer = null;

function initConfirm() {
  const d = $('#confirm-dialog');
  const settle = (v) => {
    if (d.open) d.close();
    const f = confirmAnswer;
    confirmAnswer = null;
    if (f) f(v);
  };
  $('#confirm-ok').addEventListener('click', () => settle(true));
  $('#confirm-cancel').addEventListener('click', () => settle(false));
  d.addEventListener('cancel', (e) => { e.preventDefault(); settle(false); });
}

// Resolves true when the user chose ok.
export function askConfirm(text, ok, cancel) {
  const d = $('#confirm-dialog');
  replace($('#confirm-text'), text);
  replace($('#confirm-ok'), ok);
  replace($('#confirm-cancel'), cancel);
  return new Promise((resolve) => {
    confirmAnswer = resolve;
    d.showModal();
    $('#confirm-cancel').focus();
  });
}

// ---- status-change request dialog ------------------------------------------

let statusTarget = null; // { id, fy, current, request }

// The radio buttons of one scale's levels (the API takes the key; a key
// says its scale), the current value disabled.
const statusChoices = (levels, current) => levels.map((s) => h('label', { class: 'choice' },
  h('input', {
    type: 'radio', name: 'status', value: s.key, disabled: s.key === current,
    onchange: reasonRequirement,
  }),
  h('span', { class: `mark mark-${s.key}`, 'aria-hidden': 'true' }, s.mark), ` ${s.short}`));
// The scale a request moves, by name (the API's; else its level's).
const requestScale = (q) => q.scale_name || scaleNameOf(statusInfo(q.to_status)) || '進捗状況';
const levelText = (key) => {
  const s = statusInfo(key);
  return s ? `${s.mark} ${s.short}` : '未設定';
};

async function openStatus(a) {
  const fy = ctx.fy();
  let fresh;
  try {
    await loadStatuses();
  } catch (err) {
    ctx.showError('進捗状況の区分を読み込めませんでした。', err);
    return;
  }
  try {
    fresh = await freshYear(a.id);
  } catch (err) {
    ctx.showError('取組を読み込めませんでした。', err);
    return;
  }
  if (!fresh.year) return;
  // One pending request per scale (sql/015): a plan with a second scale
  // may have one of each.
  const mineAll = pending.filter((r) => r.activity_id === a.id && r.fiscal_year === fy);
  const mine = mineAll[0];
  const { scale_name: name1, scale2_name: name2 } = terms();
  const two = !!name2 && statuses2().length > 0;
  const blocked = (sc) => mineAll.some((r) => (r.scale || 1) === sc);
  statusTarget = { id: a.id, fy, current: fresh.year.status, request: mine || null };
  replace($('#status-code'), fresh.activity.measure.code);
  replace($('#status-name'), fresh.activity.name);
  for (const el of document.querySelectorAll('#status-dialog .dialog-scale')) el.textContent = scalesName(name1, two ? name2 : null);
  replace($('#status-current-name'), name1);
  replace($('#status-legend-name'), name1);
  replace($('#status-current'), levelText(fresh.year.status));
  replace($('#status-choices'), statusChoices(statuses(), fresh.year.status));
  $('#status-current2-line').hidden = !two;
  $('#status-fields2').hidden = !two;
  $('#status-one-hint').hidden = !two;
  if (two) {
    replace($('#status-current2-name'), name2);
    replace($('#status-legend2-name'), name2);
    replace($('#status-current2'), levelText(fresh.year.status2));
    replace($('#status-choices2'), statusChoices(statuses2(), fresh.year.status2));
  } else {
    replace($('#status-choices2'));
  }
  $('#status-reason').value = '';
  const pbox = $('#status-pending');
  if (mine) {
    replace($('#status-pending-text'), mineAll.map((q) => `${two ? `${requestScale(q)}：` : ''}${q.from_mark || '—'} → ${q.to_mark}（${q.requested_by.display_name}、${dateTime(q.requested_at)}）`).join('　'));
    $('#status-withdraw').hidden = mine.requested_by.id !== user.id;
  }
  pbox.hidden = !mine;
  const closed = blocked(1) && (!two || blocked(2));
  $('#status-fields').disabled = blocked(1);
  $('#status-fields2').disabled = two && blocked(2);
  $('#status-reason').disabled = closed;
  $('#status-submit').disabled = closed;
  $('#status-error').hidden = true;
  reasonRequirement();
  $('#status-dialog').showModal();
}

function chosenStatus() {
  const r = document.querySelector('#status-dialog input[name="status"]:checked');
  return r ? r.value : '';
}

function reasonRequirement() {
  const need = reasonRequired(chosenStatus());
  $('#status-reason-req').hidden = !need;
  $('#status-reason').required = need;
}

async function submitStatus(e) {
  e.preventDefault();
  if (!statusTarget) return;
  const status = chosenStatus();
  const reason = $('#status-reason').value;
  const err = $('#status-error');
  if (!status) {
    const { scale_name: n1, scale2_name: n2 } = terms();
    replace(err, `変更後の${n2 && statuses2().length ? `${n1}または${n2}` : n1}を選んでください。`);
    err.hidden = false;
    return;
  }
  if (reasonRequired(status) && isBlank(reason)) {
    const level = statusInfo(status);
    replace(err, level?.scale === 2 ? `${scaleNameOf(level)}を「${level.mark}」にするときは、理由を入力してください。`
      : `${reasonMarks()} を申請するときは、理由を入力してください。`);
    err.hidden = false;
    $('#status-reason').focus();
    return;
  }
  const btn = $('#status-submit');
  btn.disabled = true;
  try {
    const r = await request('POST', `/api/activities/${statusTarget.id}/years/${statusTarget.fy}/status-requests`,
      { body: { status, reason }, raw: true });
    if (r.status === 201) {
      $('#status-dialog').close();
      ctx.notice(user.role === 'staff'
        ? '申請しました。所管課の管理職が承認すると反映されます。'
        : '申請しました。ご自身以外の管理職または管理者が承認すると反映されます。');
      await loadInbox();
    } else if (r.status === 401) {
      $('#status-dialog').close();
      sessionLost();
    } else {
      formError(err, new ApiError(r.status, r.body));
      if (r.body?.error?.code === 'locked') {
        await loadYearStates();
        ctx.rerender();
      }
    }
  } finally {
    btn.disabled = false;
  }
}

async function withdrawFromDialog() {
  if (!statusTarget || !statusTarget.request) return;
  const ok = await withdraw(statusTarget.request.id, $('#status-error'));
  if (ok) $('#status-dialog').close();
}

async function withdraw(id, errEl) {
  const r = await request('POST', `/api/status-requests/${id}/withdrawal`, { raw: true });
  if (r.status === 200) {
    ctx.notice('申請を取り下げました。');
    await loadInbox();
    return true;
  }
  if (r.status === 401) sessionLost();
  else if (errEl) formError(errEl, new ApiError(r.status, r.body));
  else ctx.showError('申請を取り下げられませんでした。', new ApiError(r.status, r.body));
  return false;
}

// ---- inbox ------------------------------------------------------------------

export async function loadInbox() {
  if (!user) return;
  if (user.role === 'viewer') {
    $('#inbox-section').hidden = true;
    return;
  }
  const [r] = await Promise.all([request('GET', '/api/status-requests?state=pending', { raw: true }),
    loadStatuses().catch(() => null)]); // without them, the short text stays out
  if (r.status === 401) {
    sessionLost();
    return;
  }
  if (r.status !== 200 || !r.body) {
    ctx.showError('申請の一覧を読み込めませんでした。', new ApiError(r.status, r.body));
    return;
  }
  const key = (list) => list.map((x) => `${x.id}:${x.activity_id}/${x.fiscal_year}`).join();
  const changed = key(pending) !== key(r.body.items);
  pending = r.body.items;
  renderInbox();
  loadDecided();
  if (changed) ctx.rerender(); // the rows' 申請中 tags
}

function renderInbox() {
  const section = $('#inbox-section');
  const approver = isApprover();
  replace($('#inbox-heading'), approver ? '承認待ちの申請' : 'あなたの申請（承認待ち）', ' ',
    h('span', { id: 'inbox-count', class: 'badge' }, `${pending.length}件`));
  const list = $('#inbox');
  replace(list, pending.map((req) => inboxItem(req)));
  $('#inbox-empty').hidden = pending.length > 0;
  section.hidden = false;
}

// The user's own requests that were decided: each with its decision, who
// decided, when, and the comment, newest first.
const DECISIONS = { approved: '承認されました', rejected: '差し戻されました', withdrawn: '取り下げました' };

async function loadDecided() {
  const box = $('#decided-box');
  if (!box || !user) return;
  const r = await request('GET', '/api/status-requests?state=all', { raw: true });
  if (r.status !== 200 || !r.body || !user) {
    if (r.status !== 200 && r.status !== 401) ctx.showError('申請の結果を読み込めませんでした。', new ApiError(r.status, r.body));
    return;
  }
  const mine = r.body.items.filter((q) => q.requested_by && q.requested_by.id === user.id && q.state !== 'pending')
    .sort((a, b) => String(b.decided_at || b.requested_at).localeCompare(String(a.decided_at || a.requested_at))).slice(0, 10);
  replace($('#decided'), mine.map((q) => h('li', { class: 'request decided', dataset: { requestId: q.id, state: q.state } },
    h('p', { class: 'request-head' }, h('span', { class: 'code' }, q.measure_code), ' ', h('strong', {}, q.activity_name), ' ',
      h('span', { class: 'era' }, eraYear(q.fiscal_year))),
    h('p', { class: 'request-change' }, `${requestScale(q)}：${q.from_mark || '—'} → ${q.to_mark}　`,
      h('strong', { class: `decision decision-${q.state}` }, DECISIONS[q.state] || q.state)),
    q.decided_by ? h('p', { class: 'request-meta' }, `決定：${q.decided_by.display_name}　${dateTime(q.decided_at)}`) : null,
    h('p', { class: 'request-comment' }, 'コメント：', q.comment || '（なし）'))));
  box.hidden = mine.length === 0;
}

function inboxItem(req) {
  const li = h('li', { class: 'request', dataset: { requestId: req.id, activityId: req.activity_id } });
  li.append(
    h('p', { class: 'request-head' },
      h('span', { class: 'code' }, req.measure_code), ' ',
      h('strong', {}, req.activity_name), ' ',
      h('span', { class: 'era' }, eraYear(req.fiscal_year))),
    h('p', { class: 'request-change' },
      `${requestScale(req)}：`,
      h('span', { class: `mark mark-${req.from_status || 'unset'}` }, req.from_mark || '—'),
      ' → ',
      h('span', { class: `mark mark-${req.to_status}` }, req.to_mark),
      ` （${(statusInfo(req.to_status) || {}).short || ''}）`),
    h('p', { class: 'request-reason' }, '理由：', req.reason || '（記入なし）'),
    h('p', { class: 'request-meta' }, `申請者：${req.requested_by.display_name}　${dateTime(req.requested_at)}`));
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  if (req.can_decide) {
    const cid = `comment-${req.id}`;
    const comment = h('input', { id: cid, type: 'text', maxlength: 2000, class: 'comment' });
    const decide = async (decision) => {
      if (decision === 'reject' && isBlank(comment.value)) {
        replace(err, '差戻しの理由をコメントに入力してください。');
        err.hidden = false;
        comment.focus();
        return;
      }
      for (const b of li.querySelectorAll('button')) b.disabled = true;
      const r = await request('POST', `/api/status-requests/${req.id}/decision`,
        { body: { decision, comment: comment.value }, raw: true });
      if (r.status === 200) {
        ctx.notice(decision === 'approve' ? `承認しました。${requestScale(req)}に反映しました。` : '差し戻しました。');
        await loadInbox();
        ctx.reload();
      } else if (r.status === 401) {
        sessionLost();
      } else {
        formError(err, new ApiError(r.status, r.body));
        for (const b of li.querySelectorAll('button')) b.disabled = false;
        if (r.status === 409) loadInbox();
      }
    };
    li.append(h('div', { class: 'request-decide' },
      h('label', { for: cid }, 'コメント'), comment,
      h('button', { type: 'button', class: 'button button-primary', onclick: () => decide('approve') }, '承認'),
      h('button', { type: 'button', class: 'button', onclick: () => decide('reject') }, '差戻し')));
  } else if (req.requested_by.id === user.id) {
    li.append(h('div', { class: 'request-decide' },
      h('span', { class: 'muted' }, '承認を待っています。'),
      h('button', { type: 'button', class: 'button', onclick: () => withdraw(req.id, err) }, '取り下げ')));
  }
  li.append(err);
  return li;
}

// ---- my updates in the open reporting round ------------------------------------

// The open round of the selected year, else the latest open one.
export async function loadMyUpdates() {
  const section = $('#my-updates-section');
  if (!section) return;
  if (!user || !['staff', 'manager', 'admin'].includes(user.role)) {
    section.hidden = true;
    return;
  }
  const rr = await request('GET', '/api/rounds', { raw: true });
  if (rr.status !== 200 || !rr.body) {
    ctx.showError('照会の情報を読み込めませんでした。', new ApiError(rr.status, rr.body));
    return;
  }
  const open = rr.body.items.filter((x) => x.state === 'open');
  const r = open.find((x) => x.fiscal_year === ctx.fy()) || open[0];
  if (!r) {
    round = null;
    section.hidden = true;
    return;
  }
  const m = await request('GET', `/api/rounds/${r.id}/my-updates`, { raw: true });
  if (m.status === 401) {
    sessionLost();
    return;
  }
  if (m.status !== 200 || !m.body || !user) {
    if (m.status !== 200) ctx.showError('未更新の取組を読み込めませんでした。', new ApiError(m.status, m.body));
    return;
  }
  const items = m.body.items;
  round = { id: r.id, fiscal_year: r.fiscal_year, due_date: r.due_date, overdue: r.overdue, todo: new Set(items.map((i) => i.activity_id)) };
  section.dataset.roundId = r.id;
  section.classList.toggle('is-overdue', !!r.overdue && items.length > 0);
  replace($('#my-updates-heading'), '今回の照会で未更新の取組 ',
    h('span', { id: 'my-updates-count', class: 'badge' }, `${items.length}件`));
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(r.due_date || '');
  const due = d ? `${Number(d[1])}年${Number(d[2])}月${Number(d[3])}日` : (r.due_date || '');
  replace($('#my-updates-due'), `${r.era || eraYear(r.fiscal_year)}の照会　期限：${due}`,
    r.overdue && items.length > 0 ? h('span', { class: 'overdue-note' }, '（期限を過ぎています）') : null);
  $('#my-updates-empty').hidden = items.length > 0;
  replace($('#my-updates'), items.map((it) => h('li', { dataset: { activityId: it.activity_id } },
    h('span', { class: 'code' }, it.measure_code),
    h('span', { class: 'mu-name' }, it.name),
    h('span', { class: 'muted mu-dept' }, (it.departments || []).map((x) => x.name).join('、')),
    h('button', {
      type: 'button', class: 'button button-small', 'aria-label': `確認・編集：${it.name}`,
      onclick: () => openEdit({ id: it.activity_id, name: it.name, code: it.measure_code }, r.fiscal_year),
    }, '確認・編集'))));
  section.hidden = false;
}

// ---- history ----------------------------------------------------------------

const FIELD_LABELS = [
  ['status', '進捗状況'],
  ['result', '取組結果'],
  ['plan_next', '翌年度以降の取組予定'],
  ['change_reason', 'スケジュールの変更理由'],
];
const ACTIONS = { insert: '登録', update: '変更', delete: '削除' };
const CHANNELS = { api: '画面から', import: 'データ取込', sql: 'データベース直接操作' };

function fieldText(k, v) {
  if (v === null || v === undefined || v === '') return '（空欄）';
  if (k === 'status') {
    const s = statusInfo(v);
    return s ? `${s.mark} ${s.short}` : String(v);
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function openHistory(a) {
  const fy = ctx.fy();
  replace($('#history-code'), a.code);
  replace($('#history-name'), a.name);
  replace($('#history-fy'), eraYear(fy));
  replace($('#history'));
  $('#history-error').hidden = true;
  $('#history-empty').hidden = true;
  $('#history').setAttribute('aria-busy', 'true');
  $('#history-dialog').showModal();
  const [r] = await Promise.all([request('GET', `/api/audit?entity=activity_year&id=${a.id}/${fy}&limit=100`, { raw: true }),
    loadStatuses().catch(() => null)]); // without them, a status shows as its key
  $('#history').setAttribute('aria-busy', 'false');
  if (r.status === 401) {
    $('#history-dialog').close();
    sessionLost();
    return;
  }
  if (r.status !== 200 || !r.body) {
    formError($('#history-error'), new ApiError(r.status, r.body));
    return;
  }
  const items = r.body.items;
  $('#history-empty').hidden = items.length > 0;
  replace($('#history'), items.map((it) => {
    const before = it.before || {};
    const after = it.after || {};
    const changes = FIELD_LABELS.filter(([k]) => it.action !== 'update' || before[k] !== after[k]);
    const who = it.user ? it.user.display_name : (CHANNELS[it.channel] || it.channel);
    return h('li', { class: 'history-item' },
      h('p', { class: 'history-head' },
        h('time', { datetime: it.at }, dateTime(it.at)), '　',
        h('strong', {}, who), '　',
        `${ACTIONS[it.action] || it.action}（${CHANNELS[it.channel] || it.channel}）`),
      it.action === 'update'
        ? h('dl', { class: 'history-changes' }, changes.flatMap(([k, label]) => [
          h('dt', {}, label),
          h('dd', {},
            h('div', { class: 'change-row' }, h('span', { class: 'change-label' }, '変更前'), h('del', { class: 'before' }, fieldText(k, before[k]))),
            h('div', { class: 'change-row' }, h('span', { class: 'change-label' }, '変更後'), h('ins', { class: 'after' }, fieldText(k, after[k])))),
        ]))
        : null);
  }));
  if (r.body.total > items.length) $('#history').append(h('li', { class: 'muted' }, `ほか${r.body.total - items.length}件の古い履歴があります。`));
  historyRequests(a.id, fy);
}

// The status requests of the record: who asked, who decided, and why.
async function historyRequests(id, fy) {
  const list = $('#history-requests');
  replace(list);
  $('#history-requests-box').hidden = true;
  const r = await request('GET', '/api/status-requests?state=all', { raw: true });
  if (r.status !== 200 || !r.body) return; // viewers see no requests: the audit above stays
  const mine = r.body.items.filter((q) => q.activity_id === id && q.fiscal_year === fy);
  replace(list, mine.map((q) => h('li', { class: 'history-item', dataset: { requestId: q.id, state: q.state } },
    h('p', { class: 'history-head' }, `進捗状況 ${q.from_mark || '—'} → ${q.to_mark}　`,
      h('strong', {}, q.state === 'pending' ? '承認待ち' : (DECISIONS[q.state] || q.state))),
    h('p', {}, `申請：${q.requested_by.display_name}　${dateTime(q.requested_at)}　理由：${q.reason || '（なし）'}`),
    q.decided_by ? h('p', {}, `${q.state === 'approved' ? '承認' : '差戻し'}：${q.decided_by.display_name}　${dateTime(q.decided_at)}　コメント：${q.comment || '（なし）'}`) : null)));
  $('#history-requests-box').hidden = mine.length === 0;
}

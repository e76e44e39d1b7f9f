// Public input on a plan being drafted, as a ward publishes it: the page
// publiccomment.html?plan=N (without plan: the plan being drafted).
//   パブリック・コメント  GET /api/plans/{id}/public-comment (period, counts, tallies)
//                         GET /api/plans/{id}/public-comment/opinions (the table)
//   意見交換会等          GET /api/plans/{id}/exchange-sessions, …/exchange-sessions/{id}/opinions
// Everyone reads; an admin also gets the forms (PUT/POST/PATCH/DELETE with
// If-Match). The tallies are the database's; the page only lays them out.
// Every text from the API goes in with textContent (dom.js h()/replace()).
import { request, setCsrf, ApiError } from './api.js';
import { h, replace, $, isBlank } from './dom.js';

const FIELD_NAMES = {
  starts_on: '開始日', ends_on: '終了日', submitters: '提出者数', opinions: '意見数', notes: '備考',
  number: '番号', topic: '項目', summary: '意見の概要', answer: '区の考え方', outcome: '反映状況',
  count: '意見数', title: '名称', held_on: '開催日', place: '会場', participants: '参加者数',
};
const DRAFTING = ['draft', 'proposal', 'public_comment'];

const state = { plan: null, plans: [], pc: null, opinions: [], sessions: [], admin: false, editing: null };

// ---- messages -----------------------------------------------------------------

function errorText(err) {
  if (!(err instanceof ApiError)) return '予期しないエラーが発生しました。ページを再読み込みしてください。';
  let text = err.message;
  const label = err.field ? (FIELD_NAMES[err.field] || err.field) : '';
  if (label && !text.includes(`（${label}）`)) text += `（${label}）`;
  // The database's own Japanese words (refusal.c) say what rule it was.
  if (err.detail && /[^\x00-\x7f]/.test(err.detail)) text += ` ${err.detail}`;
  return text;
}

function showError(context, err) {
  const box = $('#error');
  if (!context) {
    replace(box);
    box.hidden = true;
    return;
  }
  replace(box, h('p', {}, context, err ? errorText(err) : ''));
  box.hidden = false;
}

function notice(text) {
  const n = $('#notice');
  replace(n, text);
  n.hidden = false;
}

const ifMatch = (v) => ({ 'If-Match': `"${v}"` });

// ---- formatting ---------------------------------------------------------------

function dateJa(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd || '');
  if (!m) return '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 3));
  const wd = '日月火水木金土'[d.getUTCDay()];
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日（${wd}）`;
}

const count = (n, unit) => (n === null || n === undefined ? '未集計' : `${n}${unit}`);

// ---- tallies ------------------------------------------------------------------

// Per topic: its opinions and how many of them had each outcome; then per
// outcome its rows (意見の区分) and opinions. The outcomes' order and labels
// are the database's.
function tallyTables(tally, label) {
  if (tally.total.groups === 0) return [];
  const outcomes = tally.by_outcome;
  const topic = h('table', { class: 'tally-table tally-topic', dataset: { tally: 'topic' } },
    h('caption', {}, `${label}：項目ごとの件数`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '項目'),
      h('th', { scope: 'col', class: 'num' }, '意見数'),
      outcomes.map((o) => h('th', { scope: 'col', class: 'num' }, o.label)))),
    h('tbody', {}, tally.by_topic.map((t) => h('tr', { dataset: { topic: t.topic } },
      h('th', { scope: 'row' }, t.topic),
      h('td', { class: 'num', dataset: { key: 'opinions' } }, String(t.opinions)),
      outcomes.map((o) => h('td', { class: 'num', dataset: { key: o.outcome } }, String(t[o.outcome] ?? 0)))))),
    h('tfoot', {}, h('tr', { dataset: { topic: '' } },
      h('th', { scope: 'row' }, '合計'),
      h('td', { class: 'num', dataset: { key: 'opinions' } }, String(tally.total.opinions)),
      outcomes.map((o) => h('td', { class: 'num', dataset: { key: o.outcome } }, String(o.opinions))))));
  const outcome = h('table', { class: 'tally-table tally-outcome', dataset: { tally: 'outcome' } },
    h('caption', {}, `${label}：反映状況ごとの件数`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '反映状況'),
      h('th', { scope: 'col', class: 'num' }, '意見の区分'),
      h('th', { scope: 'col', class: 'num' }, '意見数'))),
    h('tbody', {}, outcomes.map((o) => h('tr', { dataset: { outcome: o.outcome } },
      h('th', { scope: 'row' }, o.label),
      h('td', { class: 'num', dataset: { key: 'groups' } }, String(o.groups)),
      h('td', { class: 'num', dataset: { key: 'opinions' } }, String(o.opinions))))),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row' }, '合計'),
      h('td', { class: 'num', dataset: { key: 'groups' } }, String(tally.total.groups)),
      h('td', { class: 'num', dataset: { key: 'opinions' } }, String(tally.total.opinions)))));
  return [topic, outcome];
}

// ---- the result table ---------------------------------------------------------

function opinionTable(items, kind, caption) {
  if (items.length === 0) return h('p', { class: 'doc-text empty' }, '意見はまだ登録されていません。');
  return h('table', { class: 'opinion-table', dataset: { kind } },
    h('caption', { class: 'visually-hidden' }, caption),
    h('colgroup', {}, h('col', { class: 'w-no' }), h('col', { class: 'w-topic' }), h('col', { class: 'w-summary' }),
      h('col', { class: 'w-count' }), h('col', { class: 'w-answer' }), h('col', { class: 'w-outcome' }),
      state.admin ? h('col', { class: 'w-actions no-print' }) : null),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '番号'), h('th', { scope: 'col' }, '項目'),
      h('th', { scope: 'col' }, '意見の概要'), h('th', { scope: 'col' }, '意見数'),
      h('th', { scope: 'col' }, '区の考え方'), h('th', { scope: 'col' }, '反映状況'),
      state.admin ? h('th', { scope: 'col', class: 'no-print' }, '操作') : null)),
    h('tbody', {}, items.map((o) => h('tr', { dataset: { id: String(o.id), number: String(o.number), outcome: o.outcome } },
      h('td', { class: 'c-no' }, String(o.number)),
      h('td', { class: 'c-topic' }, o.topic),
      h('td', { class: 'c-summary' }, o.summary),
      h('td', { class: 'c-count num' }, String(o.count)),
      h('td', { class: 'c-answer' }, o.answer),
      h('td', { class: 'c-outcome' }, o.outcome_label),
      state.admin ? h('td', { class: 'c-actions no-print' },
        h('button', { type: 'button', class: 'button button-small', onclick: () => editOpinion(o, kind) }, '編集'),
        h('button', { type: 'button', class: 'button button-small button-danger', onclick: () => deleteOpinion(o, kind) }, '削除'))
        : null))));
}

// ---- rendering ----------------------------------------------------------------

function renderPublicComment() {
  const pc = state.pc;
  replace($('#pc-title'), `「${pc.plan.title}」に関するパブリック・コメント手続の実施結果`);
  replace($('#pc-period'), pc.starts_on || pc.ends_on
    ? `${dateJa(pc.starts_on) || '（未定）'}から${dateJa(pc.ends_on) || '（未定）'}まで`
    : '未定');
  replace($('#pc-counts'), `意見提出者数：${count(pc.submitters, '人')}　意見数：${count(pc.opinions, '件')}`,
    `（区分した意見：${pc.tally.total.groups}件、意見数の合計：${pc.tally.total.opinions}件）`);
  $('#pc-notes').hidden = isBlank(pc.notes);
  replace($('#pc-notes'), pc.notes || '');
  const tallies = tallyTables(pc.tally, 'パブリック・コメント');
  replace($('#pc-tally'), tallies.length ? tallies : h('p', { class: 'empty' }, '集計する意見はまだありません。'));
  replace($('#pc-table-wrap'), opinionTable(state.opinions, 'pc', 'パブリック・コメントで提出された意見の概要と区の考え方'));
  $('#dl-csv').setAttribute('href', `/api/plans/${pc.plan.id}/public-comment.csv`);
}

function sessionPlace(s) {
  const parts = [];
  if (!isBlank(s.place)) parts.push(s.place);
  if (s.online) parts.push('オンライン');
  return parts.join('・');
}

function renderSessions() {
  $('#xs-empty').hidden = state.sessions.length > 0;
  replace($('#xs-list'), state.sessions.map((s, i) => h('section', { class: 'report-section session', dataset: { session: String(s.id) } },
    h('h2', {}, `${i + 1}　${s.title}`),
    h('dl', { class: 'session-facts' },
      h('dt', {}, '開催日'), h('dd', {}, dateJa(s.held_on)),
      h('dt', {}, '会場'), h('dd', {}, sessionPlace(s)),
      h('dt', {}, '参加者数'), h('dd', {}, count(s.participants, '人'))),
    state.admin ? h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'button button-small button-danger', onclick: () => deleteSession(s) }, 'この意見交換会等を削除')) : null,
    h('div', { class: 'tallies' }, tallyTables(s.tally, s.title)),
    opinionTable(s.opinions || [], `xs-${s.id}`, `${s.title}で出された意見の概要と区の考え方`))));
}

function renderForms() {
  for (const id of ['#pc-form', '#xs-form', '#op-form']) $(id).hidden = !state.admin;
  if (!state.admin) return;
  const pc = state.pc;
  $('#pc-starts').value = pc.starts_on || '';
  $('#pc-ends').value = pc.ends_on || '';
  $('#pc-submitters').value = pc.submitters ?? '';
  $('#pc-opinions').value = pc.opinions ?? '';
  $('#pc-notes-input').value = pc.notes || '';
  const target = $('#op-target');
  const keep = target.value;
  replace(target, h('option', { value: 'pc' }, 'パブリック・コメント'),
    state.sessions.map((s) => h('option', { value: `xs-${s.id}` }, s.title)));
  if ([...target.options].some((o) => o.value === keep)) target.value = keep;
  const outcome = $('#op-outcome');
  const was = outcome.value;
  replace(outcome, pc.tally.by_outcome.map((o) => h('option', { value: o.outcome }, o.label)));
  if (was) outcome.value = was;
}

function render() {
  renderPublicComment();
  renderSessions();
  renderForms();
}

// ---- loading ------------------------------------------------------------------

async function load() {
  document.body.dataset.ready = 'false';
  $('#page').setAttribute('aria-busy', 'true');
  const id = state.plan;
  const [pc, ops, xs] = await Promise.all([
    request('GET', `/api/plans/${id}/public-comment`),
    request('GET', `/api/plans/${id}/public-comment/opinions`),
    request('GET', `/api/plans/${id}/exchange-sessions`),
  ]);
  const sessions = await Promise.all(xs.items.map(async (s) => ({
    ...s, opinions: (await request('GET', `/api/exchange-sessions/${s.id}/opinions`)).items,
  })));
  Object.assign(state, { pc, opinions: ops.items, sessions });
  render();
  $('#page').setAttribute('aria-busy', 'false');
  $('#loading').hidden = true;
  document.body.dataset.ready = 'true';
}

// A write, then the page again from the server. false when it failed.
async function write(context, button, fn) {
  if (button) button.disabled = true;
  showError('');
  try {
    await fn();
    await load();
    return true;
  } catch (err) {
    showError(context, err);
    // 409: someone else changed it; what is shown comes from the server again.
    if (err instanceof ApiError && err.status === 409) await load().catch(() => {});
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- the forms ----------------------------------------------------------------

const intOrNone = (v) => (v === '' ? undefined : Number(v));

// The body of a form's inputs, leaving out what is empty.
function bodyOf(pairs) {
  const body = {};
  for (const [k, v] of Object.entries(pairs)) if (v !== undefined && v !== '') body[k] = v;
  return body;
}

function savePublicComment(ev) {
  ev.preventDefault();
  const body = bodyOf({
    starts_on: $('#pc-starts').value, ends_on: $('#pc-ends').value,
    submitters: intOrNone($('#pc-submitters').value), opinions: intOrNone($('#pc-opinions').value),
    notes: $('#pc-notes-input').value,
  });
  write('期間と提出状況を保存できませんでした。', $('#pc-save'), () => request('PUT',
    `/api/plans/${state.plan}/public-comment`, { body, headers: ifMatch(state.pc.version) }))
    .then((ok) => ok && notice('期間と提出状況を保存しました。'));
}

function saveSession(ev) {
  ev.preventDefault();
  const body = bodyOf({
    title: $('#xs-title-input').value, held_on: $('#xs-held').value, place: $('#xs-place').value,
    participants: intOrNone($('#xs-participants').value),
  });
  body.online = $('#xs-online').checked;
  write('意見交換会等を登録できませんでした。', $('#xs-save'), () => request('POST',
    `/api/plans/${state.plan}/exchange-sessions`, { body })).then((ok) => {
    if (!ok) return;
    $('#xs-form').reset();
    notice('意見交換会等を登録しました。');
  });
}

function deleteSession(s) {
  if (!window.confirm(`「${s.title}」とその意見をすべて削除します。よろしいですか。`)) return;
  write('意見交換会等を削除できませんでした。', null, () => request('DELETE', `/api/exchange-sessions/${s.id}`,
    { headers: ifMatch(s.version) })).then((ok) => ok && notice('意見交換会等を削除しました。'));
}

const opinionPath = (kind, id) => (kind === 'pc' ? `/api/public-comment-opinions/${id}` : `/api/exchange-session-opinions/${id}`);
const listPath = (kind) => (kind === 'pc'
  ? `/api/plans/${state.plan}/public-comment/opinions`
  : `/api/exchange-sessions/${kind.slice(3)}/opinions`);

function stopEditing() {
  state.editing = null;
  $('#op-form').reset();
  $('#op-target').disabled = false;
  replace($('#op-legend'), '意見の追加（管理者）');
  replace($('#op-save'), '追加');
  $('#op-cancel').hidden = true;
}

function editOpinion(o, kind) {
  state.editing = { id: o.id, kind, version: o.version };
  $('#op-target').value = kind;
  $('#op-target').disabled = true;
  $('#op-number').value = o.number;
  $('#op-topic').value = o.topic;
  $('#op-count').value = o.count;
  $('#op-outcome').value = o.outcome;
  $('#op-summary').value = o.summary;
  $('#op-answer').value = o.answer;
  replace($('#op-legend'), `意見 ${o.number} の編集（管理者）`);
  replace($('#op-save'), '変更を保存');
  $('#op-cancel').hidden = false;
  $('#op-topic').focus();
}

function saveOpinion(ev) {
  ev.preventDefault();
  const e = state.editing;
  const body = bodyOf({
    number: intOrNone($('#op-number').value), topic: $('#op-topic').value, count: intOrNone($('#op-count').value),
    outcome: $('#op-outcome').value, summary: $('#op-summary').value,
  });
  // An answer may be emptied on purpose.
  body.answer = $('#op-answer').value;
  const run = e
    ? () => request('PATCH', opinionPath(e.kind, e.id), { body, headers: ifMatch(e.version) })
    : () => request('POST', listPath($('#op-target').value), { body });
  write(e ? '意見を保存できませんでした。' : '意見を追加できませんでした。', $('#op-save'), run).then((ok) => {
    if (!ok) return;
    stopEditing();
    notice(e ? '意見を保存しました。' : '意見を追加しました。');
  });
}

function deleteOpinion(o, kind) {
  if (!window.confirm(`意見 ${o.number}（${o.topic}）を削除します。よろしいですか。`)) return;
  write('意見を削除できませんでした。', null, () => request('DELETE', opinionPath(kind, o.id),
    { headers: ifMatch(o.version) })).then((ok) => {
    if (!ok) return;
    if (state.editing && state.editing.id === o.id) stopEditing();
    notice('意見を削除しました。');
  });
}

// ---- start --------------------------------------------------------------------

// The plan of ?plan=, else the one being drafted (the latest), else the latest.
function choosePlan(plans) {
  const asked = new URLSearchParams(window.location.search).get('plan');
  if (asked !== null) {
    const p = plans.find((x) => String(x.id) === asked);
    return p ? p.id : null;
  }
  const drafting = plans.filter((p) => DRAFTING.includes(p.state));
  const pool = drafting.length ? drafting : plans;
  return pool.length ? pool[pool.length - 1].id : null;
}

async function session() {
  try {
    if (localStorage.getItem('shinchoku.signedIn') !== '1') return;
  } catch { return; }
  const r = await request('GET', '/api/session', { raw: true });
  if (r.status !== 200 || !r.body || !r.body.user) return;
  setCsrf(r.body.csrf_token);
  state.admin = r.body.user.role === 'admin';
  replace($('#user'), `${r.body.user.display_name || r.body.user.login}${state.admin ? '（管理者：入力できます）' : ''}`);
}

async function start() {
  $('#print').addEventListener('click', () => window.print());
  $('#pc-form').addEventListener('submit', savePublicComment);
  $('#xs-form').addEventListener('submit', saveSession);
  $('#op-form').addEventListener('submit', saveOpinion);
  $('#op-cancel').addEventListener('click', stopEditing);
  try {
    const [plans] = await Promise.all([request('GET', '/api/plans'), session()]);
    state.plans = plans.items;
    state.plan = choosePlan(plans.items);
    const select = $('#plan');
    replace(select, plans.items.map((p) => h('option', { value: String(p.id) }, p.title)));
    select.disabled = false;
    select.addEventListener('change', () => { window.location.search = `?plan=${select.value}`; });
    if (state.plan === null) {
      $('#loading').hidden = true;
      showError('指定された計画が見つかりません。');
      document.body.dataset.ready = 'true';
      return;
    }
    select.value = String(state.plan);
    await load();
  } catch (err) {
    $('#loading').hidden = true;
    showError('読み込めませんでした。', err);
    document.body.dataset.ready = 'true';
  }
}

start();

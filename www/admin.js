// The admin page: reporting rounds (照会), fiscal years, the CSV import and
// users. Only for admins; everyone else gets a polite message. Everything
// from the API is inserted as text (dom.js), never as markup.
import { request, setCsrf, ApiError } from './api.js';
import { h, replace, $, eraYear, dateTime } from './dom.js';
import { initSchemeAdmin } from './scheme-admin.js';
import { loadStatuses, terms, nameScales } from './statuses.js';

const HINT = 'shinchoku.signedIn'; // the same flag as account.js
const ROLES = { viewer: '閲覧者', staff: '担当職員', manager: '管理職', admin: 'システム管理者' };
const ROLE_ORDER = ['viewer', 'staff', 'manager', 'admin'];

// Japanese names of fields the API may name (api.js knows some already).
const FIELD_NAMES = {
  fiscal_year: '年度', due_date: '期限', locked: 'ロック', display_name: '表示名', role: '役割',
  department_id: '所管課', active: '有効', login: 'ログイン ID', password: 'パスワード',
  levels: '階層', code_pattern: 'コードの形式', code_description: 'コードの説明', scale: '評価の区分',
  scale_name: '評価の名前', name: '名前',
};

let me = null;
let csrf = null;
let departments = [];
let years = [];
let rounds = [];

// ---- messages ---------------------------------------------------------------

const errors = new Map();

function renderErrors() {
  replace($('#error-text'), [...errors.values()].map((m) => h('span', { class: 'alert-line' }, m)));
  $('#error').hidden = errors.size === 0;
}

// "照会を開始できませんでした。" + the Japanese message + the field + the
// server's own words (error.message), all as text.
function errorText(err) {
  if (!(err instanceof ApiError)) {
    console.warn(err); // eslint-disable-line no-console
    return '予期しないエラーが発生しました。ページを再読み込みしてください。';
  }
  let text = err.message;
  const label = err.field ? (FIELD_NAMES[err.field] || err.field) : '';
  if (label && !text.includes(`（${label}）`)) text += `（${label}）`;
  if (err.detail) text += ` 詳細：${err.detail}`;
  return text;
}

function showError(context, err) {
  errors.delete(context);
  errors.set(context, `${context}${errorText(err)}`);
  renderErrors();
  if (err instanceof ApiError && err.status === 401) sessionLost();
}

function clearErrors() {
  errors.clear();
  renderErrors();
}

let noticeTimer = null;
function notice(text) {
  const n = $('#notice');
  replace(n, text);
  n.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.hidden = true; }, 8000);
}

// Runs a write with the button disabled; shows its error under context.
async function busy(button, context, fn) {
  if (button) button.disabled = true;
  try {
    errors.delete(context);
    renderErrors();
    return await fn();
  } catch (err) {
    showError(context, err);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

const ifMatch = (v) => ({ 'If-Match': `"${v}"` });

// ---- session ------------------------------------------------------------------

function hint(on) {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch { /* storage off */ }
}

function hasHint() {
  try { return localStorage.getItem(HINT) === '1'; } catch { return false; }
}

function deny(signedIn) {
  $('#admin').hidden = true;
  $('#loading').hidden = true;
  $('#denied').hidden = false;
  if (signedIn) {
    replace($('#denied-text'), `現在のアカウント（${signedIn.display_name || signedIn.login}、${ROLES[signedIn.role] || signedIn.role}）では利用できません。`,
      'システム管理者（デジタル政策課）のアカウントでログインし直してください。');
    replace($('#denied-signin'), 'ポータルへ戻る');
  }
}

function sessionLost() {
  me = null;
  setCsrf(null);
  csrf = null;
  hint(false);
  $('#user-box').hidden = true;
  deny(null);
}

function showUser() {
  replace($('#user-name'), me.display_name || me.login);
  const meta = [ROLES[me.role] || me.role];
  if (me.department) meta.push(me.department.name);
  replace($('#user-meta'), meta.join('・'));
  $('#user-box').hidden = false;
}

async function signOut() {
  const r = await request('DELETE', '/api/session', { raw: true });
  if (r.status !== 200 && r.status !== 401 && r.status !== 403) {
    showError('ログアウトできませんでした。', new ApiError(r.status, r.body));
    return;
  }
  sessionLost();
  notice('ログアウトしました。');
}

// ---- 1. rounds (照会) ---------------------------------------------------------

const ROUND_STATES = { open: '実施中', closed: '締切済み' };

function dateJa(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd || '');
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : String(ymd || '');
}

function localDate(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
  return p.format(d); // YYYY-MM-DD
}

// A panel while its data is read (読み込み中…), and when it could not be
// read: says so in its place with a button that asks again, never an empty
// list that would read as "none".
async function panelLoad(sectionId, failed, load) {
  const sec = $(sectionId);
  for (const b of sec.querySelectorAll(':scope > .panel-failed, :scope > .panel-loading')) b.remove();
  const heading = sec.querySelector('h2');
  const loading = h('p', { class: 'panel-loading', role: 'status' }, '読み込み中…');
  heading.after(loading);
  sec.setAttribute('aria-busy', 'true');
  try {
    await load();
    errors.delete(failed);
    renderErrors();
  } catch (err) {
    showError(failed, err);
    heading.after(h('div', { class: 'panel-failed' }, h('p', {}, failed),
      h('button', { type: 'button', class: 'button', onclick: () => panelLoad(sectionId, failed, load) }, '再読み込み')));
  } finally {
    loading.remove();
    sec.setAttribute('aria-busy', 'false');
  }
}

function loadRounds() {
  return panelLoad('#rounds-section', '照会の一覧を読み込めませんでした。', async () => {
    const r = await request('GET', '/api/rounds');
    rounds = r.items;
    renderRounds();
  });
}

function renderRounds() {
  $('#rounds-empty').hidden = rounds.length > 0;
  replace($('#rounds'), rounds.map(roundCard));
  fillRoundYears();
}

function roundCard(r) {
  const pct = r.total > 0 ? Math.round((r.updated / r.total) * 100) : 0;
  const head = h('div', { class: 'round-head' },
    h('h3', {}, `${r.era || eraYear(r.fiscal_year)}の照会`, ' ',
      h('span', { class: `state-tag state-${r.state}` }, ROUND_STATES[r.state] || r.state),
      r.overdue ? h('span', { class: 'overdue-tag' }, '期限超過') : null),
    h('p', { class: 'round-dates' },
      h('span', {}, '期限：', h('time', { class: 'round-due', datetime: r.due_date }, dateJa(r.due_date))),
      h('span', {}, '開始：', h('time', { datetime: r.opened_at }, dateTime(r.opened_at))),
      r.closed_at ? h('span', {}, '締切：', h('time', { datetime: r.closed_at }, dateTime(r.closed_at))) : null));
  const totals = h('dl', { class: 'round-totals' },
    h('div', {}, h('dt', {}, '対象'), h('dd', { class: 'round-total', dataset: { value: r.total } }, `${r.total}件`)),
    h('div', {}, h('dt', {}, '更新済み'), h('dd', { class: 'round-updated', dataset: { value: r.updated } }, `${r.updated}件`)),
    h('div', {}, h('dt', {}, '残り'), h('dd', { class: 'round-remaining', dataset: { value: r.total - r.updated } }, `${r.total - r.updated}件`)),
    h('div', {}, h('dt', {}, '進み具合'), h('dd', { class: 'round-pct' }, `${pct}%`)));
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': String(r.total), 'aria-valuenow': String(r.updated), 'aria-label': '更新済みの割合' },
    h('span', { class: 'progress-bar', style: { width: `${pct}%` } }));

  const depts = [...r.departments].sort((a, b) => (b.overdue - a.overdue) || (b.remaining - a.remaining) || a.name.localeCompare(b.name, 'ja'));
  const table = h('table', { class: 'admin-table round-departments' },
    h('caption', { class: 'visually-hidden' }, `${r.era || eraYear(r.fiscal_year)}の照会：所管課ごとの更新状況`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '所管課'),
      h('th', { scope: 'col', class: 'num' }, '対象'),
      h('th', { scope: 'col', class: 'num' }, '更新済み'),
      h('th', { scope: 'col', class: 'num' }, '残り'),
      h('th', { scope: 'col' }, '状況'))),
    h('tbody', {}, depts.map((d) => h('tr', {
      class: d.overdue ? 'is-overdue' : (d.remaining === 0 ? 'is-done' : ''),
      dataset: { departmentId: d.id, overdue: String(!!d.overdue) },
    },
    h('th', { scope: 'row' }, d.name),
    h('td', { class: 'num', dataset: { k: 'total' } }, String(d.total)),
    h('td', { class: 'num', dataset: { k: 'updated' } }, String(d.updated)),
    h('td', { class: 'num', dataset: { k: 'remaining' } }, String(d.remaining)),
    h('td', { class: 'dept-state' }, d.overdue ? h('strong', { class: 'overdue-tag' }, '期限超過')
      : (d.remaining === 0 ? '完了' : (r.state === 'open' ? '未完了' : '未更新あり')))))));

  const actions = h('p', { class: 'round-actions' });
  if (r.state === 'open') {
    actions.append(h('button', {
      type: 'button', class: 'button round-close', dataset: { roundId: r.id },
      onclick: (e) => closeRound(r, e.currentTarget),
    }, '締め切る（確定版を作成）'));
  }
  actions.append(h('button', { type: 'button', class: 'button button-quiet', onclick: (e) => busy(e.currentTarget, '照会の一覧を読み込めませんでした。', loadRounds) }, '最新の状況に更新'));

  return h('article', { class: `round round-${r.state}`, dataset: { roundId: r.id, fiscalYear: r.fiscal_year, state: r.state } },
    head, totals, bar, h('div', { class: 'table-wrap' }, table), actions);
}

// The years a round may be opened for: records, not locked, no round yet.
function fillRoundYears() {
  const sel = $('#round-fy');
  const taken = new Set(rounds.map((r) => r.fiscal_year));
  const open = years.filter((y) => y.records > 0 && !y.locked && !taken.has(y.fiscal_year))
    .sort((a, b) => b.fiscal_year - a.fiscal_year);
  const keep = sel.value;
  replace(sel, open.length
    ? open.map((y) => h('option', { value: y.fiscal_year }, `${y.era || eraYear(y.fiscal_year)}（${y.fiscal_year}年度）`))
    : h('option', { value: '' }, '開始できる年度はありません'));
  if (open.some((y) => String(y.fiscal_year) === keep)) sel.value = keep;
  sel.disabled = open.length === 0;
  $('#round-open').disabled = open.length === 0;
}

async function openRound(e) {
  e.preventDefault();
  const fy = Number($('#round-fy').value);
  const due = $('#round-due').value;
  const context = '照会を開始できませんでした。';
  if (!fy || !/^\d{4}-\d{2}-\d{2}$/.test(due)) {
    showError(context, new ApiError(400, { error: { code: 'bad_field', field: !fy ? 'fiscal_year' : 'due_date', message: '' } }));
    return;
  }
  await busy($('#round-open'), context, async () => {
    const r = await request('POST', '/api/rounds', { body: { fiscal_year: fy, due_date: due } });
    notice(`${r.era || eraYear(fy)}の照会を開始しました（期限 ${dateJa(r.due_date)}）。`);
    await loadRounds();
  });
}

async function closeRound(r, button) {
  const remaining = r.total - r.updated;
  const ok = window.confirm(`${r.era || eraYear(r.fiscal_year)}の照会を締め切ります。\n`
    + (remaining > 0 ? `まだ更新されていない取組が${remaining}件あります。\n` : '')
    + 'この年度の報告が確定版として固定され、元に戻せません。よろしいですか？');
  if (!ok) return;
  await busy(button, '照会を締め切れませんでした。', async () => {
    try {
      await request('POST', `/api/rounds/${r.id}/closure`, { headers: ifMatch(r.version) });
      notice(`${r.era || eraYear(r.fiscal_year)}の照会を締め切り、確定版を作成しました。`);
    } finally {
      await loadRounds();
    }
  });
}

// ---- 2. fiscal years ------------------------------------------------------------

function loadYears() {
  return panelLoad('#years-section', '年度の一覧を読み込めませんでした。', async () => {
    years = (await request('GET', '/api/fiscal-years')).items;
    renderYears();
  });
}

function renderYears() {
  const sorted = [...years].sort((a, b) => b.fiscal_year - a.fiscal_year);
  replace($('#years-body'), sorted.map((y) => h('tr', { dataset: { fiscalYear: y.fiscal_year, locked: String(!!y.locked) } },
    h('th', { scope: 'row' }, `${y.era || eraYear(y.fiscal_year)}（${y.fiscal_year}年度）`),
    h('td', { class: 'num', dataset: { k: 'records' } }, String(y.records)),
    h('td', { class: 'num', dataset: { k: 'statuses' } }, `${y.statuses_set} / ${y.records}`),
    h('td', { class: 'year-state' }, y.locked
      ? h('span', { class: 'lock-tag' }, `ロック中${y.locked_at ? `（${dateTime(y.locked_at)}）` : ''}`)
      : '編集可'),
    h('td', {}, y.opened_at ? dateTime(y.opened_at) : ''),
    h('td', {}, h('button', {
      type: 'button', class: `button button-small year-lock${y.locked ? '' : ' button-warn'}`,
      onclick: (e) => toggleLock(y, e.currentTarget),
    }, y.locked ? 'ロックを解除' : 'ロックする')))));
  const latest = years.reduce((m, y) => Math.max(m, y.fiscal_year), 0);
  const next = $('#year-next');
  if (latest) {
    next.dataset.fiscalYear = String(latest + 1);
    replace(next, `次年度を開始（${eraYear(latest + 1)}）`);
    next.disabled = false;
  } else {
    next.disabled = true;
  }
  fillRoundYears();
  fillImportYears();
}

async function toggleLock(y, button) {
  const era = y.era || eraYear(y.fiscal_year);
  const ok = window.confirm(y.locked
    ? `${era}のロックを解除します。記録の変更・取込・申請が再びできるようになります。よろしいですか？`
    : `${era}をロックします。ロック中は、この年度の記録の変更・取込・進捗状況の申請がすべてできなくなります。よろしいですか？`);
  if (!ok) return;
  await busy(button, `${era}のロックを変更できませんでした。`, async () => {
    try {
      await request('PATCH', `/api/fiscal-years/${y.fiscal_year}`, { body: { locked: !y.locked }, headers: ifMatch(y.version) });
      notice(y.locked ? `${era}のロックを解除しました。` : `${era}をロックしました。`);
    } finally {
      await loadYears();
    }
  });
}

async function openNextYear() {
  const fy = Number($('#year-next').dataset.fiscalYear);
  if (!fy) return;
  const ok = window.confirm(`${eraYear(fy)}（${fy}年度）を開始します。\n`
    + `すべての取組に${eraYear(fy)}の記録を作成し、前年度の取組予定を引き継ぎます。元に戻せません。よろしいですか？`);
  if (!ok) return;
  await busy($('#year-next'), '次年度を開始できませんでした。', async () => {
    await request('POST', '/api/fiscal-years', { body: { fiscal_year: fy } });
    notice(`${eraYear(fy)}を開始しました。`);
    await loadYears();
  });
}

// ---- 3. import ------------------------------------------------------------------

// What the last dry run checked; 取り込む sends exactly this.
let checked = null; // { fy, decided, text, name }

function columnLabel(key) {
  if (!key) return '（行全体）';
  const fixed = {
    seq: '番号', measure_code: '取組番号', measure_name: '施策名', activity: '実施内容',
    status: terms().scale_name, status2: terms().scale2_name || '二つ目の評価',
    change_reason: 'スケジュールの変更理由', departments: '所管課', version: '版',
  };
  if (fixed[key]) return fixed[key];
  let m = /^result_(\d{4})$/.exec(key);
  if (m) return `取組結果（${eraYear(m[1])}）`;
  m = /^plan_(\d{4})$/.exec(key);
  if (m) return `取組予定（${eraYear(m[1])}）`;
  return key;
}

function columnCell(key) {
  return h('td', { class: 'col', dataset: { column: key || '' } },
    columnLabel(key), key ? h('span', { class: 'col-key' }, key) : null);
}

function fillImportYears() {
  const sel = $('#import-fy');
  const keep = sel.value;
  const list = years.filter((y) => y.records > 0).sort((a, b) => b.fiscal_year - a.fiscal_year);
  replace(sel, list.map((y) => h('option', { value: y.fiscal_year },
    `${y.era || eraYear(y.fiscal_year)}（${y.fiscal_year}年度）${y.locked ? '・ロック中' : ''}`)));
  if (list.some((y) => String(y.fiscal_year) === keep)) sel.value = keep;
  else {
    // The latest year that has statuses (the year being reported), else the latest.
    const reported = list.find((y) => y.statuses_set > 0) || list[0];
    if (reported) sel.value = String(reported.fiscal_year);
  }
  importYearChanged();
}

function importYearChanged() {
  const fy = $('#import-fy').value;
  if (fy) {
    $('#import-csv').href = `/api/reports/${fy}/progress.csv`;
    $('#import-xlsx').href = `/api/reports/${fy}/progress.xlsx`;
  }
  invalidateImport();
}

// Any change of the file or the options needs a new dry run.
function invalidateImport() {
  if (checked) {
    checked = null;
    $('#import-result').dataset.stale = 'true';
  }
  $('#import-apply').disabled = true;
}

async function postCsv(fy, text, { dryRun, decided }) {
  const params = new URLSearchParams();
  if (dryRun) params.set('dry_run', 'true');
  if (decided) params.set('decided', 'true');
  const q = params.toString();
  let r;
  try {
    r = await fetch(`/api/reports/${fy}/import${q ? `?${q}` : ''}`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'text/csv; charset=utf-8', ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
      credentials: 'same-origin', cache: 'no-store', body: text,
    });
  } catch {
    throw new ApiError(0, { error: { code: 'unavailable', message: 'network error' } });
  }
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  // 422 with problems is an answer to show, not a failure.
  if (r.status === 200 || (r.status === 422 && body && Array.isArray(body.problems))) return { status: r.status, body };
  throw new ApiError(r.status, body, r.headers.get('Retry-After'));
}

function renderImport(report, { applied }) {
  const box = $('#import-result');
  box.hidden = false;
  delete box.dataset.stale;
  const problems = report.problems || [];
  const changes = report.changes || [];
  const statuses = report.status_changes || [];
  box.dataset.outcome = problems.length ? 'problems' : (applied ? 'applied' : 'checked');

  let summary;
  if (problems.length) {
    summary = `${problems.length}件の問題があります。問題をすべて直してから、もう一度確認してください（何も取り込んでいません）。`;
  } else if (applied) {
    summary = `取り込みました：${report.rows}行のうち${report.changed_rows}行を更新しました。`;
  } else if (report.changed_rows === 0) {
    summary = `問題はありません。${report.rows}行とも現在の内容と同じで、変更はありません。`;
  } else {
    summary = `問題はありません。${report.rows}行のうち${report.changed_rows}行、${changes.length}件の変更があります。内容を確認して「取り込む」を押してください。`;
  }
  const s = $('#import-summary');
  replace(s, summary);
  s.className = `import-summary${problems.length ? ' has-problems' : ''}`;

  $('#import-problems-box').hidden = problems.length === 0;
  replace($('#import-problems tbody'), problems.map((p) => h('tr', { dataset: { line: p.line ?? '', column: p.column || '' } },
    h('td', { class: 'num' }, p.line === null || p.line === undefined ? '' : String(p.line)),
    h('td', { class: 'num' }, p.seq === null || p.seq === undefined ? '' : String(p.seq)),
    columnCell(p.column),
    h('td', { class: 'message' }, p.message || ''))));

  $('#import-changes-box').hidden = changes.length === 0;
  replace($('#import-changes tbody'), changes.map((c) => h('tr', { dataset: { line: c.line, column: c.column, activityId: c.activity_id } },
    h('td', { class: 'num' }, String(c.line)),
    h('td', { class: 'num' }, String(c.seq)),
    columnCell(c.column),
    h('td', { class: 'before' }, h('del', {}, c.before || '（空欄）')),
    h('td', { class: 'after' }, h('ins', {}, c.after || '（空欄）')))));

  const STATE = { pending: '申請（承認待ち）', applied: '承認済みとして反映' };
  $('#import-status-box').hidden = statuses.length === 0;
  replace($('#import-status tbody'), statuses.map((c) => h('tr', { dataset: { line: c.line } },
    h('td', { class: 'num' }, String(c.line)),
    h('td', { class: 'num' }, String(c.seq)),
    columnCell(c.column || 'status'),
    h('td', {}, c.from || '—'),
    h('td', {}, c.to || '—'),
    h('td', {}, STATE[c.state] || c.state || ''))));
}

// ---- Excel ---------------------------------------------------------------------

// read-excel-file's browser build (www/vendor/, copied from node_modules by
// scripts/dev and docker/web.Dockerfile), loaded the first time a workbook
// is chosen.
let xlsxReader = null;
function loadXlsxReader() {
  xlsxReader ??= new Promise((resolve, reject) => {
    const s = h('script', { src: 'vendor/read-excel-file.min.js' });
    s.addEventListener('load', () => (window.readXlsxFile ? resolve(window.readXlsxFile) : reject(new Error('no readXlsxFile'))));
    s.addEventListener('error', () => { xlsxReader = null; reject(new Error('vendor/read-excel-file.min.js did not load')); });
    document.head.append(s);
  });
  return xlsxReader;
}

const isXlsx = (file) => /\.xlsx$/i.test(file.name)
  || file.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The export's Japanese column titles (report_export in src/db/report.c)
// and the CSV's keys in the same order, for fiscal year fy.
function exportColumns(fy) {
  return [
    ['番号', 'seq'], ['取組番号', 'measure_code'], ['取組', 'measure_name'], ['実施内容', 'activity'],
    ['進捗状況', 'status'], ['スケジュールの変更理由', 'change_reason'],
    [`${eraYear(fy - 1)} 取組結果`, `result_${fy - 1}`], [`${eraYear(fy)} 取組結果`, `result_${fy}`],
    [`${eraYear(fy + 1)}以降の取組予定`, `plan_${fy + 1}`], ['所管課', 'departments'],
  ];
}

const csvField = (v) => {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
};

// The first sheet of a workbook as the CSV text the import takes: the same
// rows and cells, so that the server keeps one import path (its dry run,
// its all-or-nothing rule). The export's Japanese titles become the CSV's
// keys; any other first row goes as it is, for the server to judge.
export function sheetToCsv(rows, fy) {
  const cols = exportColumns(fy);
  const head = rows[0] || [];
  const exported = head.length >= cols.length && cols.every(([title], i) => String(head[i] ?? '').trim() === title);
  const out = rows.map((r, i) => (i === 0 && exported ? cols.map(([, key]) => key).concat(head.slice(cols.length)) : r));
  return out.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

async function readFile() {
  const file = $('#import-file').files[0];
  if (!file) return null;
  if (!isXlsx(file)) return { name: file.name, text: await file.text() };
  const read = await loadXlsxReader();
  let sheets;
  try {
    sheets = await read(file);
  } catch {
    return { name: file.name, error: 'Excel ファイル（.xlsx）を読み取れませんでした。ファイルが壊れていないか確かめてください。' };
  }
  const rows = sheets[0]?.data || [];
  if (!rows.length) return { name: file.name, error: 'Excel ファイルの最初のシートに行がありません。' };
  return { name: file.name, text: sheetToCsv(rows, Number($('#import-fy').value)) };
}

async function dryRun(e) {
  e.preventDefault();
  const context = '取込の確認ができませんでした。';
  const fy = Number($('#import-fy').value);
  const decided = $('#import-decided').checked;
  invalidateImport();
  $('#import-result').dataset.outcome = 'busy';
  await busy($('#import-dry'), context, async () => {
    const f = await readFile();
    if (!f || f.error) {
      errors.set(context, `${context}${f ? f.error : 'CSV または Excel（.xlsx）のファイルを選んでください。'}`);
      renderErrors();
      return;
    }
    if (f.text.includes('\uFFFD')) {
      errors.set(context, `${context}ファイルが UTF-8 ではないようです。Excel では「CSV UTF-8（コンマ区切り）」で保存してください。`);
      renderErrors();
      return;
    }
    const r = await postCsv(fy, f.text, { dryRun: true, decided });
    renderImport(r.body, { applied: false });
    const ok = r.status === 200 && r.body.problems.length === 0;
    if (ok && r.body.changed_rows > 0) {
      checked = { fy, decided, text: f.text, name: f.name };
      $('#import-apply').disabled = false;
    }
  });
  if ($('#import-result').dataset.outcome === 'busy') $('#import-result').dataset.outcome = 'error';
}

async function applyImport() {
  if (!checked) return;
  const context = '取り込めませんでした。';
  const { fy, decided, text } = checked;
  const apply = $('#import-apply');
  $('#import-result').dataset.outcome = 'busy';
  await busy(apply, context, async () => {
    const r = await postCsv(fy, text, { dryRun: false, decided });
    renderImport(r.body, { applied: r.status === 200 && r.body.applied });
    if (r.status === 200 && r.body.applied) {
      notice(`${eraYear(fy)}のデータを取り込みました（${r.body.changed_rows}行を更新）。`);
      checked = null;
      loadRounds();
      loadYears();
    }
  });
  apply.disabled = !checked;
  if ($('#import-result').dataset.outcome === 'busy') $('#import-result').dataset.outcome = 'error';
}

// ---- 4. users ---------------------------------------------------------------------

function roleOptions(selected) {
  return ROLE_ORDER.map((r) => h('option', { value: r, selected: r === selected }, ROLES[r]));
}

function deptOptions(selectedId) {
  return [h('option', { value: '0', selected: !selectedId }, '（なし）'),
    ...departments.map((d) => h('option', { value: d.id, selected: d.id === selectedId }, d.name))];
}

async function loadDepartments() {
  try {
    departments = (await request('GET', '/api/departments')).items
      .slice().sort((a, b) => a.name.localeCompare(b.name, 'ja'));
  } catch (err) {
    showError('所管課の一覧を読み込めませんでした。', err);
  }
  replace($('#user-dept'), deptOptions(null));
  replace($('#user-role'), roleOptions('staff'));
}

function loadUsers() {
  return panelLoad('#users-section', 'ユーザーの一覧を読み込めませんでした。', async () => {
    const users = (await request('GET', '/api/users')).items;
    replace($('#users-body'), users.map(userRow));
  });
}

function userRow(u) {
  const self = me && u.id === me.id;
  const id = `u${u.id}`;
  const name = h('input', { id: `${id}-name`, class: 'u-name', value: u.display_name, maxlength: 100, 'aria-label': `表示名：${u.login}` });
  const role = h('select', { id: `${id}-role`, class: 'u-role', 'aria-label': `役割：${u.login}`, disabled: self }, roleOptions(u.role));
  const dept = h('select', { id: `${id}-dept`, class: 'u-dept', 'aria-label': `所管課：${u.login}` }, deptOptions(u.department ? u.department.id : null));
  const active = h('input', { id: `${id}-active`, class: 'u-active', type: 'checkbox', checked: u.active, disabled: self, 'aria-label': `有効：${u.login}` });
  const save = h('button', { type: 'button', class: 'button button-small button-primary u-save', disabled: true }, '保存');
  const reset = h('button', { type: 'button', class: 'button button-small u-password' }, 'パスワード再設定');
  const tr = h('tr', { class: u.active ? '' : 'is-inactive', dataset: { userId: u.id, login: u.login, active: String(!!u.active) } },
    h('th', { scope: 'row' }, h('span', { class: 'login' }, u.login), self ? h('span', { class: 'self-tag' }, 'あなた') : null),
    h('td', {}, name),
    h('td', {}, role),
    h('td', {}, dept),
    h('td', { class: 'center' }, active, h('span', { class: 'active-text' }, u.active ? '有効' : '無効')),
    h('td', {}, h('div', { class: 'row-actions' }, save, reset)));

  const changes = () => {
    const body = {};
    if (name.value.trim() !== u.display_name) body.display_name = name.value.trim();
    if (role.value !== u.role) body.role = role.value;
    const d = Number(dept.value);
    if (d !== (u.department ? u.department.id : 0)) body.department_id = d;
    if (active.checked !== !!u.active) body.active = active.checked;
    return body;
  };
  const mark = () => {
    const n = Object.keys(changes()).length;
    save.disabled = n === 0;
    tr.classList.toggle('is-changed', n > 0);
  };
  for (const el of [name, role, dept, active]) {
    el.addEventListener('input', mark);
    el.addEventListener('change', mark);
  }
  save.addEventListener('click', async () => {
    const body = changes();
    if (Object.keys(body).length === 0) return;
    if (body.active === false && !window.confirm(`${u.login}（${u.display_name}）を無効にします。このユーザーはログインできなくなり、ログイン中のセッションも終了します。よろしいですか？`)) return;
    if (body.role && !window.confirm(`${u.login} の役割を「${ROLES[u.role]}」から「${ROLES[body.role]}」に変更します。よろしいですか？`)) return;
    await busy(save, `${u.login} を更新できませんでした。`, async () => {
      try {
        const r = await request('PATCH', `/api/users/${u.id}`, { body, headers: ifMatch(u.version) });
        tr.replaceWith(userRow(r));
        notice(`${r.login} を更新しました。`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) loadUsers();
        throw err;
      }
    });
    mark();
  });
  reset.addEventListener('click', () => openPassword(u));
  return tr;
}

async function createUser(e) {
  e.preventDefault();
  const dept = Number($('#user-dept').value);
  const body = {
    login: $('#user-login').value.trim(),
    display_name: $('#user-display').value.trim(),
    role: $('#user-role').value,
    password: $('#user-password').value,
  };
  if (dept) body.department_id = dept;
  await busy($('#user-create'), 'ユーザーを追加できませんでした。', async () => {
    const u = await request('POST', '/api/users', { body });
    $('#user-form').reset();
    replace($('#user-role'), roleOptions('staff'));
    notice(`ユーザー ${u.login}（${u.display_name}）を追加しました。`);
    await loadUsers();
  });
}

let passwordTarget = null;

function openPassword(u) {
  passwordTarget = u;
  replace($('#password-user'), `${u.login}（${u.display_name}）`);
  $('#password-new').value = '';
  $('#password-error').hidden = true;
  $('#password-dialog').showModal();
  $('#password-new').focus();
}

async function submitPassword(e) {
  e.preventDefault();
  if (!passwordTarget) return;
  const password = $('#password-new').value;
  const err = $('#password-error');
  if ([...password].length < 10) {
    replace(err, 'パスワードは10文字以上で入力してください。');
    err.hidden = false;
    return;
  }
  const btn = $('#password-submit');
  btn.disabled = true;
  try {
    await request('POST', `/api/users/${passwordTarget.id}/password`, { body: { password } });
    $('#password-dialog').close();
    notice(`${passwordTarget.login} のパスワードを再設定しました。`);
    passwordTarget = null;
    loadUsers();
  } catch (ae) {
    replace(err, errorText(ae));
    err.hidden = false;
    if (ae instanceof ApiError && ae.status === 401) {
      $('#password-dialog').close();
      sessionLost();
    }
  } finally {
    btn.disabled = false;
  }
}

// ---- start ----------------------------------------------------------------------

function bind() {
  $('#error-close').addEventListener('click', clearErrors);
  $('#signout').addEventListener('click', signOut);
  $('#round-form').addEventListener('submit', openRound);
  $('#year-next').addEventListener('click', openNextYear);
  $('#import-form').addEventListener('submit', dryRun);
  $('#import-apply').addEventListener('click', applyImport);
  $('#import-fy').addEventListener('change', importYearChanged);
  $('#import-file').addEventListener('change', invalidateImport);
  $('#import-decided').addEventListener('change', invalidateImport);
  $('#user-form').addEventListener('submit', createUser);
  $('#password-form').addEventListener('submit', submitPassword);
  for (const b of document.querySelectorAll('dialog [data-close]')) {
    b.addEventListener('click', () => b.closest('dialog').close());
  }
}

async function start() {
  bind();
  $('#round-due').value = localDate(30);
  try {
    if (!hasHint()) {
      deny(null);
      return;
    }
    const r = await request('GET', '/api/session', { raw: true });
    if (r.status !== 200 || !r.body || !r.body.user) {
      if (r.status === 401) hint(false);
      else showError('ログイン状態を確認できませんでした。', new ApiError(r.status, r.body));
      deny(null);
      return;
    }
    me = r.body.user;
    csrf = r.body.csrf_token;
    setCsrf(csrf);
    showUser();
    if (me.role !== 'admin') {
      deny(me);
      return;
    }
    $('#loading').hidden = true;
    $('#admin').hidden = false;
    await loadDepartments();
    await loadYears(); // the selects of rounds and import need the years
    await Promise.all([loadRounds(), loadUsers(), initSchemeAdmin({ showError, notice, busy }),
      // The import's words name the reporting plan's scale (the one it reads).
      loadStatuses().then(() => nameScales(), (err) => showError('進捗状況の区分を読み込めませんでした。', err))]);
  } finally {
    document.body.dataset.ready = 'true';
  }
}

start();

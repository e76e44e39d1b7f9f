// The printable council report (議会報告) for one fiscal year: the page
// report.html?fy=2024. It rebuilds the parts of the ward's report
// 「…の進捗状況等について」 from the API:
//   1 各取組の進捗状況   GET /api/reports/{fy}/summary
//   2 成果指標の推移     GET /api/indicators?plan={adopted plan}
//   3 今後の予定         GET /api/plans/{draft plan}/milestones
//   別紙 進捗状況一覧     GET /api/reports/{fy}/appendix
//   its legend (凡例)     GET /api/statuses (statuses.js)
// Every text from the API goes in with textContent (dom.js h()/replace());
// texts are printed exactly as given (the report's printed form).
import { get, request } from './api.js';
import { h, replace, $, eraYear, eraMonth as eraMonthOf } from './dom.js';
import { loadStatuses, scalesName } from './statuses.js';

const DEFAULT_FY = 2024;
const MIN_FY = 2000;
const MAX_FY = 2100;
const COLUMNS = 8; // appendix columns (9 with a second scale)

// ---- Japanese numbers and eras -------------------------------------------------

// 2024 → "２０２４": the report prints era years with full-width digits.
const fullWidth = (s) => String(s).replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xFEE0));

// Fiscal year in the era, as in the report's headings: 2024 → 令和６年度
// (full = false: 令和6年度). The era itself comes from dom.js eraYear().
const eraFy = (fy, full = true) => (full ? fullWidth(eraYear(fy)) : eraYear(fy));

// A calendar month "2024-03" in the era: 令和６年３月.
function eraMonth(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym || '');
  return m ? fullWidth(eraMonthOf(Number(m[1]), Number(m[2]))) : '';
}

// ---- state --------------------------------------------------------------------

// years: GET /api/fiscal-years by year (null when it could not be read:
// then every year is tried); admin: the signed-in user is an admin (sees
// the differences from the 確定版).
const state = { fy: DEFAULT_FY, loadSeq: 0, errors: [], years: null, admin: false };

function parseFy(s) {
  if (s === null || s === '') return { fy: null, bad: false };
  if (!/^\d{4}$/.test(s)) return { fy: null, bad: true };
  const fy = Number(s);
  if (fy < MIN_FY || fy > MAX_FY) return { fy: null, bad: true };
  return { fy, bad: false };
}

// ---- errors -------------------------------------------------------------------

function showErrors() {
  const box = $('#error');
  if (!state.errors.length) {
    replace(box);
    box.hidden = true;
    return;
  }
  replace(box, h('p', { class: 'alert-title' }, '報告書の一部を表示できませんでした。'),
    h('ul', { class: 'alert-list' }, state.errors.map((t) => h('li', {}, t))));
  box.hidden = false;
}

function addError(what, e) {
  const msg = e && typeof e.message === 'string' && e.message ? e.message : 'エラーが発生しました。';
  state.errors.push(`${what}：${msg}`);
  showErrors();
}

// A section whose data could not be read says so in its place, with a
// button that asks again (never an empty table or "no data").
function sectionFailed(id, what) {
  const sec = $(id);
  sec.querySelector('.panel-failed')?.remove();
  const box = h('div', { class: 'panel-failed no-print' },
    h('p', {}, `${what}を読み込めませんでした。`),
    h('button', { type: 'button', class: 'retry', onclick: () => load(state.fy) }, '再読み込み'));
  const heading = sec.querySelector('h2, header');
  heading.after(box);
}

const clearFailed = () => { for (const b of document.querySelectorAll('#report .panel-failed')) b.remove(); };

// "2025-05-31T…" → 令和7年5月31日
function eraDay(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  if (!m) return '';
  const month = eraMonthOf(Number(m[1]), Number(m[2]));
  return month ? `${month}${Number(m[3])}日` : '';
}

// ---- toolbar --------------------------------------------------------------------

// ?plan=N: the report of that plan (in its own terms) rather than the
// reporting plan's; passed on to every request about the report.
const PLAN = /^[1-9][0-9]{0,8}$/.test(new URLSearchParams(location.search).get('plan') || '')
  ? Number(new URLSearchParams(location.search).get('plan')) : null;
const planQuery = PLAN ? `?plan=${PLAN}` : '';

function setLinks(fy) {
  $('#dl-csv').href = `/api/reports/${fy}/progress.csv${planQuery}`;
  $('#dl-xlsx').href = `/api/reports/${fy}/progress.xlsx${planQuery}`;
  $('#back').href = `index.html?fy=${fy}`;
}

// The years offered: the latest one with records, the four before it that
// have any record, the next one (the report being prepared) and the one shown.
async function loadYears() {
  const sel = $('#fy');
  if (state.years) { // the years that were opened: only those have a report
    const opened = [...state.years.values()].filter((y) => y.records > 0).map((y) => y.fiscal_year);
    const years = [...new Set([...opened, state.fy])].sort((a, b) => b - a);
    replace(sel, years.map((y) => h('option', { value: y, selected: y === state.fy }, `${eraFy(y, false)}（${y}年度）`)));
    sel.value = String(state.fy);
    sel.disabled = false;
    return;
  }
  // A year is left out only when the API says it has no record; when the
  // API cannot tell (an error), the year is offered and its report will say
  // what failed.
  const latest = await get('/api/activities?limit=1')
    .then((r) => (Number.isInteger(r.fiscal_year) ? r.fiscal_year : null), () => null) ?? Math.max(state.fy, DEFAULT_FY);
  const earlier = [1, 2, 3, 4].map((d) => latest - d).filter((y) => y >= MIN_FY);
  const has = await Promise.all(earlier.map((y) =>
    get(`/api/reports/${y}/summary`).then((s) => s.total > 0, () => true)));
  let years = [latest + 1, latest, ...earlier.filter((_, i) => has[i]), state.fy];
  years = [...new Set(years)].filter((y) => y >= MIN_FY && y <= MAX_FY).sort((a, b) => b - a);
  replace(sel, years.map((y) => h('option', { value: y, selected: y === state.fy }, `${eraFy(y, false)}（${y}年度）`)));
  sel.value = String(state.fy);
  sel.disabled = false;
}

// ---- plans ----------------------------------------------------------------------

// The plan the report is about: the adopted plan that holds the appendix's
// measures, else the latest adopted one, else the first plan.
function reportPlan(plans, appendixItems) {
  if (PLAN) return plans.find((p) => p.id === PLAN) || null;
  const ids = new Set((appendixItems || []).map((i) => i.measure_id));
  const holds = (p) => (p.goals || []).some((g) => (g.measures || []).some((m) => ids.has(m.id)));
  const adopted = plans.filter((p) => p.state === 'adopted');
  return adopted.find(holds) || plans.find(holds)
    || adopted.sort((a, b) => String(b.adopted || '').localeCompare(String(a.adopted || '')))[0]
    || plans[0] || null;
}

function goalTitle(plan, goalNumber) {
  const g = plan && (plan.goals || []).find((x) => x.number === goalNumber);
  return g ? g.title : '';
}

const goalLabel = (n) => `目標${fullWidth(n)}`;

// ---- 表題 ----------------------------------------------------------------------

function renderTitle(plan, fy) {
  const title = plan ? `${plan.title}の進捗状況等について` : '情報化推進計画の進捗状況等について';
  $('#report-title').textContent = title;
  document.title = `${title}（${eraFy(fy)}）— 進捗 shinchoku`;
  const intro = $('#report-intro');
  if (!plan) {
    replace(intro);
    return;
  }
  const when = eraMonth(plan.adopted);
  replace(intro,
    `区では、${when ? `${when}に策定した` : ''}「${plan.title}」において、今後の情報化施策の基本的な方向性を示し、計画的にＤＸを推進している。`,
    `この度、${eraFy(fy)}の情報化に向けた取組の進捗状況と成果指標の確認をあわせて行ったため、その結果について報告する。`);
}

// The plan's own words (its scheme, sql/014) in the headings: the coded
// level, the reported rows' level and the scale's name. Nakano's plan
// (scheme 1) keeps the report's printed headings as they are in the page.
function renderTerms(plan) {
  const sc = plan && plan.scheme;
  if (!sc || sc.id === 1 || !Array.isArray(sc.levels)) return;
  const coded = (sc.levels.find((l) => l.code_pattern) || {}).name || '';
  const row = (sc.levels[sc.levels.length - 1] || {}).name || '';
  const scale = sc.scale_name || '';
  const names = scalesName(scale, sc.scale2_name);
  $('#summary-heading').textContent = `１　各${row}の${names}`;
  $('#h-summary-scale').textContent = `${scale}の区分`;
  $('#h-summary-count').textContent = `${row}の数`;
  $('#legend-title').textContent = `【${scale}の凡例】`;
  replace($('#h-measure'), coded, h('span', { class: 'sub' }, `（${coded}番号・${coded}）`));
  $('#h-activity').textContent = row;
  $('#h-status').textContent = scale;
}

// ---- １ 各取組の進捗状況 -------------------------------------------------------

// One scale's rows: its levels' counts, then the rows without a level.
function summaryRows(counts, unset, unsetLabel) {
  const rows = (counts || []).map((c) => h('tr', { dataset: { status: c.status } },
    h('td', { class: 'mark', 'aria-hidden': 'true' }, c.mark),
    h('th', { scope: 'row', class: 'label' }, h('span', { class: 'visually-hidden' }, `${c.mark} `), c.label),
    h('td', { class: 'num', dataset: { status: c.status } }, String(c.count))));
  if (unset > 0) {
    rows.push(h('tr', { dataset: { status: 'unset' } },
      h('td', { class: 'mark' }, ''),
      h('th', { scope: 'row', class: 'label' }, unsetLabel),
      h('td', { class: 'num', dataset: { status: 'unset' } }, String(unset))));
  }
  return rows;
}

// A plan's second scale (sql/015) gets a table of its own below the first,
// built like the page's #summary.
function extraSummary(sc, total, row) {
  return h('table', { class: 'summary-table summary-extra', id: `summary-${sc.scale}`, dataset: { scale: String(sc.scale) } },
    h('caption', { class: 'visually-hidden' }, `${sc.name}の区分ごとの${row}の数`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', colspan: 2 }, `${sc.name}の区分`),
      h('th', { scope: 'col', class: 'num' }, `${row}の数`))),
    h('tbody', {}, summaryRows(sc.counts, sc.unset, `${sc.name}が未設定`)),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row', colspan: 2 }, '合計'),
      h('td', { class: 'num', dataset: { status: 'total' } }, String(total)))));
}

function renderSummary(s, plan) {
  const sc = plan && plan.scheme && plan.scheme.id !== 1 ? plan.scheme : null;
  const name = sc ? sc.scale_name : '進捗状況';
  replace($('#summary-body'), summaryRows(s.counts, s.unset, `${name}が未設定`));
  $('#summary-total').textContent = String(s.total);
  for (const t of document.querySelectorAll('.summary-extra')) t.remove();
  const row = sc && Array.isArray(sc.levels) ? (sc.levels[sc.levels.length - 1] || {}).name || '取組' : '取組';
  let after = $('#summary');
  for (const x of (s.scales || []).filter((x) => x.scale > 1)) {
    const t = extraSummary(x, s.total, row);
    after.after(t);
    after = t;
  }
}

// The appendix's legend, from the statuses as the database defines them;
// a second scale's legend (the plan's scheme.scale2) follows the first.
// A plan of two takes each scale's levels from its scheme (/api/statuses
// has the first's as items, the second's as items2).
function renderLegend(list, plan) {
  const sc = plan && plan.scheme;
  const two = sc && sc.scale2_name && Array.isArray(sc.scale) && Array.isArray(sc.scale2);
  replace($('#legend-list'), legendItems(two ? sc.scale : list));
  for (const el of document.querySelectorAll('.legend-extra')) el.remove();
  if (!two) return;
  $('#legend').after(h('div', { class: 'legend legend-extra', id: 'legend-2' },
    h('p', { class: 'legend-title' }, `【${sc.scale2_name}の凡例】`),
    h('ul', { class: 'legend-list' }, legendItems(sc.scale2))));
}

const legendItems = (list) => list.map((c) => h('li', { dataset: { status: c.key } },
  h('span', { class: 'legend-mark' }, c.mark), '・・・', h('span', { class: 'legend-label' }, c.label)));

// ---- ２ 成果指標の推移 ---------------------------------------------------------

// As in the report: the actual values of the report year and the two years
// before it, then the plan's target year(s).
function renderIndicators(items, plan, fy) {
  $('#indicators-asof').textContent = `※${eraFy(fy)}末時点`;
  const box = $('#indicators');
  if (!items.length) {
    replace(box, h('p', { class: 'empty' }, 'この計画には成果指標がありません。'));
    replace($('#footnotes'));
    return;
  }
  const actualYears = [fy - 2, fy - 1, fy];
  const targetYears = [...new Set(items.flatMap((i) => (i.values || [])
    .filter((v) => v.kind === 'target').map((v) => v.fiscal_year)))].sort((a, b) => a - b);

  const goals = [];
  for (const it of items) {
    const n = it.goal && it.goal.number;
    let g = goals.find((x) => x.number === n);
    if (!g) goals.push(g = { number: n, id: it.goal && it.goal.id, items: [] });
    g.items.push(it);
  }

  const footnotes = [];
  const tables = goals.map((g) => {
    const title = goalTitle(plan, g.number);
    const rows = g.items.map((it) => {
      for (const n of it.notes || []) if (!footnotes.some((f) => f.mark === n.mark)) footnotes.push(n);
      const cell = (y, kind) => {
        const v = (it.values || []).find((x) => x.fiscal_year === y && x.kind === kind);
        // A grade computed against the target (a scale with thresholds).
        const grade = v && v.grade_mark
          ? [' ', h('span', { class: 'grade', dataset: { grade: v.grade }, title: `達成率 ${v.rate}％` }, `（${v.grade_mark}）`)]
          : null;
        return h('td', { class: `value ${kind}`, dataset: { year: y, kind } }, v ? v.text : '', grade);
      };
      return h('tr', { dataset: { indicator: it.id } },
        h('th', { scope: 'row', class: 'ind-name' },
          h('span', { class: 'name' }, it.name),
          (it.notes || []).flatMap((n) => [' ', h('span', { class: 'note-mark', dataset: { mark: n.mark } }, n.mark)])),
        actualYears.map((y) => cell(y, 'actual')),
        targetYears.map((y) => cell(y, 'target')));
    });
    return h('div', { class: 'goal-indicators', dataset: { goal: g.number } },
      h('h3', { class: 'goal-title' }, h('span', { class: 'goal-no' }, goalLabel(g.number)), '　', h('span', { class: 'goal-name' }, title)),
      h('table', { class: 'indicator-table', dataset: { goal: g.number } },
        h('caption', { class: 'visually-hidden' }, `${goalLabel(g.number)}の成果指標`),
        h('colgroup', {}, h('col', { class: 'w-ind-name' }),
          [...actualYears, ...targetYears].map(() => h('col', { class: 'w-ind-value' }))),
        h('thead', {},
          h('tr', {},
            h('th', { scope: 'col', rowspan: 2, class: 'ind-head' }, '指標項目'),
            h('th', { scope: 'colgroup', colspan: actualYears.length }, '実績'),
            targetYears.length ? h('th', { scope: 'colgroup', colspan: targetYears.length }, '目標') : null),
          h('tr', {},
            actualYears.map((y) => h('th', { scope: 'col', dataset: { year: y, kind: 'actual' } }, eraFy(y, false))),
            targetYears.map((y) => h('th', { scope: 'col', dataset: { year: y, kind: 'target' } }, eraFy(y, false))))),
        h('tbody', {}, rows)));
  });
  replace(box, tables);
  replace($('#footnotes'), footnotes.map((n) => h('li', { dataset: { mark: n.mark } },
    h('span', { class: 'fn-mark' }, n.mark), h('span', { class: 'fn-text' }, n.text))));
}

// ---- ３ 今後の予定 --------------------------------------------------------------

const MILESTONE_STATES = {
  planned: '', in_progress: '実施中', done: '完了', delayed: '遅延', cancelled: '中止',
};

function renderSchedule(plan, milestones) {
  const body = $('#schedule-body');
  if (!plan) {
    $('#schedule-plan').textContent = '策定中の次期計画はありません。';
    replace(body);
    $('#schedule').hidden = true;
    return;
  }
  $('#schedule').hidden = false;
  $('#schedule-plan').textContent = `「${plan.title}」の策定スケジュール`;
  if (!milestones.length) {
    replace(body, h('tr', {}, h('td', { colspan: 2, class: 'empty' }, 'スケジュールは未登録です。')));
    return;
  }
  replace(body, milestones.map((m) => {
    const st = MILESTONE_STATES[m.state] || '';
    return h('tr', { dataset: { position: m.position, month: m.planned_month || '', state: m.state || '' } },
      h('th', { scope: 'row', class: 'when' }, m.planned_text || ''),
      h('td', { class: 'what' },
        h('span', { class: 'ms-title' }, m.title),
        st ? [' ', h('span', { class: 'ms-state' }, `（${st}）`)] : null,
        m.notes ? h('span', { class: 'ms-notes' }, m.notes) : null));
  }));
}

// ---- 別紙 進捗状況一覧 ----------------------------------------------------------

function runs(list, key) {
  const out = [];
  for (const x of list) {
    const k = key(x);
    if (!out.length || out[out.length - 1].key !== k) out.push({ key: k, items: [] });
    out[out.length - 1].items.push(x);
  }
  return out;
}

// A plan with a second scale gets its column right after the first's
// (its name from the plan's terms); without one the column is not there.
function scale2Column(plan) {
  const name = (plan && plan.scheme && plan.scheme.scale2_name) || '';
  for (const el of $('#appendix').querySelectorAll('.c-status2-head, col.w-status2')) el.remove();
  if (!name) return false;
  $('#appendix col.w-status').after(h('col', { class: 'w-status2' }));
  $('#h-status').after(h('th', { scope: 'col', class: 'c-status2 c-status2-head', id: 'h-status2' }, name));
  return true;
}

function renderAppendix(data, plan, fy) {
  const two = scale2Column(plan);
  const columns = two ? COLUMNS + 1 : COLUMNS;
  const scale = plan && plan.scheme && plan.scheme.id !== 1 ? plan.scheme.scale_name : '進捗状況';
  $('#appendix-heading').textContent = plan ? `${plan.title}${scale}一覧` : `${scale}一覧`;
  $('#h-prev').textContent = `取組結果（${eraFy(fy - 1)}）`;
  $('#h-result').textContent = `取組結果（${eraFy(fy)}）`;
  $('#h-plan').textContent = `${eraFy(fy + 1)}以降の取組予定`;
  const table = $('#appendix');
  for (const b of table.querySelectorAll('tbody')) b.remove();
  const items = data.items || [];
  if (!items.length) {
    table.append(h('tbody', {}, h('tr', {}, h('td', { colspan: columns, class: 'empty' }, 'この年度の記録はありません。'))));
    return;
  }
  for (const g of runs(items, (i) => i.goal)) {
    const tbody = h('tbody', { class: 'goal-group', dataset: { goal: g.key } },
      h('tr', { class: 'goal-row' },
        h('th', { colspan: columns, scope: 'colgroup', class: 'goal-heading' },
          h('span', { class: 'goal-no' }, goalLabel(g.key)), '　', h('span', { class: 'goal-name' }, goalTitle(plan, g.key)))));
    for (const m of runs(g.items, (i) => `${i.measure_id}\u0000${i.measure_code}`)) {
      m.items.forEach((it, idx) => {
        const tr = h('tr', {
          class: `activity${it.relisted ? ' relisted' : ''}${idx === 0 ? ' measure-first' : ''}`,
          dataset: { seq: it.seq, measure: it.measure_code, activityId: it.activity_id, relisted: it.relisted ? 'true' : 'false' },
        });
        if (idx === 0) {
          tr.append(h('th', { scope: 'rowgroup', rowspan: m.items.length, class: 'c-measure', dataset: { measure: it.measure_code } },
            h('span', { class: 'code' }, it.measure_code), ' ', h('span', { class: 'name' }, it.measure_name)));
        }
        const depts = (it.departments || '').split('、').filter((d) => d !== '');
        tr.append(
          h('td', { class: 'c-activity' }, it.activity_id
            ? h('a', { href: `activity.html?id=${it.activity_id}`, class: 'activity-link' }, it.activity) : it.activity),
          h('td', { class: 'c-status', dataset: { status: it.status || '' } }, it.status_mark || ''),
          two ? h('td', { class: 'c-status2', dataset: { status: it.status2 || '' } }, it.status2_mark || '') : '',
          h('td', { class: 'c-reason' }, it.change_reason || ''),
          h('td', { class: 'c-prev' }, it.result_prev || ''),
          h('td', { class: 'c-result' }, it.result || ''),
          h('td', { class: 'c-plan' }, it.plan_next || ''),
          h('td', { class: 'c-dept' }, depts.map((d) => h('span', { class: 'dept' }, d))));
        tbody.append(tr);
      });
    }
    table.append(tbody);
  }
}

// ---- 確定版 and its differences ------------------------------------------------------

// A closed round's report is its snapshot: the report says so and when.
function renderState(appendix) {
  const snap = appendix && appendix.snapshot;
  const el = $('#report-state');
  replace(el, snap ? `確定版（${eraDay(snap.taken_at)}に照会を締め切った時点の内容）` : '');
  el.hidden = !snap;
}

const DIFF_COLUMNS = {
  status: '進捗状況', status_mark: '進捗状況', change_reason: 'スケジュールの変更理由', result: '取組結果',
  result_prev: '前年度の取組結果', plan_next: '翌年度以降の取組予定', departments: '所管課', activity: '実施内容',
};

// For admins: the cells of the 確定版 that the records no longer match.
function renderDifferences(diffR, appendix) {
  const sec = $('#s-differences');
  const shown = state.admin && appendix && appendix.snapshot;
  sec.hidden = !shown;
  if (!shown) return;
  if (diffR.status === 'rejected') {
    addError('確定版との違い', diffR.reason);
    sectionFailed('#s-differences', '確定版との違い');
    replace($('#differences-body'));
    return;
  }
  const items = (diffR.value && diffR.value.items) || [];
  replace($('#differences-note'), items.length
    ? `確定版の後に変更された記録が${items.length}件あります。確定版の報告書は変わりません。`
    : '確定版の後に変更された記録はありません。');
  replace($('#differences-body'), items.map((d) => h('tr', { dataset: { seq: d.seq, column: d.column } },
    h('td', { class: 'num' }, String(d.seq)),
    h('td', {}, h('span', { class: 'code' }, d.measure_code), ' ', d.activity),
    h('td', {}, DIFF_COLUMNS[d.column] || d.column),
    h('td', {}, h('del', {}, d.snapshot || '（空欄）')),
    h('td', {}, h('ins', {}, d.current || '（空欄）')))));
}

// ---- loading ------------------------------------------------------------------------

async function load(fy) {
  const seq = ++state.loadSeq;
  const stale = () => seq !== state.loadSeq;
  state.errors = [];
  showErrors();
  clearFailed();
  document.body.dataset.ready = 'false';
  $('#report').setAttribute('aria-busy', 'true');
  $('#loading').hidden = false;
  setLinks(fy);

  // A year that was never opened has no report: say so, print nothing.
  const known = state.years && state.years.get(fy);
  const none = state.years && !(known && known.records > 0);
  $('#no-report').hidden = !none;
  $('#report').hidden = !!none;
  if (none) {
    replace($('#no-report'), `${eraFy(fy, false)}の報告はありません。${known ? 'この年度にはまだ記録がありません。' : 'この年度はまだ開始されていません。'}`);
    document.title = `${eraFy(fy)}の報告はありません — 進捗 shinchoku`;
    $('#loading').hidden = true;
    $('#report').setAttribute('aria-busy', 'false');
    document.body.dataset.ready = 'true';
    return;
  }

  const [plansR, summaryR, appendixR, statusesR] = await Promise.allSettled([
    get('/api/plans'), get(`/api/reports/${fy}/summary${planQuery}`), get(`/api/reports/${fy}/appendix${planQuery}`), loadStatuses()]);
  if (stale()) return;
  const plans = plansR.status === 'fulfilled' ? plansR.value.items || [] : [];
  const appendix = appendixR.status === 'fulfilled' ? appendixR.value : null;
  const plan = reportPlan(plans, appendix && appendix.items);
  const draft = plans.find((p) => p.state === 'draft') || null;
  // Without the plans or the appendix the report's plan is not known: its
  // indicators are then not "none" but unread.
  const planKnown = plansR.status === 'fulfilled' && appendixR.status === 'fulfilled';

  const [indR, msR, diffR] = await Promise.allSettled([
    plan && planKnown ? get(`/api/indicators?plan=${plan.id}`)
      : (planKnown ? Promise.resolve({ items: [] }) : Promise.reject(plansR.reason || appendixR.reason)),
    draft ? get(`/api/plans/${draft.id}/milestones`) : Promise.resolve({ items: [] }),
    state.admin && appendix && appendix.snapshot ? get(`/api/reports/${fy}/differences`) : Promise.resolve(null)]);
  if (stale()) return;

  if (plansR.status === 'rejected') addError('計画', plansR.reason);
  renderTitle(plan, fy);
  renderTerms(plan);

  if (summaryR.status === 'fulfilled') renderSummary(summaryR.value, plan);
  else {
    addError('１ 各取組の進捗状況', summaryR.reason);
    sectionFailed('#s-summary', '各取組の進捗状況');
    replace($('#summary-body'));
    $('#summary-total').textContent = '';
  }
  renderState(appendix);
  renderDifferences(diffR, appendix);

  if (statusesR.status === 'fulfilled') renderLegend(statusesR.value, plan);
  else {
    addError('別紙 進捗状況の凡例', statusesR.reason);
    replace($('#legend-list'));
  }

  if (indR.status === 'fulfilled') renderIndicators(indR.value.items || [], plan, fy);
  else {
    addError('２ 成果指標の推移', indR.reason);
    sectionFailed('#s-indicators', '成果指標の推移');
    replace($('#indicators'));
    replace($('#footnotes'));
  }

  if (plansR.status === 'rejected') {
    sectionFailed('#s-schedule', '今後の予定');
    replace($('#schedule-body'));
  } else if (msR.status === 'fulfilled') renderSchedule(draft, msR.value.items || []);
  else {
    addError('３ 今後の予定', msR.reason);
    sectionFailed('#s-schedule', '今後の予定');
    replace($('#schedule-body'));
  }

  if (appendix) renderAppendix(appendix, plan, fy);
  else {
    addError('別紙 進捗状況一覧', appendixR.reason);
    sectionFailed('#s-appendix', '別紙 進捗状況一覧');
    for (const b of $('#appendix').querySelectorAll('tbody')) b.remove();
  }

  $('#report').setAttribute('aria-busy', 'false');
  $('#loading').hidden = true;
  document.body.dataset.ready = 'true';
}

function signedInHint() {
  try { return localStorage.getItem('shinchoku.signedIn') === '1'; } catch { return false; }
}

async function init() {
  $('#print').addEventListener('click', () => window.print());
  $('#fy').addEventListener('change', (e) => {
    const fy = Number(e.target.value);
    if (!Number.isInteger(fy)) return;
    state.fy = fy;
    history.replaceState(null, '', `?fy=${fy}`);
    load(fy);
  });

  // Which years were opened, and whether an admin is reading (the hint is
  // the portal's: no session request for an anonymous visit).
  const [yearsR, sessionR] = await Promise.allSettled([get('/api/fiscal-years'), signedInHint()
    ? request('GET', '/api/session', { raw: true }) : Promise.resolve(null)]);
  if (yearsR.status === 'fulfilled') state.years = new Map(yearsR.value.items.map((y) => [y.fiscal_year, y]));
  state.admin = sessionR.status === 'fulfilled' && sessionR.value?.status === 200 && sessionR.value.body?.user?.role === 'admin';

  const p = parseFy(new URLSearchParams(location.search).get('fy'));
  let badFy = false;
  if (p.fy) state.fy = p.fy;
  else {
    badFy = p.bad;
    try {
      const latest = (await get('/api/activities?limit=1')).fiscal_year;
      state.fy = Number.isInteger(latest) ? latest : DEFAULT_FY;
    } catch {
      state.fy = DEFAULT_FY;
    }
  }
  loadYears();
  await load(state.fy);
  if (badFy) {
    state.errors.unshift(`年度の指定に誤りがあります（${MIN_FY}〜${MAX_FY} の西暦年度で指定してください）。${eraFy(state.fy, false)}を表示しています。`);
    showErrors();
  }
}

init();

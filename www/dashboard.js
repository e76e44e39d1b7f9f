// The dashboard, the first screen after sign-in: status counts per fiscal
// year, by goal and by department (GET /api/dashboard), each outcome
// indicator's actual values against its target (GET /api/indicators), the
// open reporting round per department (GET /api/rounds/{id}) and "my
// work": the records of one's department still to update in the round
// (staff), the requests waiting for one's decision (managers, admins).
// Every chart (chart.js, www/vendor/) has a table beside it with the same
// numbers, for screen readers and for print.
import { get, qs } from './api.js';
import { h, replace, $, eraYear, dateTime } from './dom.js';
import { loadStatuses, statuses, statuses2, nameScales, scalesName } from './statuses.js';
import { readSession, showAccount, showError, signInHref, landsOnDashboard, setLandsOnDashboard } from './session.js';

const charts = new Map(); // canvas id → Chart, replaced when redrawn
// plan: the plan of ?plan= (its scheme's scales count), else all plans by
// the reporting plan's scale.
const state = { fy: null, user: null, plan: null };

// Colours for the levels of a scale without a colour of their own in
// style.css (another plan's keys), in the scale's order.
const PALETTE = ['#1b6ca8', '#2e8b57', '#d08c00', '#c0392b', '#7d3c98', '#5b6770'];

// The colours of the marks, from style.css (--exceeded, --on-schedule, …).
function color(name, i = PALETTE.length - 1) {
  return getComputedStyle(document.documentElement).getPropertyValue(`--${name.replace('_', '-')}`).trim() || PALETTE[i % PALETTE.length];
}

function draw(id, config) {
  charts.get(id)?.destroy();
  if (typeof window.Chart !== 'function') return; // the table still tells
  const c = new window.Chart($(`#${id}`), {
    ...config,
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom' } },
      ...config.options,
    },
  });
  charts.set(id, c);
}

// ---- counts by status -----------------------------------------------------------

// A group's counts of scale sc (1, or 2: counts2 and unset2, sql/015).
const countsOf = (g, sc) => (sc === 2 ? g.counts2 || [] : g.counts);
const unsetOf = (g, sc) => (sc === 2 ? g.unset2 ?? 0 : g.unset);

// The statuses of scale sc, and 未設定 when any group has a record without one.
function series(groups, sc) {
  const list = (sc === 2 ? statuses2() : statuses())
    .map((s, i) => ({ key: s.key, mark: s.mark, label: `${s.mark} ${s.short}`, color: color(s.key, i) }));
  if (groups.some((g) => unsetOf(g, sc) > 0)) list.push({ key: 'unset', mark: '—', label: '未設定', color: '#aab4bd' });
  return list;
}

const countOf = (g, key, sc) => (key === 'unset' ? unsetOf(g, sc)
  : countsOf(g, sc).find((c) => c.status === key)?.count ?? 0);

function countChart(id, groups, label, horizontal, sc = 1) {
  const list = series(groups, sc);
  draw(id, {
    type: 'bar',
    data: {
      labels: groups.map(label),
      datasets: list.map((s) => ({ label: s.label, data: groups.map((g) => countOf(g, s.key, sc)), backgroundColor: s.color })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true, beginAtZero: true } },
    },
  });
}

function countTable(sel, groups, head, label, sc = 1) {
  const list = series(groups, sc);
  const table = $(sel);
  replace(table.tHead, h('tr', {}, h('th', { scope: 'col' }, head),
    list.map((s) => h('th', { scope: 'col', class: 'num', dataset: { status: s.key } },
      h('span', { 'aria-hidden': 'true' }, s.mark), h('span', { class: 'visually-hidden' }, s.label))),
    h('th', { scope: 'col', class: 'num' }, '合計')));
  replace(table.tBodies[0], groups.map((g) => h('tr', {},
    h('th', { scope: 'row' }, label(g)),
    list.map((s) => h('td', { class: 'num', dataset: { status: s.key } }, String(countOf(g, s.key, sc)))),
    h('td', { class: 'num', dataset: { status: 'total' } }, String(g.total)))));
  if (!groups.length) replace(table.tBodies[0], h('tr', {}, h('td', { colspan: list.length + 2, class: 'empty' }, 'この年度の記録はありません。')));
  table.setAttribute('aria-busy', 'false');
}

function tallBox(id, rows) {
  $(`#${id}`).style.height = `${Math.max(12, rows * 1.6 + 4)}rem`;
}

// Each section's chart and table for scale 1 are the page's; a plan with a
// second scale gets a copy of them for it (ids ending in -2), each named
// by its scale.
const SECTIONS = [['years', '年度ごと', '積み上げ棒グラフ'], ['goals', '目標ごと', '積み上げ棒グラフ'],
  ['departments', '所管課ごと', '積み上げ横棒グラフ']];

function scalePairs(d) {
  const two = !!d.scale2_name && statuses2().length > 0;
  nameScales(scalesName(d.scale_name || '進捗状況', two ? d.scale2_name : null));
  for (const el of document.querySelectorAll('.scale1-name')) el.textContent = d.scale_name || '進捗状況';
  for (const [key, what, kind] of SECTIONS) {
    const section = $(`#${key}-section`);
    const first = section.querySelector('.chart-pair');
    const label = (name) => `${what}の${name}の取組数の${kind}。数値は右の表のとおり。`;
    $(`#chart-${key}`).setAttribute('aria-label', label(d.scale_name || '進捗状況'));
    section.querySelector('.chart-pair.scale-2')?.remove();
    if (!two) continue;
    const copy = first.cloneNode(true);
    copy.classList.add('scale-2');
    for (const el of copy.querySelectorAll('[id]')) el.id = `${el.id}-2`;
    copy.querySelector('canvas').setAttribute('aria-label', label(d.scale2_name));
    copy.querySelector('table').setAttribute('aria-busy', 'true');
    copy.querySelector('.scale1-name').textContent = d.scale2_name;
    copy.querySelector('.scale1-name').className = 'scale2-name';
    first.after(copy);
  }
  return two;
}

async function loadCounts() {
  const d = await get(`/api/dashboard${qs({ fy: state.fy, plan: state.plan })}`);
  state.fy = d.fiscal_year;
  for (const e of document.querySelectorAll('.fy-era')) replace(e, d.era || eraYear(d.fiscal_year));
  $('#nav-report').href = `report.html?fy=${d.fiscal_year}`;
  const sel = $('#fy');
  const years = d.years.map((y) => y.fiscal_year);
  if (!years.includes(d.fiscal_year)) years.push(d.fiscal_year);
  replace(sel, years.sort((a, b) => b - a).map((y) => h('option', { value: y, selected: y === d.fiscal_year }, `${eraYear(y)}（${y}年度）`)));
  sel.disabled = false;

  const yearLabel = (g) => g.era || eraYear(g.fiscal_year);
  const goalLabel = (g) => `目標${g.number}`;
  const deptLabel = (g) => g.name;
  const two = scalePairs(d);
  for (const sc of two ? [1, 2] : [1]) {
    const at = sc === 2 ? '-2' : '';
    countChart(`chart-years${at}`, d.years, yearLabel, false, sc);
    countTable(`#table-years${at}`, d.years, '年度', yearLabel, sc);
    countChart(`chart-goals${at}`, d.goals, goalLabel, false, sc);
    countTable(`#table-goals${at}`, d.goals, '目標', (g) => `目標${g.number}　${g.title}`, sc);
    tallBox(`chart-departments-box${at}`, d.departments.length);
    countChart(`chart-departments${at}`, d.departments, deptLabel, true, sc);
    countTable(`#table-departments${at}`, d.departments, '所管課', deptLabel, sc);
  }
}

// ---- outcome indicators -----------------------------------------------------------

function indicatorFigure(ind, i) {
  const years = [...new Set(ind.values.map((v) => v.fiscal_year))].sort((a, b) => a - b);
  const at = (fy, kind) => ind.values.find((v) => v.fiscal_year === fy && v.kind === kind) || null;
  const id = `chart-indicator-${i}`;
  const fig = h('figure', { class: 'indicator', dataset: { indicatorId: ind.id } },
    h('figcaption', {}, h('h3', {}, `目標${ind.goal.number}　${ind.name}`), h('span', { class: 'unit' }, `単位：${ind.unit}`)),
    h('div', { class: 'chart-pair' },
      h('div', { class: 'chart-box chart-small' },
        h('canvas', { id, role: 'img', 'aria-label': `${ind.name}の実績と目標のグラフ。数値は右の表のとおり。` })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'count-table indicator-table' },
        h('caption', { class: 'visually-hidden' }, `${ind.name}の実績と目標`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '年度'), h('th', { scope: 'col' }, '実績'), h('th', { scope: 'col' }, '目標'))),
        h('tbody', {}, years.map((fy) => h('tr', { dataset: { fy } },
          h('th', { scope: 'row' }, eraYear(fy)),
          h('td', { dataset: { kind: 'actual' } }, at(fy, 'actual')?.text ?? '—'),
          h('td', { dataset: { kind: 'target' } }, at(fy, 'target')?.text ?? '—'))))))));
  return { fig, draw: () => draw(id, {
    type: 'bar',
    data: {
      labels: years.map((fy) => eraYear(fy)),
      datasets: [
        { type: 'bar', label: '実績', data: years.map((fy) => at(fy, 'actual')?.value ?? null), backgroundColor: color('on_schedule') },
        { type: 'line', label: '目標', data: years.map((fy) => at(fy, 'target')?.value ?? null), borderColor: color('delayed'),
          backgroundColor: color('delayed'), pointStyle: 'rectRot', pointRadius: 6, showLine: false },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: ind.unit } } } },
  }) };
}

async function loadIndicators() {
  const plans = await get('/api/plans');
  const current = plans.items.find((p) => p.state === 'adopted') || plans.items[0];
  const r = await get(`/api/indicators${qs({ plan: current?.id })}`);
  $('#indicators-empty').hidden = r.items.length > 0;
  const figs = r.items.map(indicatorFigure);
  replace($('#indicators'), figs.map((f) => f.fig));
  for (const f of figs) f.draw();
}

// ---- the open round and my work ------------------------------------------------------

async function openRound() {
  const r = await get('/api/rounds');
  const open = r.items.find((x) => x.state === 'open');
  return open ? get(`/api/rounds/${open.id}`) : null;
}

function renderRound(round) {
  $('#round-none').hidden = round !== null;
  $('#round-box').hidden = round === null;
  if (!round) return;
  replace($('#round-line'), `${round.era}の照会：期限 ${round.due_date}${round.overdue ? '（期限を過ぎています）' : ''}。`,
    `全体 ${round.updated} / ${round.total} 件が更新済み。`);
  const depts = round.departments;
  tallBox('chart-round-box', depts.length);
  draw('chart-round', {
    type: 'bar',
    data: {
      labels: depts.map((d) => d.name),
      datasets: [
        { label: '更新済み', data: depts.map((d) => d.updated), backgroundColor: color('exceeded') },
        { label: '未更新', data: depts.map((d) => d.remaining), backgroundColor: color(round.overdue ? 'not_started' : 'delayed') },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } },
  });
  replace($('#table-round').tBodies[0], depts.map((d) => h('tr', { dataset: { departmentId: d.id, overdue: String(d.overdue) } },
    h('th', { scope: 'row' }, d.name),
    h('td', { class: 'num', dataset: { col: 'updated' } }, String(d.updated)),
    h('td', { class: 'num', dataset: { col: 'remaining' } }, String(d.remaining)),
    h('td', { class: 'num' }, String(d.total)),
    h('td', { class: d.overdue ? 'overdue' : '' }, d.overdue ? '期限超過' : (d.remaining === 0 ? '完了' : '期限内')))));
}

const activityLink = (id, text) => h('a', { href: `activity.html?id=${id}` }, text);

async function loadMyUpdates(round) {
  const box = $('#work-updates');
  box.hidden = false;
  $('#work-updates-none').hidden = round !== null;
  if (!round) return;
  const r = await get(`/api/rounds/${round.id}/my-updates`);
  replace($('#work-updates-count'), `${r.items.length}件`);
  replace($('#work-updates-due'), `${eraYear(r.fiscal_year)}の照会。期限 ${r.due_date}`);
  $('#work-updates-empty').hidden = r.items.length > 0;
  replace($('#work-updates-list'), r.items.map((a) => h('li', { dataset: { activityId: a.activity_id } },
    h('span', { class: 'code' }, a.measure_code), ' ', activityLink(a.activity_id, a.name),
    h('span', { class: 'muted' }, `（${(a.departments || []).map((d) => d.name).join('、')}）`))));
}

async function loadMyRequests() {
  $('#work-requests').hidden = false;
  const r = await get('/api/status-requests?state=pending');
  const mine = r.items.filter((x) => x.can_decide);
  replace($('#work-requests-count'), `${mine.length}件`);
  $('#work-requests-empty').hidden = mine.length > 0;
  replace($('#work-requests-list'), mine.map((x) => h('li', { dataset: { requestId: x.id } },
    h('span', { class: 'code' }, x.measure_code), ' ', activityLink(x.activity_id, x.activity_name),
    ` ${x.from_mark || '—'} → ${x.to_mark}`,
    h('span', { class: 'muted' }, `（${x.requested_by.display_name || x.requested_by.login}、${dateTime(x.requested_at)}）`))));
}

// ---- start ----------------------------------------------------------------------

async function part(context, p) {
  try {
    await p;
  } catch (err) {
    showError(context, err);
  }
}

async function start() {
  try {
    state.user = await readSession();
  } catch (err) {
    showError('ログイン状態を確認できませんでした。', err);
    document.body.dataset.ready = 'true';
    return;
  }
  if (!state.user) {
    location.replace(signInHref());
    return;
  }
  showAccount(state.user, showError);
  const landing = $('#landing-dashboard');
  landing.checked = landsOnDashboard();
  landing.addEventListener('change', () => setLandsOnDashboard(landing.checked));
  $('#error-retry').addEventListener('click', () => location.reload());
  const params = new URLSearchParams(location.search);
  const fy = Number(params.get('fy'));
  if (Number.isInteger(fy) && fy >= 2000 && fy <= 2100) state.fy = fy;
  // ?plan= as the list's and the report's (statuses.js reads it too).
  if (/^[1-9][0-9]{0,8}$/.test(params.get('plan') || '')) state.plan = Number(params.get('plan'));
  $('#fy').addEventListener('change', (e) => {
    state.fy = Number(e.target.value);
    history.replaceState(null, '', qs({ fy: state.fy, plan: state.plan }));
    part('進捗状況の集計を読み込めませんでした。', loadCounts());
  });

  await part('進捗状況の区分を読み込めませんでした。', loadStatuses());
  const round = openRound();
  const role = state.user.role;
  $('#work-section').hidden = role === 'viewer';
  await Promise.all([
    part('進捗状況の集計を読み込めませんでした。', loadCounts()),
    part('成果指標を読み込めませんでした。', loadIndicators()),
    part('照会の進捗を読み込めませんでした。', round.then(renderRound)),
    role === 'staff' ? part('未更新の取組を読み込めませんでした。', round.then(loadMyUpdates)) : null,
    role === 'manager' || role === 'admin' ? part('承認待ちの申請を読み込めませんでした。', loadMyRequests()) : null,
  ]);
  document.body.dataset.ready = 'true';
}

start();

// The side-by-side comparison of a draft plan with the plan it continues:
// compare.html?plan=N[&with=M]. Per measure and activity: 継続 (continued),
// 名称変更 (renamed), 新規 (new), 終了 (ended), from
// GET /api/plans/{plan}/comparison; the CSV is the same table
// (GET /api/plans/{plan}/comparison.csv). Texts go in with textContent
// (dom.js h()/replace()).
import { get, qs } from './api.js';
import { h, replace, $ } from './dom.js';

const KINDS = [['measure', '施策'], ['activity', '取組']];
const STATUSES = ['continued', 'renamed', 'new', 'ended'];
const state = { seq: 0 };

const positive = (s) => (/^[1-9][0-9]{0,8}$/.test(s || '') ? Number(s) : null);

function showError(message) {
  const box = $('#error');
  box.hidden = !message;
  replace(box, message || '');
}

function fillPlans(select, plans, chosen, blank) {
  replace(select, blank ? h('option', { value: '' }, blank) : null,
    plans.map((p) => h('option', { value: String(p.id), selected: p.id === chosen }, p.title)));
  select.disabled = false;
}

// One side of a row: code, name, departments (empty cells when absent).
function side(item, kind) {
  if (!item) return [h('td', { class: 'none' }), h('td', { class: 'none' }), h('td', { class: 'none' })];
  return [
    h('td', { class: 'code' }, item.code),
    h('td', { class: kind === 'measure' ? 'name measure-name' : 'name' }, item.name),
    h('td', { class: 'departments' }, item.departments || ''),
  ];
}

function render(c) {
  replace($('#title'), `新旧計画の対照表　${c.plan.title}`);
  replace($('#subtitle'), `現行計画：${c.with.title}　／　新計画：${c.plan.title}`);
  replace($('#head-current'), `現行計画（${c.with.title}）`);
  replace($('#head-draft'), `新計画（${c.plan.title}）`);
  replace($('#counts-body'), KINDS.map(([k, label]) => h('tr', { dataset: { kind: k } },
    h('th', { scope: 'row' }, label),
    STATUSES.map((s) => h('td', { dataset: { status: s } }, String(c.counts[k][s]))))));
  replace($('#rows-body'), c.rows.map((r) => h('tr', {
    class: `row-${r.kind} status-${r.status}`, dataset: { kind: r.kind, status: r.status },
  }, side(r.current, r.kind), h('td', { class: 'label' }, h('span', { class: `badge badge-${r.status}` }, r.label)),
  side(r.draft, r.kind))));
  $('#empty').hidden = c.rows.length > 0;
}

async function load(plan, withPlan) {
  const seq = ++state.seq;
  document.body.dataset.ready = 'false';
  $('#compare').setAttribute('aria-busy', 'true');
  $('#loading').hidden = false;
  showError('');
  const q = qs({ with: withPlan });
  $('#dl-csv').href = `/api/plans/${plan}/comparison.csv${q}`;
  try {
    const c = await get(`/api/plans/${plan}/comparison${q}`);
    if (seq !== state.seq) return;
    render(c);
    const url = new URL(window.location.href);
    url.search = qs({ plan, with: withPlan });
    window.history.replaceState(null, '', url);
  } catch (e) {
    if (seq !== state.seq) return;
    replace($('#rows-body'));
    replace($('#counts-body'));
    showError(e.code === 'not_found' ? '比較する計画が見つかりません。' : e.message);
  } finally {
    if (seq === state.seq) {
      $('#loading').hidden = true;
      $('#compare').setAttribute('aria-busy', 'false');
      document.body.dataset.ready = 'true';
    }
  }
}

async function main() {
  $('#print').addEventListener('click', () => window.print());
  const params = new URLSearchParams(window.location.search);
  let plans;
  try {
    plans = (await get('/api/plans')).items;
  } catch (e) {
    showError(e.message);
    document.body.dataset.ready = 'true';
    return;
  }
  const drafts = plans.filter((p) => p.state !== 'adopted' && p.state !== 'archived');
  const plan = positive(params.get('plan')) ?? (drafts[0] || plans[plans.length - 1])?.id;
  const withPlan = positive(params.get('with'));
  fillPlans($('#plan'), plans, plan);
  fillPlans($('#with'), plans.filter((p) => p.id !== plan), withPlan, '（引き継ぎ元の計画）');
  const change = () => load(Number($('#plan').value), positive($('#with').value));
  $('#plan').addEventListener('change', change);
  $('#with').addEventListener('change', change);
  if (!plan) {
    showError('計画がありません。');
    document.body.dataset.ready = 'true';
    return;
  }
  await load(plan, withPlan);
}

main();

// The drafting timeline of the next plan as a Gantt chart, and its admin
// controls (mark a milestone done with its date, take the plan's next
// lifecycle step). Plain SVG made with DOM calls: the Gantt libraries on
// npm (frappe-gantt 1.2.2, looked at) build their markup with innerHTML
// and an inline style attribute, which the page's rules and its CSP
// (style-src 'self') do not allow. Overdue comes from the API (computed by
// the database from its current date); the chart adds nothing but the
// month it draws the line of today at, the API's "today".
import { request, get, ApiError } from './api.js';
import { h, replace, $, isBlank } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const UNIT = 10; // SVG units per month

export const MILESTONE_STATES = {
  planned: '予定', in_progress: '実施中', done: '完了', delayed: '遅れ', cancelled: '中止',
};
export const PLAN_STATES = {
  draft: '策定中（素案まで）', proposal: '案', public_comment: 'パブリック・コメント実施中',
  adopted: '策定済み', archived: '終了',
};
const STEP_LABELS = {
  proposal: '「案」にする', public_comment: 'パブリック・コメントを始める', adopted: '策定する',
  archived: '終了する（次の計画へ移行）', draft: '策定中（素案）に戻す',
};

let ctx = null; // { isAdmin, showError, notice }

// The server's own message when it is written for people (a rule of the
// database: Japanese), else the page's message for the error code.
const japanese = (ae) => (ae.status === 400 && /[^\x00-\x7f]/.test(ae.detail) ? ae.detail : ae.message);
let shown = null; // { milestones, life } of the plan on screen

const monthIndex = (ym) => {
  const m = /^(\d{4})-(\d{2})/.exec(ym || '');
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
};
const monthOf = (k) => `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;

// The plan being drafted: one in a drafting stage, else the newest plan
// that is not archived (an adopted new plan keeps its finished timeline).
function draftingPlan(plans) {
  const drafting = ['draft', 'proposal', 'public_comment'];
  const order = [...plans].sort((a, b) => (drafting.includes(b.state) - drafting.includes(a.state)) || b.id - a.id);
  const p = order[0];
  return p && p.state !== 'archived' && (drafting.includes(p.state) || plans.length > 1) ? p : null;
}

export async function loadTimeline(plans, c) {
  ctx = c;
  const list = $('#timeline');
  const plan = draftingPlan(plans);
  if (!plan) {
    replace($('#timeline-plan'), '策定中の計画はありません。');
    list.setAttribute('aria-busy', 'false');
    return;
  }
  await reload(plan.id);
}

async function reload(planId) {
  const list = $('#timeline');
  list.setAttribute('aria-busy', 'true');
  try {
    const [m, life] = await Promise.all([get(`/api/plans/${planId}/milestones`), get(`/api/plans/${planId}/transitions`)]);
    shown = { milestones: m, life };
    rerenderTimeline();
  } catch (err) {
    replace($('#timeline-plan'), '策定スケジュールを表示できません。');
    ctx.showError('策定スケジュールを読み込めませんでした。', err);
  } finally {
    list.setAttribute('aria-busy', 'false');
  }
}

// Again with what was loaded: after a sign-in or sign-out.
export function rerenderTimeline() {
  if (!shown) return;
  renderLifecycle(shown.life);
  renderGantt(shown.milestones);
  document.body.dataset.timelineReady = 'true';
}

// 2025年8月, 2025年9月～10月, 2025年11月～ when the API has no printed text.
function whenText(it) {
  if (it.planned_text) return it.planned_text;
  const [y, m] = it.planned_month.split('-').map(Number);
  let s = `${y}年${m}月`;
  if (it.planned_end_month && it.planned_end_month !== it.planned_month) {
    const [y2, m2] = it.planned_end_month.split('-').map(Number);
    s += `～${y2 === y ? '' : `${y2}年`}${m2}月`;
  } else if (it.open_ended) s += '～';
  return s;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function renderGantt(m) {
  replace($('#timeline-plan'), h('strong', {}, m.plan.title), ' の策定スケジュール');
  const items = m.items;
  if (items.length === 0) {
    replace($('#timeline'), h('li', { class: 'empty' }, '予定はまだ登録されていません。'));
    return;
  }
  const today = monthIndex(m.today);
  const starts = items.map((i) => monthIndex(i.planned_month));
  const ends = items.map((i) => monthIndex(i.planned_end_month) ?? monthIndex(i.planned_month));
  const first = Math.min(...starts, today);
  const last = Math.max(...ends, today);
  const span = last - first + 1;
  const [, , day] = m.today.split('-').map(Number);
  // Today within its month: the line sits in today's column, by the day.
  const todayX = (today - first + (day - 0.5) / 31) * UNIT;

  const track = (it) => {
    const s = monthIndex(it.planned_month) - first;
    const e = it.open_ended ? span - 1 : (monthIndex(it.planned_end_month) ?? monthIndex(it.planned_month)) - first;
    const chart = svg('svg', { class: 'gantt-track', viewBox: `0 0 ${span * UNIT} 10`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
    for (let k = 1; k < span; k++) chart.append(svg('line', { class: 'gantt-grid', x1: k * UNIT, x2: k * UNIT, y1: 0, y2: 10, 'vector-effect': 'non-scaling-stroke' }));
    const cls = ['gantt-bar', `gantt-${it.state}`];
    if (it.overdue) cls.push('gantt-overdue');
    if (it.open_ended) cls.push('gantt-open');
    chart.append(svg('rect', { class: cls.join(' '), x: s * UNIT + 0.5, y: 2, width: Math.max((e - s + 1) * UNIT - 1, 1), height: 6, rx: 1 }));
    chart.append(svg('line', { class: 'gantt-today', x1: todayX, x2: todayX, y1: 0, y2: 10, 'vector-effect': 'non-scaling-stroke', 'data-month': m.today.slice(0, 7) }));
    return chart;
  };

  const rows = items.map((it) => h('li', {
    class: `milestone milestone-${it.state}${it.overdue ? ' milestone-overdue' : ''}`,
    dataset: { state: it.state, computedState: it.computed_state, milestoneId: it.id },
  },
  h('time', { class: 'ms-when', datetime: it.planned_month }, whenText(it)),
  h('div', { class: 'ms-body' },
    h('span', { class: 'ms-title' }, it.title),
    h('span', { class: `ms-state ms-state-${it.state}` }, MILESTONE_STATES[it.state] || it.state),
    it.overdue ? h('span', { class: 'ms-overdue' }, '期限超過') : null,
    it.open_ended ? h('span', { class: 'ms-open' }, '以降継続') : null,
    it.actual_date ? h('span', { class: 'ms-actual' }, `実績：${it.actual_date}`) : null,
    it.owner_department ? h('span', { class: 'ms-owner' }, it.owner_department.name) : null,
    it.completes ? h('span', { class: 'ms-completes' }, `完了すると計画は「${PLAN_STATES[it.completes] || it.completes}」へ`) : null,
    it.notes ? h('p', { class: 'ms-notes' }, it.notes) : null,
    adminControls(it)),
  h('div', { class: 'ms-chart' }, track(it))));

  const ruler = [];
  for (let k = first; k <= last; k++) {
    const month = (k % 12) + 1;
    const label = month === 1 || k === first ? `${Math.floor(k / 12)}年${month}月` : `${month}月`;
    ruler.push(h('span', {
      class: `ruler-month${k === today ? ' ruler-today' : ''}`,
      dataset: { month: monthOf(k) },
      style: { left: `${((k - first) / span) * 100}%`, width: `${100 / span}%` },
    }, label));
  }
  const rulerRow = h('li', { class: 'ruler', 'aria-hidden': 'true', role: 'presentation' },
    h('span', { class: 'ms-when' }), h('span', { class: 'ms-body' }), h('div', { class: 'ms-chart ruler-track' }, ruler));
  const next = m.next.length ? h('li', { class: 'gantt-next' },
    h('span', { class: 'ms-when' }, '次の予定'),
    h('span', { class: 'ms-body' }, m.next.map((n) => `${n.title}（${whenText(n)}）`).join('、'))) : null;
  const legend = h('li', { class: 'gantt-legend' },
    h('span', { class: 'ms-when' }, '凡例'),
    h('span', { class: 'ms-body' },
      h('span', { class: 'legend-key key-planned' }, '予定'), h('span', { class: 'legend-key key-in_progress' }, '実施中'),
      h('span', { class: 'legend-key key-done' }, '完了'), h('span', { class: 'legend-key key-overdue' }, '期限超過'),
      h('span', { class: 'legend-key key-today' }, `今日（${m.today}）`)));
  replace($('#timeline'), rulerRow, rows, next, legend);
}

// ---- admin controls ----------------------------------------------------------

function adminControls(it) {
  if (!ctx.isAdmin() || it.state === 'done' || it.state === 'cancelled') return null;
  return h('span', { class: 'ms-actions' },
    h('button', { type: 'button', class: 'button button-small ms-done', onclick: () => openDone(it) }, '完了にする'));
}

function todayTokyo() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
}

let doneTarget = null;
function openDone(it) {
  doneTarget = it;
  replace($('#ms-done-title'), it.title);
  $('#ms-done-date').value = shown?.milestones.today || todayTokyo();
  $('#ms-done-error').hidden = true;
  $('#ms-done-dialog').showModal();
}

async function submitDone(e) {
  e.preventDefault();
  const it = doneTarget;
  const date = $('#ms-done-date').value;
  const err = $('#ms-done-error');
  if (!it) return;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    replace(err, '完了日を入力してください。');
    err.hidden = false;
    return;
  }
  const r = await request('PATCH', `/api/milestones/${it.id}`, {
    body: { state: 'done', actual_date: date }, headers: { 'If-Match': `"${it.version}"` }, raw: true,
  });
  if (r.status === 200) {
    $('#ms-done-dialog').close();
    ctx.notice(`「${it.title}」を完了にしました。`);
  } else {
    const ae = new ApiError(r.status, r.body);
    replace(err, r.status === 409 ? 'ほかの人が先にこの予定を変更しました。最新の内容を表示します。' : japanese(ae));
    err.hidden = false;
    if (r.status !== 409) return;
  }
  await reload(shown.milestones.plan.id);
}

function renderLifecycle(life) {
  const box = $('#plan-lifecycle');
  if (!box) return;
  const p = life.plan;
  const steps = life.items.length ? h('ol', { class: 'plan-steps' }, life.items.map((s) => h('li', {},
    `${s.at.slice(0, 10)} ${PLAN_STATES[s.from] || s.from} → ${PLAN_STATES[s.to] || s.to}`,
    s.by ? `（${s.by.display_name}）` : '', s.reason ? `：${s.reason}` : ''))) : null;
  const form = ctx.isAdmin() && life.next.length ? stepForm(life) : null;
  replace(box,
    h('p', { class: 'plan-stage' }, '計画の段階：', h('strong', { id: 'plan-state', dataset: { state: p.state } }, PLAN_STATES[p.state] || p.state),
      p.adopted ? `（策定 ${p.adopted}）` : ''),
    steps, form);
}

function stepForm(life) {
  const select = h('select', { id: 'step-to', name: 'to' }, life.next.map((n) => h('option', { value: n.to }, STEP_LABELS[n.to] || n.to)));
  const reason = h('input', { id: 'step-reason', name: 'reason', maxlength: '2000' });
  const month = h('input', { id: 'step-month', name: 'adopted_month', type: 'month' });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'step-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'step-to' }, '次の段階'), select),
    h('div', { class: 'field' }, h('label', { for: 'step-reason' }, '理由（戻すときは必須）'), reason),
    h('div', { class: 'field' }, h('label', { for: 'step-month' }, '策定年月（策定するとき）'), month),
    h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'button' }, '段階を進める')),
    err);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const to = select.value;
    const need = life.next.find((n) => n.to === to)?.reason_required;
    if (need && isBlank(reason.value)) {
      replace(err, '戻すときは、理由を入力してください。');
      err.hidden = false;
      return;
    }
    const body = { to, reason: reason.value };
    if (to === 'adopted' && month.value) body.adopted_month = month.value;
    const r = await request('POST', `/api/plans/${life.plan.id}/transitions`, {
      body, headers: { 'If-Match': `"${life.plan.version}"` }, raw: true,
    });
    if (r.status !== 201) {
      const ae = new ApiError(r.status, r.body);
      replace(err, r.status === 409 ? 'ほかの人が先に計画の段階を変えました。最新の内容を表示します。' : japanese(ae));
      err.hidden = false;
      if (r.status !== 409) return;
    } else ctx.notice(`計画を「${PLAN_STATES[to] || to}」にしました。`);
    await reload(life.plan.id);
  });
  return form;
}

export function initTimelineControls() {
  $('#ms-done-form').addEventListener('submit', submitDone);
}

// The admin page's section for a draft plan's own terms (sql/014): the
// names of its 2 to 4 levels, the format of its codes and its evaluation
// scale, with an optional second one (sql/015). PUT /api/plans/{id}/scheme while the plan is a draft without
// yearly records; once it has them, the definition is shown, fixed.
// admin.js passes its message helpers; everything is inserted as text.
import { request } from './api.js';
import { h, replace, $ } from './dom.js';

const MAX_LEVELS = 4;
let ui = null;
let plans = [];

const val = (el) => el.value.trim();

function levelRow(i, level) {
  return h('tr', { dataset: { depth: i + 1 } },
    h('th', { scope: 'row' }, `第${i + 1}階層`),
    h('td', {}, h('input', { class: 'lv-name', maxlength: 20, value: level?.name || '', 'aria-label': `第${i + 1}階層の名前` })),
    h('td', {}, h('input', { class: 'lv-pattern', maxlength: 200, value: level?.code_pattern || '', 'aria-label': `第${i + 1}階層のコードの形式（正規表現）` })),
    h('td', {}, h('input', { class: 'lv-desc', maxlength: 100, value: level?.code_description || '', 'aria-label': `第${i + 1}階層のコードの説明` })));
}

function scaleRow(s = {}) {
  const row = h('tr', { class: 'scale-row' },
    h('td', {}, h('input', { class: 'sc-key', maxlength: 20, value: s.key || '', 'aria-label': 'キー（英小文字）' })),
    h('td', {}, h('input', { class: 'sc-mark', maxlength: 4, value: s.mark || '', 'aria-label': '記号' })),
    h('td', {}, h('input', { class: 'sc-short', maxlength: 20, value: s.short || '', 'aria-label': '短い名前' })),
    h('td', {}, h('input', { class: 'sc-label', maxlength: 200, value: s.label || '', 'aria-label': '凡例' })),
    h('td', {}, h('input', { class: 'sc-reason', type: 'checkbox', checked: !!s.reason_required, 'aria-label': '理由が必要' })),
    h('td', {}, h('input', { class: 'sc-late', type: 'checkbox', checked: !!s.counts_as_late, 'aria-label': '遅れとして数える' })),
    h('td', {}, h('input', { class: 'sc-rate', type: 'number', min: 0, max: 1000, step: 'any', value: s.min_rate ?? '', 'aria-label': '達成率のしきい値（％）' })),
    h('td', {}, h('button', { type: 'button', class: 'button button-small sc-remove' }, '削除')));
  row.querySelector('.sc-remove').addEventListener('click', () => row.remove());
  return row;
}

function render(plan) {
  const sc = plan?.scheme || {};
  const fixed = !!sc.fixed;
  $('#scheme-name').value = sc.name || '';
  $('#scheme-scale-name').value = sc.scale_name || '';
  const levels = sc.levels || [];
  replace($('#scheme-levels'), Array.from({ length: MAX_LEVELS }, (_, i) => levelRow(i, levels[i])));
  replace($('#scheme-scale'), (sc.scale || []).map(scaleRow));
  $('#scheme-scale2-name').value = sc.scale2_name || '';
  replace($('#scheme-scale2'), (sc.scale2 || []).map(scaleRow));
  $('#scheme-fixed').hidden = !fixed;
  for (const el of $('#scheme-form').querySelectorAll('input, button')) el.disabled = fixed;
  $('#scheme-plan').disabled = false;
}

// The rows of one scale's table, in order.
function scaleRows(tbody) {
  return [...$(tbody).querySelectorAll('tr')].map((tr) => {
    const rate = val(tr.querySelector('.sc-rate'));
    return {
      key: val(tr.querySelector('.sc-key')), mark: val(tr.querySelector('.sc-mark')),
      short: val(tr.querySelector('.sc-short')), label: val(tr.querySelector('.sc-label')),
      reason_required: tr.querySelector('.sc-reason').checked,
      counts_as_late: tr.querySelector('.sc-late').checked,
      min_rate: rate === '' ? null : Number(rate),
    };
  });
}

// The definition as the API takes it: the named levels, top first; each
// scale's rows in order.
function definition() {
  const levels = [...$('#scheme-levels').querySelectorAll('tr')]
    .map((tr) => ({ name: val(tr.querySelector('.lv-name')), code_pattern: val(tr.querySelector('.lv-pattern')), code_description: val(tr.querySelector('.lv-desc')) }))
    .filter((l) => l.name !== '')
    .map((l) => (l.code_pattern || l.code_description ? l : { name: l.name }));
  const def = { name: val($('#scheme-name')), scale_name: val($('#scheme-scale-name')), levels, scale: scaleRows('#scheme-scale') };
  const scale2 = scaleRows('#scheme-scale2');
  const scale2Name = val($('#scheme-scale2-name'));
  // A second scale only when it is named or has levels: the API then
  // checks that it has both.
  if (scale2Name !== '' || scale2.length) Object.assign(def, { scale2_name: scale2Name, scale2 });
  return def;
}

const selected = () => plans.find((p) => String(p.id) === $('#scheme-plan').value) || null;

async function load() {
  const all = (await request('GET', '/api/plans')).items || [];
  plans = all.filter((p) => p.state === 'draft');
  const sel = $('#scheme-plan');
  const was = sel.value;
  replace(sel, plans.map((p) => h('option', { value: p.id }, p.title)));
  if (plans.some((p) => String(p.id) === was)) sel.value = was;
  $('#scheme-empty').hidden = plans.length > 0;
  $('#scheme-form').hidden = plans.length === 0;
  if (plans.length) render(selected());
}

async function save(e) {
  e.preventDefault();
  const plan = selected();
  if (!plan) return;
  await ui.busy($('#scheme-save'), '計画の定義を保存できませんでした。', async () => {
    const scheme = await request('PUT', `/api/plans/${plan.id}/scheme`, { body: definition() });
    plan.scheme = scheme;
    render(plan);
    $('#scheme-status').textContent = `「${plan.title}」の定義を保存しました。`;
    ui.notice('計画の定義（階層・コードの形式・評価の区分）を保存しました。');
  });
}

export async function initSchemeAdmin(helpers) {
  ui = helpers;
  $('#scheme-plan').addEventListener('change', () => render(selected()));
  $('#scheme-add').addEventListener('click', () => $('#scheme-scale').append(scaleRow()));
  $('#scheme-add2').addEventListener('click', () => $('#scheme-scale2').append(scaleRow()));
  $('#scheme-form').addEventListener('submit', save);
  try {
    await load();
  } catch (err) {
    ui.showError('計画の定義を読み込めませんでした。', err);
  }
}

// Talking to /api/: JSON in and out, errors turned into ApiError with a
// Japanese message for the people using the page. No data is ever inserted
// as HTML anywhere in the front end; see dom.js.

// One Japanese message for every code the server sends (src/api, src/http,
// src/db/refusal.c, the import, nginx); tests/integration/messages.test.mjs
// walks the sources and fails on a code or field missing here.
export const MESSAGES = {
  bad_credentials: 'ログイン ID またはパスワードが違います。',
  too_many_attempts: 'ログインの失敗が続いたため、しばらくログインできません。',
  unauthenticated: 'ログインしていないか、ログインの有効期限が切れています。もう一度ログインしてください。',
  csrf: '画面の情報が古くなっています。ページを再読み込みしてから、もう一度お試しください。',
  forbidden: 'この操作を行う権限がありません。',
  not_found: '対象のデータが見つかりません。',
  bad_parameter: '検索条件に誤りがあります。',
  bad_field: '入力内容に誤りがあります。',
  bad_body: '入力内容に誤りがあります。',
  bad_request: '送信内容に誤りがあります。ページを再読み込みしてください。',
  bad_header: '送信内容に誤りがあります。ページを再読み込みしてください。',
  precondition_required: '送信内容に誤りがあります。ページを再読み込みしてください。',
  pending_request: 'この取組には、すでに承認待ちの申請があります。',
  not_pending: 'この申請は、すでに処理されています。',
  conflict: 'ほかの人が先に変更しました。',
  scheme_fixed: '年度の記録がある計画の階層・コードの形式・評価の区分は変更できません。',
  locked: 'この年度は締め切られているため、変更できません。',
  plan_readonly: '策定済み（または廃止済み）の計画の構成は変更できません。',
  not_draft: '策定中の計画だけを編集できます。',
  has_records: '年度の記録がある取組は削除できません。',
  has_indicators: '成果指標がある目標は削除できません。',
  has_proposals: '承認待ちの取組提案がある施策は削除できません。',
  import_problems: '取り込むファイルに問題があります。何も取り込んでいません。',
  constraint: '入力内容が登録ルールに合いません。',
  too_large: '入力内容が長すぎます。',
  unsupported_media_type: '送信内容の形式に誤りがあります。',
  method_not_allowed: 'この操作はできません。',
  timeout: '処理に時間がかかりすぎたため中止しました。しばらくしてから、もう一度お試しください。',
  busy: '混み合っています。もう一度お試しください。',
  commit_unknown: '保存できたかどうかを確認できませんでした。ページを再読み込みして、内容が保存されているかを確かめてください。',
  db_unavailable: 'データベースに一時的に接続できません。しばらくしてから、もう一度お試しください。',
  unavailable: 'サーバーが一時的に応答していません。しばらくしてから、もう一度お試しください。',
  internal: 'サーバーで予期しないエラーが発生しました。管理者に連絡してください。',
};

// A rule of one field, said precisely (the server's own words are English).
const RULES = {
  'bad_field:password': 'パスワードは10文字以上にしてください。',
  'bad_field:login': 'ログイン ID は、半角の英小文字・数字・「.」「_」「-」で2〜40文字にしてください（先頭は英小文字か数字）。',
  'bad_field:current_password': 'ご自身のパスワードを変更するには、現在のパスワードを入力してください。',
  'bad_credentials:current_password': '現在のパスワードが違います。',
  'forbidden:role': 'ご自身の権限は変更できません。',
  'forbidden:active': 'ご自身のアカウントは無効にできません。',
  'bad_field:due_date': '期限は正しい日付（例：2025-05-31）で入力してください。',
};

// Japanese names of every field and parameter the API may name in an error.
export const FIELDS = {
  result: '取組結果',
  plan_next: '翌年度以降の取組予定',
  change_reason: 'スケジュールの変更理由',
  reason: '理由',
  status: '進捗状況',
  levels: '階層',
  code_pattern: 'コードの形式',
  code_description: 'コードの説明',
  scale: '評価の区分',
  scale_name: '評価の名前',
  scales: '評価',
  status2: '二つ目の評価',
  comment: 'コメント',
  decision: '承認・差戻し',
  login: 'ログイン ID',
  password: 'パスワード',
  current_password: '現在のパスワード',
  display_name: '氏名',
  role: '権限',
  active: '利用状態',
  department_id: '所管課',
  department: '所管課',
  owner_department_id: '担当課',
  q: '検索語',
  fy: '年度',
  fiscal_year: '年度',
  locked: 'ロック',
  due_date: '期限',
  plan: '計画',
  goal: '目標',
  goal_id: '目標',
  measure: '施策',
  measure_id: '施策',
  id: '番号',
  number: '番号',
  code: '施策コード',
  name: '名前',
  title: '件名',
  text: '本文',
  note: '注記',
  notes: '備考',
  unit: '単位',
  value: '値',
  kind: '種類',
  position: '順番',
  state: '状態',
  to: '移行先の段階',
  accept: '承認・見送り',
  completes: '完了',
  adopted_month: '策定年月',
  planned_month: '予定月',
  planned_end_month: '終了予定月',
  planned_text: '予定の表記',
  open_ended: '終了時期を定めない',
  actual_date: '完了日（実績）',
  starts_on: '開始日',
  ends_on: '終了日',
  held_on: '開催日',
  submitters: '提出者数',
  opinions: '意見数',
  participants: '参加者数',
  place: '会場',
  online: 'オンライン開催',
  topic: '項目',
  summary: '意見の概要',
  answer: '区の考え方',
  outcome: '反映状況',
  count: '意見数',
  entity: '対象',
  with: '比較対象',
  limit: '表示件数',
  offset: '表示位置',
  decided: '承認済みとして取り込む',
  dry_run: '確認のみ',
  'If-Match': '版',
  'X-CSRF-Token': '画面の情報',
  'Content-Length': '送信内容の長さ',
};

// A message from the server that people can read as it is: Japanese, and
// no identifier, constraint name or English (ID, CSV and UTF-8 are words
// of the screen too).
export function readable(m) {
  if (typeof m !== 'string' || !/[\u3040-\u30ff\u4e00-\u9fff]/.test(m)) return false;
  return !/[A-Za-z]/.test(m.replace(/\b(?:ID|CSV|UTF-8)\b/g, ''));
}

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : null;
    const code = e && typeof e.code === 'string' ? e.code : (status >= 500 ? 'unavailable' : 'internal');
    const field = e && typeof e.field === 'string' ? e.field : null;
    // The server's own words when they are Japanese (the database's rules
    // say what is wrong more precisely), else the code's, naming the field.
    let message;
    if (e && readable(e.message)) message = e.message;
    else if (RULES[`${code}:${field}`]) message = RULES[`${code}:${field}`];
    else {
      message = MESSAGES[code] || `エラーが発生しました（${status}）。`;
      if (field && FIELDS[field]) message = message.replace(/。?$/, `（${FIELDS[field]}）。`);
    }
    if (code === 'too_many_attempts' && retryAfter) message += `${retryAfter}秒後に、もう一度お試しください。`;
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.detail = e && typeof e.message === 'string' ? e.message : '';
    this.body = body;
  }
}

let csrfToken = null;
export const setCsrf = (t) => { csrfToken = t; };

// request('GET', '/api/plans') → parsed JSON, or throws ApiError.
// opts: body (object), headers, raw (resolve {status, body, headers} for
// every status instead of throwing on errors).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let r;
  try {
    r = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, { error: { code: 'unavailable', message: 'network error' } });
  }
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  if (opts.raw) return { status: r.status, body, headers: r.headers };
  if (!r.ok) throw new ApiError(r.status, body, r.headers.get('Retry-After'));
  if (body === null) throw new ApiError(502, null);
  return body;
}

export const get = (path) => request('GET', path);

// A query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

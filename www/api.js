// Talking to /api/: JSON in and out, errors turned into ApiError with a
// Japanese message for the people using the page. No data is ever inserted
// as HTML anywhere in the front end; see dom.js.

const MESSAGES = {
  bad_credentials: 'ログイン ID またはパスワードが違います。',
  too_many_attempts: 'ログインの失敗が続いたため、しばらくログインできません。',
  unauthenticated: 'ログインしていないか、ログインの有効期限が切れています。もう一度ログインしてください。',
  csrf: '画面の情報が古くなっています。ページを再読み込みしてから、もう一度お試しください。',
  forbidden: 'この操作を行う権限がありません。',
  not_found: '対象のデータが見つかりません。',
  bad_parameter: '検索条件に誤りがあります。',
  bad_field: '入力内容に誤りがあります。',
  bad_body: '入力内容に誤りがあります。',
  bad_header: '送信内容に誤りがあります。ページを再読み込みしてください。',
  precondition_required: '送信内容に誤りがあります。ページを再読み込みしてください。',
  pending_request: 'この取組には、すでに承認待ちの申請があります。',
  not_pending: 'この申請は、すでに処理されています。',
  conflict: 'ほかの人が先に変更しました。',
  constraint: '入力内容が登録ルールに合いません。',
  too_large: '入力内容が長すぎます。',
  unsupported_media_type: '送信内容に誤りがあります。',
  method_not_allowed: 'この操作はできません。',
  db_unavailable: 'データベースに一時的に接続できません。しばらくしてから、もう一度お試しください。',
  unavailable: 'サーバーが一時的に応答していません。しばらくしてから、もう一度お試しください。',
  internal: 'サーバーで予期しないエラーが発生しました。管理者に連絡してください。',
};

// Japanese names of the fields the API may name in an error.
const FIELDS = {
  result: '取組結果',
  plan_next: '翌年度以降の取組予定',
  change_reason: 'スケジュールの変更理由',
  reason: '理由',
  status: '進捗状況',
  comment: 'コメント',
  login: 'ログイン ID',
  password: 'パスワード',
  q: '検索語',
};

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : null;
    const code = e && typeof e.code === 'string' ? e.code : (status >= 500 ? 'unavailable' : 'internal');
    let message = MESSAGES[code] || `エラーが発生しました（${status}）。`;
    if (code === 'too_many_attempts' && retryAfter) message += `${retryAfter}秒後に、もう一度お試しください。`;
    const field = e && typeof e.field === 'string' ? e.field : null;
    if (field && FIELDS[field]) message += `（${FIELDS[field]}）`;
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

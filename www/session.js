// The header of the activity page and the dashboard: who is signed in (GET
// /api/session, asked only when account.js left its flag), the user box and
// signing out. Signing in itself happens on the portal's dialog
// (index.html?next=…), which comes back here afterwards.
import { request, setCsrf, ApiError } from './api.js';
import { replace, $ } from './dom.js';

const ROLES = { viewer: '閲覧者', staff: '担当職員', manager: '管理職', admin: 'システム管理者' };
const HINT = 'shinchoku.signedIn'; // the same flag as account.js

function hasHint() {
  try { return localStorage.getItem(HINT) === '1'; } catch { return false; }
}

function dropHint() {
  try { localStorage.removeItem(HINT); } catch { /* storage off */ }
}

// Where a sign-in on the portal leads when no page asked for it: the
// dashboard (the first screen of the day), unless this browser's user chose
// the list instead (the check box on the dashboard).
const LANDING = 'shinchoku.landing';
export function landsOnDashboard() {
  try { return localStorage.getItem(LANDING) !== 'list'; } catch { return true; }
}
export function setLandsOnDashboard(on) {
  try {
    if (on) localStorage.removeItem(LANDING);
    else localStorage.setItem(LANDING, 'list');
  } catch { /* storage off: the default stays */ }
}

// The portal's sign-in, coming back to this page (path and query) after.
export const signInHref = () => `index.html?next=${encodeURIComponent(location.pathname.replace(/^.*\//, '') + location.search)}`;

// Resolves to the signed-in user or null; throws ApiError when the
// session could not be checked (the server answered neither 200 nor 401).
export async function readSession() {
  if (!hasHint()) return null;
  const r = await request('GET', '/api/session', { raw: true });
  if (r.status === 200 && r.body && r.body.user) {
    setCsrf(r.body.csrf_token);
    return r.body.user;
  }
  if (r.status === 401) {
    dropHint();
    return null;
  }
  throw new ApiError(r.status, r.body);
}

// Fills the header: the user box with sign-out, or the sign-in link; the
// admin link for admins. onError(text, err) reports a failed sign-out.
export function showAccount(user, onError) {
  $('#signin-link').href = signInHref();
  $('#signin-link').hidden = user !== null;
  $('#user-box').hidden = user === null;
  if ($('#nav-admin')) $('#nav-admin').hidden = user?.role !== 'admin';
  if (!user) return;
  document.body.dataset.role = user.role;
  replace($('#user-name'), user.display_name || user.login);
  replace($('#user-meta'), [ROLES[user.role] || user.role, user.department?.name].filter(Boolean).join('・'));
  $('#signout').addEventListener('click', async () => {
    const r = await request('DELETE', '/api/session', { raw: true });
    if (r.status !== 200 && r.status !== 401 && r.status !== 403) {
      onError('ログアウトできませんでした。', new ApiError(r.status, r.body));
      return;
    }
    dropHint();
    location.assign('index.html');
  });
}

// One error line per failed part of the page (#error, #error-text).
const errors = new Map();
export function showError(context, err) {
  const text = err instanceof ApiError ? err.message : '予期しないエラーが発生しました。ページを再読み込みしてください。';
  errors.set(context, `${context}${text}`);
  replace($('#error-text'), [...errors.values()].join(' '));
  $('#error').hidden = false;
}

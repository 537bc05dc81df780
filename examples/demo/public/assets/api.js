// A small client for Gatehouse's HTTP contract, as a browser app would write one.
//
// Tokens: the access token and the refresh token are kept in this tab's sessionStorage, so a
// reload keeps you logged in and closing the tab forgets them. (On HTTPS, the router's
// `refreshCookie` option can keep the refresh token in an HttpOnly cookie instead, out of
// reach of scripts.) An expired access token is renewed once with the refresh token, which
// rotates on every use.

const STORAGE_KEY = 'gatehouse-demo-session';

/** An error answer of the API: `{ error: { code, message, fields?, retryAfter? } }`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ code?: string, message?: string, fields?: { field: string, code: string, message: string }[], retryAfter?: number }} error
   */
  constructor(status, error) {
    super(error.message || `Request failed (${status}).`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || 'UNKNOWN';
    this.fields = Array.isArray(error.fields) ? error.fields : [];
    this.retryAfter = typeof error.retryAfter === 'number' ? error.retryAfter : null;
  }
}

/** @returns {{ accessToken: string, refreshToken: string, expiresAt: number } | null} */
function readSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    return stored && typeof stored.accessToken === 'string' && typeof stored.refreshToken === 'string' ? stored : null;
  } catch {
    return null;
  }
}

let session = readSession();
const listeners = new Set();

/** Calls `listener(loggedIn, reason)` whenever the session starts or ends; `reason` is what `endSession` was told. */
export function onSessionChange(listener) {
  listeners.add(listener);
}

export function isLoggedIn() {
  return session !== null;
}

/** Keeps the tokens of a login (or a refresh). */
export function startSession(tokens) {
  const was = session !== null;
  session = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  if (!was) for (const listener of listeners) listener(true);
}

/**
 * Forgets the tokens (the server side is ended by the caller, if it still can be).
 *
 * @param {'logout' | 'expired' | 'reset'} reason
 */
export function endSession(reason) {
  const was = session !== null;
  session = null;
  sessionStorage.removeItem(STORAGE_KEY);
  if (was) for (const listener of listeners) listener(false, reason);
}

async function send(method, path, body, accessToken) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: 'Could not reach the server. Is the demo still running?' });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = (json && json.error) || { code: 'HTTP_ERROR', message: `The server answered ${response.status}.` };
    if (error.retryAfter === undefined && response.headers.has('retry-after')) error.retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(response.status, error);
  }
  return json && 'data' in json ? json.data : json;
}

let refreshing = null;

/** Trades the refresh token for new tokens; one refresh at a time, whoever asks. */
function refreshTokens() {
  refreshing ??= (async () => {
    const current = session;
    if (!current) throw new ApiError(401, { code: 'UNAUTHENTICATED', message: 'Log in to continue.' });
    try {
      const data = await send('POST', '/auth/token/refresh', { refreshToken: current.refreshToken });
      startSession(data.tokens);
    } catch (error) {
      // Only a refused token ends the session here; a network error or a 503 may pass.
      if (error instanceof ApiError && error.status === 401) endSession('expired');
      throw error;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const RENEWABLE = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_INVALID']);

/**
 * Calls the API. With `auth: true` the access token is sent, renewed first when it is about
 * to expire, and renewed once more if the server refuses it as expired.
 *
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, auth?: boolean }} [options]
 */
export async function api(method, path, options = {}) {
  if (!options.auth) return send(method, path, options.body);
  if (!session) throw new ApiError(401, { code: 'UNAUTHENTICATED', message: 'Log in to continue.' });
  if (session.expiresAt - Date.now() < 15_000) await refreshTokens();
  try {
    return await send(method, path, options.body, session?.accessToken);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || !RENEWABLE.has(error.code) || !session) throw error;
    await refreshTokens();
    return send(method, path, options.body, session?.accessToken);
  }
}

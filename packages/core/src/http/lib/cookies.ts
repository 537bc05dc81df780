import type { TokenPair } from '../../sessions/sessions.js';
import { HttpError } from '../http-error.js';

/** The value of one cookie in a `Cookie` header, or `undefined`. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    return value.length > 0 ? value : undefined;
  }
  return undefined;
}

/**
 * A `Set-Cookie` value for the refresh token. `__Host-` cookies must be `Secure`, have
 * `Path=/` and no `Domain`; `HttpOnly` keeps scripts away from it, `SameSite=Strict` keeps
 * other sites' requests from carrying it.
 */
export function refreshCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Strict`;
}

/** A `Set-Cookie` value that removes the refresh-token cookie. */
export function clearedCookie(name: string): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** The refresh-token cookie of the HTTP options, or `null` when tokens travel in bodies only. */
export interface RefreshCookieConfig {
  name: string;
  allowedOrigins: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The refresh token the request's cookie carries, after the CSRF check: a state-changing
 * request that carries the cookie must come from an allowed `Origin`.
 * @throws HttpError `ORIGIN_NOT_ALLOWED`.
 */
export function cookieToken(cookie: RefreshCookieConfig | null, cookieHeader: string | undefined, origin: string | undefined, method: string): string | undefined {
  if (!cookie) return undefined;
  const token = readCookie(cookieHeader, cookie.name);
  if (token === undefined || SAFE_METHODS.has(method)) return token;
  if (origin === undefined || !cookie.allowedOrigins.includes(origin)) throw new HttpError('ORIGIN_NOT_ALLOWED');
  return token;
}

/** The `Set-Cookie` headers for tokens handed out (or for a session that ended, `clear`). */
export function cookieHeaders(cookie: RefreshCookieConfig | null, tokens: TokenPair | null | undefined, clear: boolean, now: Date): Record<string, string[]> {
  if (!cookie) return {};
  if (tokens && tokens.refreshToken !== '') {
    const maxAge = (tokens.refreshTokenExpiresAt.getTime() - now.getTime()) / 1000;
    return { 'set-cookie': [refreshCookie(cookie.name, tokens.refreshToken, maxAge)] };
  }
  return clear ? { 'set-cookie': [clearedCookie(cookie.name)] } : {};
}

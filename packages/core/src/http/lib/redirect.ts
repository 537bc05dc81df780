import { AuthError } from '../../errors.js';
import type { HttpResponse } from '../types.js';

/**
 * The URL to redirect to, or `null` when `target` does not resolve to an allowed origin.
 *
 * The target is resolved the way a browser would (against `base`), and the result's origin is
 * compared: so `//evil.example`, `/\evil.example`, `\/evil.example`, tabs or newlines inside
 * the scheme, and `javascript:` URLs all fail, whatever their spelling.
 */
export function safeRedirect(target: string, base: string, allowedOrigins: readonly string[]): string | null {
  // Control characters are stripped by URL parsers, which is how look-alike targets are built.
  if (target.length === 0 || target.length > 2048 || /[\u0000-\u001f\u007f]/.test(target)) return null;
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return allowedOrigins.includes(url.origin) ? url.href : null;
}

/** The origin of a URL, or `null` when it is not an absolute http(s) URL. */
export function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Where the emailed-link routes send the browser (`linkRedirect`). */
export interface LinkRedirectConfig {
  success: string;
  failure: string;
  allowedOrigins: string[];
  base: string;
}

/**
 * The 303 that answers an emailed link in redirect mode: to `?redirect=` when it is an allowed
 * target, else to the success or failure page, with `?error=<CODE>` on failure. `null` when the
 * route answers JSON (not a link, no redirect configured, or an unexpected error).
 */
export function linkRedirect(config: LinkRedirectConfig | null, isLink: boolean, query: URLSearchParams, error: unknown): HttpResponse | null {
  if (!isLink || !config) return null;
  const requested = query.get('redirect');
  const target = (requested === null ? null : safeRedirect(requested, config.base, config.allowedOrigins)) ?? (error === null ? config.success : config.failure);
  const url = new URL(target);
  if (error !== null) {
    if (!(error instanceof AuthError)) return null;
    url.searchParams.set('error', error.code);
  }
  return { status: 303, headers: { location: url.href, 'cache-control': 'no-store' }, body: null };
}

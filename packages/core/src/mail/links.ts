import type { AuthContext } from '../context.js';

// Every emailed link is built here, from the configured `appUrl` only: nothing in a request
// (its Host header, an Origin, a redirect parameter) can point a link at another site.

function base(ctx: AuthContext, path: string): URL {
  // `appUrl` is required whenever a mailer is configured; the placeholder only serves flows
  // that run without one, whose links are never sent.
  return new URL(`${ctx.config.appUrl ?? 'http://localhost'}${path}`);
}

/** `appUrl` + `path` + `/` + `token`: the style of `GET /verify-email/:token`. */
export function pathLink(ctx: AuthContext, path: string, token: string): string {
  const url = base(ctx, path);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(token)}`;
  return url.href;
}

/** `appUrl` + `path` + `?token=` + `token`: the style of an app's reset page. */
export function queryLink(ctx: AuthContext, path: string, token: string): string {
  const url = base(ctx, path);
  url.searchParams.set('token', token);
  return url.href;
}

/** The app's password-reset page without a token, for notices that point an owner at it. */
export function resetPageUrl(ctx: AuthContext): string {
  return base(ctx, ctx.config.passwordReset.linkPath).href;
}

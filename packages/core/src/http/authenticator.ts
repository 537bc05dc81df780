import type { Auth } from '../create-auth.js';
import { AuthError } from '../errors.js';
import { rememberedIdentity, type Identity } from '../flows/authenticate.js';
import { createEnvelope, type Envelope } from './envelope.js';
import { HttpError } from './http-error.js';
import { bearerToken, challenge } from './lib/headers.js';
import type { HttpOptions } from './options.js';
import { resolveHttpOptions } from './resolve-options.js';
import type { HttpHeaders, HttpRequest, HttpResponse } from './types.js';
import type { UserId } from '../ports/store.js';

/** The outcome of checking a request's bearer token: the identity, or the 401/503 response to send. */
export type AuthenticateResult = { ok: true; identity: Identity<UserId> } | { ok: false; response: HttpResponse };

/** Checks `Authorization: Bearer` headers: for the routes that need a caller, and for `requireAuth`. */
export interface Authenticator {
  /**
   * The caller of a request and the token it sent; `identity: null` when it sent none and
   * `required` is false.
   * @throws HttpError a 401 with an RFC 6750 challenge; AuthError `SERVICE_UNAVAILABLE`.
   */
  identify(headers: HttpHeaders, required: boolean): Promise<{ identity: Identity<UserId> | null; token: string | undefined }>;
  /** The identity, or the response refusing the request. */
  authenticate(request: Pick<HttpRequest, 'headers'>): Promise<AuthenticateResult>;
  /**
   * The caller's identity without waiting, when the bearer token was verified before and the
   * config is stateless; `null` whenever {@link Authenticator.authenticate} must decide.
   */
  rememberedIdentity(request: Pick<HttpRequest, 'headers'>): Identity<UserId> | null;
}

/** Checks bearer tokens against one auth object, answering refusals in the envelope's format. */
export function createAuthenticator<P>(auth: Auth<P, UserId>, envelope: Envelope): Authenticator {
  const ctx = auth.context;
  const stateless = ctx.config.session.stateless;

  async function identify(headers: HttpHeaders, required: boolean): Promise<{ identity: Identity<UserId> | null; token: string | undefined }> {
    const bearer = bearerToken(headers);
    if (bearer === null) {
      if (required) throw new HttpError('UNAUTHENTICATED', { headers: { 'www-authenticate': challenge(null) }, message: new AuthError('UNAUTHENTICATED').message });
      return { identity: null, token: undefined };
    }
    if ('malformed' in bearer) throw refusal('TOKEN_INVALID', 'The access token is malformed.');
    try {
      return { identity: await auth.authenticate(bearer.token), token: bearer.token };
    } catch (error) {
      if (error instanceof AuthError && error.code === 'TOKEN_EXPIRED') throw refusal('TOKEN_EXPIRED', 'The access token expired.');
      if (error instanceof AuthError && error.code === 'TOKEN_INVALID') throw refusal('TOKEN_INVALID', 'The access token is invalid or its session has ended.');
      throw error;
    }
  }

  return {
    identify,
    async authenticate(request) {
      try {
        const { identity } = await identify(request.headers, true);
        return { ok: true, identity: identity as Identity<UserId> };
      } catch (error) {
        return { ok: false, response: envelope.failure(error, null) };
      }
    },
    rememberedIdentity(request) {
      if (!stateless) return null;
      const bearer = bearerToken(request.headers);
      return bearer !== null && 'token' in bearer ? rememberedIdentity(ctx, bearer.token) : null;
    },
  };
}

function refusal(code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED', description: string): HttpError {
  return new HttpError(code, { headers: { 'www-authenticate': challenge('invalid_token', description) }, message: description });
}

const shared = new WeakMap<object, WeakMap<object, Authenticator>>();
const DEFAULT_OPTIONS = {};

/**
 * The bearer-token check of an auth object, for `requireAuth` in every adapter: prepared once per
 * auth object (and options object) and shared by every guard, instead of one HTTP handler per
 * `requireAuth(auth)` call.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * import { httpAuthenticator } from '@gatehouse-auth/core/http';
 * // const guard = httpAuthenticator(auth);
 * // const result = await guard.authenticate({ headers: request.headers });
 * // if (!result.ok) return send(result.response); else use(result.identity);
 * ```
 */
export function httpAuthenticator<P>(auth: Auth<P, UserId>, options?: HttpOptions): Authenticator {
  let byOptions = shared.get(auth);
  if (byOptions === undefined) {
    byOptions = new WeakMap();
    shared.set(auth, byOptions);
  }
  const key = options ?? DEFAULT_OPTIONS;
  let found = byOptions.get(key);
  if (found === undefined) {
    found = createAuthenticator(auth, createEnvelope(resolveHttpOptions(auth, options)));
    byOptions.set(key, found);
  }
  return found;
}

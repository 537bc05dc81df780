import type { Auth } from '../create-auth.js';
import { AuthError, type FieldIssue } from '../errors.js';
import { rememberedIdentity, type Identity } from '../flows/authenticate.js';
import type { TokenPair } from '../lib/sessions.js';
import { clientKey } from '../rate-limit/client-key.js';
import { loginSchema } from '../schemas.js';
import { HTTP_ERROR_MESSAGES, type HttpErrorCode, type HttpErrorDetails } from './errors.js';
import { isPlainObject, keysFromWire, keysToWire, toJsonValue, toSnake } from './lib/casing.js';
import { resolveClientIp } from './lib/client-ip.js';
import { clearedCookie, readCookie, refreshCookie } from './lib/cookies.js';
import { countPerIp, noteLogin, noteRefusal, rateLimitHeaders, rateLimitTrail, type RateLimitTrail } from './lib/rate-limit-headers.js';
import { safeRedirect } from './lib/redirect.js';
import { openApiDocument, routeSchemas } from './openapi.js';
import type { HttpOptions, RouteId, RouteOptions } from './options.js';
import { resolveHttpOptions, type ResolvedHttpOptions } from './resolve-options.js';
import type { RouteCall, RouteDefinition } from './routes.js';
import { tokensJson } from './serialize.js';
import type { HttpHeaders, HttpRequest, HttpResponse } from './types.js';

/** The outcome of checking a request's bearer token: the identity, or the 401/503 response to send. */
export type AuthenticateResult = { ok: true; identity: Identity } | { ok: false; response: HttpResponse };

/** A route as the handler serves it, for adapters that register routes one by one. */
export interface ResolvedRoute {
  id: RouteId;
  method: RouteDefinition['method'];
  /** The path below the mount point, with `:param` segments. */
  path: string;
  auth: RouteDefinition['auth'];
  summary: string;
  /** JSON Schema (draft 2020-12) of the body and of the path parameters as the client sends them. */
  schema: { body?: Record<string, unknown>; params?: Record<string, unknown> };
}

/** The HTTP contract, ready for an adapter: routing, parsing, errors and envelopes in one place. */
export interface HttpHandler {
  /**
   * Answers one request. Never throws: unexpected failures become a generic 500, logged.
   *
   * Every route but the standard documents (`jwks`, `openapi`) counts against the per-IP rate
   * limit and answers `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (on the
   * login route, for the most restrictive of the per-IP and login rules). A request without a
   * client address (`ip`) is refused with `CLIENT_ADDRESS_UNKNOWN` (503) rather than counted in
   * a budget shared by every client.
   */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /** Checks `Authorization: Bearer` for an app's own routes (`requireAuth`). */
  authenticate(request: Pick<HttpRequest, 'headers'>): Promise<AuthenticateResult>;
  /**
   * The caller's identity without waiting, when the bearer token was verified before and the
   * config is stateless; `null` whenever {@link HttpHandler.authenticate} must decide. Lets
   * `requireAuth` skip the asynchronous path on the common case.
   */
  rememberedIdentity(request: Pick<HttpRequest, 'headers'>): Identity | null;
  /** The response for an error an adapter caught outside `handle` (logged when unexpected). */
  errorResponse(error: unknown): HttpResponse;
  /** The response for an HTTP-layer failure an adapter detected itself, e.g. `NOT_FOUND`. */
  reject(code: HttpErrorCode): HttpResponse;
  /** The routes served, with their JSON schemas. */
  readonly routes: readonly ResolvedRoute[];
  /** The largest body accepted, in bytes; adapters that read bodies stop there. */
  readonly bodyLimit: number;
  /** The OpenAPI 3.1 document of the routes, with `basePath` as its server URL. */
  openapi(basePath?: string): Record<string, unknown>;
}

const BODY_METHODS = new Set(['POST', 'PATCH', 'PUT']);
const utf8 = new TextEncoder();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An expected failure of the HTTP layer itself (routing, body, headers, origin). */
class HttpFailure extends Error {
  constructor(
    readonly code: HttpErrorCode,
    readonly fields?: FieldIssue[],
    readonly headers: Record<string, string> = {},
    /** Header names are not body fields: they keep their spelling. */
    readonly fieldsAsGiven = false,
  ) {
    super(code);
  }
}

/** A refused bearer token (or none where one is required): 401 with an RFC 6750 challenge. */
class HttpFailureAuth extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED',
    readonly description: string | null,
  ) {
    super(code);
  }
}

function header(headers: HttpHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name] ?? (headers as Record<string, string | string[] | undefined>)[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function bearerToken(headers: HttpHeaders): { token: string } | { malformed: true } | null {
  const value = header(headers, 'authorization');
  if (value === undefined || value.trim() === '') return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(value);
  if (match?.[1]) return { token: match[1] };
  return /^Bearer\b/i.test(value) ? { malformed: true } : null;
}

function challenge(error: 'invalid_token' | null, description?: string): string {
  return error === null ? 'Bearer' : `Bearer error="${error}", error_description="${description ?? ''}"`;
}

function splitPath(raw: string): { segments: string[]; query: URLSearchParams } {
  const index = raw.indexOf('?');
  const pathname = index === -1 ? raw : raw.slice(0, index);
  const query = new URLSearchParams(index === -1 ? '' : raw.slice(index + 1));
  return { segments: pathname.split('/').filter((segment) => segment.length > 0), query };
}

function matchRoute(route: RouteDefinition, segments: string[]): Record<string, string> | null {
  const pattern = route.path.split('/').filter((segment) => segment.length > 0);
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}

function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/json\s*(?:;|$)/i.test(value.trim());
}

/** True when a parsed body holds a key that reaches for a prototype (as JSON.parse keeps them). */
function poisoned(value: unknown, depth = 0): boolean {
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => poisoned(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__' || (key === 'constructor' && isPlainObject(item) && 'prototype' in item)) return true;
    if (poisoned(item, depth + 1)) return true;
  }
  return false;
}

/** Deepest nesting a request body may have: auth bodies are flat, and deeper input only costs stack. */
const MAX_BODY_DEPTH = 32;

/** True when `value` nests objects or arrays deeper than `max` (checked without recursion). */
function nestedTooDeep(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const item of Object.values(current)) pending.push([item, depth + 1]);
  }
  return false;
}

function parseJson(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    // Refused rather than dropped, as Fastify does: such a body is an attack, not a mistake.
    if (key === '__proto__' || (key === 'constructor' && isPlainObject(value) && 'prototype' in value)) throw new SyntaxError('forbidden key');
    return value;
  });
}

/**
 * Creates the framework-free HTTP contract over an auth object: adapters turn their request
 * into an {@link HttpRequest}, call `handle`, and write the {@link HttpResponse} back.
 *
 * @throws TypeError when an option is invalid, with a message that says how to fix it.
 * @example
 * ```ts
 * import { createAuth, memoryStore } from '@gatehouse/core';
 * import { createHttpHandler } from '@gatehouse/core/http';
 *
 * const auth = createAuth({ store: memoryStore(), secret: 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const http = createHttpHandler(auth, { casing: 'snake', paths: { getProfile: '/me' } });
 * const response = await http.handle({ method: 'GET', path: '/openapi.json', headers: {} });
 * response.status; // 200
 * ```
 */
export function createHttpHandler<P>(auth: Auth<P>, options?: HttpOptions): HttpHandler {
  const resolved = resolveHttpOptions(auth, options);
  const { routes, casing, cookie } = resolved;
  const ctx = auth.context;
  const stateless = ctx.config.session.stateless;
  let openapiDocument: Record<string, unknown> | undefined;
  let reportedMissingAddress = false;
  const rules = ctx.config.rateLimits.rules;

  /** Whether a route's limits need the client's address: the per-IP rule, and on login its two rules. */
  function needsClientAddress(route: RouteDefinition): boolean {
    return rules.perIp !== null || (route.id === 'login' && (rules.login !== null || rules.loginPerIp !== null));
  }

  function refuseWithoutAddress(): never {
    if (!reportedMissingAddress) {
      reportedMissingAddress = true;
      resolved.logger.error(
        'gatehouse: a request reached the auth routes without a client address, so rate limits cannot apply; it was refused with CLIENT_ADDRESS_UNKNOWN (503). ' +
          'Pass the socket address as `ip` (Hono on runtimes other than Node: the `clientAddress` option; createFetchHandler: `{ ip }` as its second argument).',
      );
    }
    throw new HttpFailure('CLIENT_ADDRESS_UNKNOWN');
  }

  function routeOptions(id: RouteId | null): RouteOptions<never> {
    return (id === null ? undefined : resolved.routeOptions[id]) ?? {};
  }

  function wireField(field: string, id: RouteId | null): string {
    const [first = field, ...rest] = field.replace(/^profile\./, '').split('.');
    const aliases = routeOptions(id).fields ?? {};
    const name = aliases[first] ?? (casing === 'snake' ? toSnake(first) : first);
    return [name, ...rest.map((part) => (casing === 'snake' ? toSnake(part) : part))].join('.');
  }

  function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): HttpResponse {
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
      body: JSON.stringify(body),
    };
  }

  function errorBody(details: HttpErrorDetails, id: RouteId | null): unknown {
    if (resolved.formatError) return resolved.formatError(details, { route: id });
    const error: Record<string, unknown> = { code: details.code, message: details.message };
    if (details.fields) error.fields = details.fields;
    if (details.retryAfter !== undefined) error[casing === 'snake' ? 'retry_after' : 'retryAfter'] = details.retryAfter;
    return { error };
  }

  function failure(error: unknown, id: RouteId | null, extraHeaders: Record<string, string | string[]> = {}): HttpResponse {
    let details: HttpErrorDetails;
    const headers: Record<string, string | string[]> = { ...extraHeaders };
    if (error instanceof HttpFailure) {
      details = { status: resolved.statuses[error.code], code: error.code, message: HTTP_ERROR_MESSAGES[error.code as keyof typeof HTTP_ERROR_MESSAGES] ?? error.code };
      if (error.fields) details.fields = error.fieldsAsGiven ? error.fields : error.fields.map((issue) => ({ ...issue, field: wireField(issue.field, id) }));
      Object.assign(headers, error.headers);
    } else if (error instanceof AuthError) {
      details = { status: resolved.statuses[error.code] ?? 400, code: error.code, message: error.message };
      if (error.fields) details.fields = error.fields.map((issue) => ({ ...issue, field: wireField(issue.field, id) }));
      if (error.retryAfter !== undefined) {
        details.retryAfter = error.retryAfter;
        headers['retry-after'] = String(error.retryAfter);
      }
      if (error.code === 'SERVICE_UNAVAILABLE') headers['retry-after'] ??= '30';
    } else {
      resolved.logger.error('gatehouse: unexpected error in the HTTP layer', { error, route: id });
      details = { status: resolved.statuses.INTERNAL_ERROR, code: 'INTERNAL_ERROR', message: HTTP_ERROR_MESSAGES.INTERNAL_ERROR };
    }
    if (details.status === 401 && headers['www-authenticate'] === undefined) headers['www-authenticate'] = challenge(null);
    return json(details.status, errorBody(details, id), headers);
  }

  async function identify(headers: HttpHeaders, required: boolean): Promise<{ identity: Identity | null; token: string | undefined }> {
    const bearer = bearerToken(headers);
    if (bearer === null) {
      if (required) throw new HttpFailureAuth('UNAUTHENTICATED', null);
      return { identity: null, token: undefined };
    }
    if ('malformed' in bearer) throw new HttpFailureAuth('TOKEN_INVALID', 'The access token is malformed.');
    try {
      return { identity: await auth.authenticate(bearer.token), token: bearer.token };
    } catch (error) {
      if (error instanceof AuthError && (error.code === 'TOKEN_EXPIRED' || error.code === 'TOKEN_INVALID')) {
        throw new HttpFailureAuth(error.code, error.code === 'TOKEN_EXPIRED' ? 'The access token expired.' : 'The access token is invalid or its session has ended.');
      }
      throw error;
    }
  }

  function authFailure(error: HttpFailureAuth, id: RouteId | null): HttpResponse {
    const header = error.description === null ? challenge(null) : challenge('invalid_token', error.description);
    return failure(new AuthError(error.code, error.description ?? undefined), id, { 'www-authenticate': header });
  }

  function readBody(request: HttpRequest): unknown {
    const body = request.body;
    const declared = Number(header(request.headers, 'content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > resolved.bodyLimit) throw new HttpFailure('PAYLOAD_TOO_LARGE');
    if (body === undefined || body === null) return {};
    if (typeof body === 'object' && 'problem' in body) {
      throw new HttpFailure(body.problem === 'too_large' ? 'PAYLOAD_TOO_LARGE' : body.problem === 'malformed' ? 'MALFORMED_BODY' : 'UNSUPPORTED_MEDIA_TYPE');
    }
    const contentType = header(request.headers, 'content-type');
    if (typeof body === 'object' && 'parsed' in body) {
      if (body.parsed === undefined) return {};
      if (!isJsonContentType(contentType)) throw new HttpFailure('UNSUPPORTED_MEDIA_TYPE');
      // Parsed by the app's own body parser (with its own limit): hold it to ours too.
      if (nestedTooDeep(body.parsed, MAX_BODY_DEPTH)) throw new HttpFailure('MALFORMED_BODY');
      if (!Number.isFinite(declared) && utf8.encode(JSON.stringify(body.parsed) ?? '').byteLength > resolved.bodyLimit) throw new HttpFailure('PAYLOAD_TOO_LARGE');
      if (poisoned(body.parsed)) throw new HttpFailure('MALFORMED_BODY');
      return body.parsed;
    }
    const bytes = typeof body === 'string' ? utf8.encode(body) : body;
    if (bytes.byteLength > resolved.bodyLimit) throw new HttpFailure('PAYLOAD_TOO_LARGE');
    if (bytes.byteLength === 0) return {};
    if (!isJsonContentType(contentType)) throw new HttpFailure('UNSUPPORTED_MEDIA_TYPE');
    let parsed: unknown;
    try {
      parsed = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new HttpFailure('MALFORMED_BODY');
    }
    if (nestedTooDeep(parsed, MAX_BODY_DEPTH)) throw new HttpFailure('MALFORMED_BODY');
    return parsed;
  }

  function fromWire(value: unknown, route: RouteDefinition, request: HttpRequest): Record<string, unknown> {
    if (!isPlainObject(value)) {
      throw new HttpFailure('VALIDATION_FAILED', [{ field: 'body', code: 'invalid_type', message: 'The body must be a JSON object.' }]);
    }
    const aliased: Record<string, unknown> = { ...value };
    for (const [canonical, wire] of Object.entries(routeOptions(route.id).fields ?? {})) {
      if (wire in aliased) {
        const moved = aliased[wire];
        delete aliased[wire];
        aliased[canonical] = moved;
      }
    }
    let body = keysFromWire(aliased, casing) as Record<string, unknown>;
    const mapper = routeOptions(route.id).request;
    if (mapper) body = mapper(body, { route: route.id, header: (name) => header(request.headers, name.toLowerCase()) });
    if (!isPlainObject(body)) throw new TypeError(`routes.${route.id}.request must return an object.`);
    return body;
  }

  function checkConfirmation(route: RouteDefinition, body: Record<string, unknown>): void {
    if (!route.passwordField) return;
    const field = `${route.passwordField}Confirmation`;
    const confirmation = body[field];
    if (confirmation === undefined && !resolved.passwordConfirmation) return;
    if (confirmation === undefined) throw new HttpFailure('VALIDATION_FAILED', [{ field, code: 'required', message: 'This field is required.' }]);
    if (confirmation !== body[route.passwordField]) throw new HttpFailure('VALIDATION_FAILED', [{ field, code: 'mismatch', message: 'The passwords do not match.' }]);
  }

  function checkRequiredHeaders(request: HttpRequest): void {
    const problems: FieldIssue[] = [];
    for (const [name, check] of resolved.requiredHeaders) {
      const value = header(request.headers, name);
      if (value === undefined || value === '') {
        problems.push({ field: name, code: 'required', message: `The ${name} header is required.` });
        continue;
      }
      const ok = typeof check === 'string' ? value === check : typeof check === 'function' ? check(value) : check.includes(value);
      if (!ok) problems.push({ field: name, code: 'invalid', message: `The ${name} header is not valid.` });
    }
    if (problems.length > 0) throw new HttpFailure('HEADER_REQUIRED', problems, {}, true);
  }

  function checkOrigin(request: HttpRequest, method: string): string | undefined {
    if (!cookie) return undefined;
    const token = readCookie(header(request.headers, 'cookie'), cookie.name);
    if (token === undefined || SAFE_METHODS.has(method)) return token;
    const origin = header(request.headers, 'origin');
    if (origin === undefined || !cookie.allowedOrigins.includes(origin)) throw new HttpFailure('ORIGIN_NOT_ALLOWED');
    return token;
  }

  function cookieHeaders(tokens: TokenPair | null | undefined, clear: boolean): Record<string, string[]> {
    if (!cookie) return {};
    if (tokens && tokens.refreshToken !== '') {
      const maxAge = (tokens.refreshTokenExpiresAt.getTime() - ctx.clock.now().getTime()) / 1000;
      return { 'set-cookie': [refreshCookie(cookie.name, tokens.refreshToken, maxAge)] };
    }
    return clear ? { 'set-cookie': [clearedCookie(cookie.name)] } : {};
  }

  function success(route: RouteDefinition, data: unknown, headers: Record<string, string | string[]>): HttpResponse {
    const options = routeOptions(route.id);
    const status = options.status ?? (route.id === 'register' ? 201 : 200);
    const message = options.message ?? DEFAULT_MESSAGES[route.id];
    let out = toJsonValue(data);
    if (options.response) out = toJsonValue((options.response as (data: unknown, context: unknown) => unknown)(out, { route: route.id, status, message }) ?? null);
    out = keysToWire(out, casing);
    const body = resolved.formatSuccess ? resolved.formatSuccess({ route: route.id, status, data: out, message }) : { data: out ?? { message } };
    return json(status, body, headers);
  }

  function linkRedirect(route: RouteDefinition, query: URLSearchParams, error: unknown): HttpResponse | null {
    const redirect = resolved.linkRedirect;
    if (!route.link || !redirect) return null;
    const requested = query.get('redirect');
    const target = (requested === null ? null : safeRedirect(requested, redirect.base, redirect.allowedOrigins)) ?? (error === null ? redirect.success : redirect.failure);
    const url = new URL(target);
    if (error !== null) {
      if (!(error instanceof AuthError)) return null;
      url.searchParams.set('error', error.code);
    }
    return { status: 303, headers: { location: url.href, 'cache-control': 'no-store' }, body: null };
  }

  async function handle(request: HttpRequest): Promise<HttpResponse> {
    const trail = rateLimitTrail();
    const response = await respond(request, trail);
    if (trail.counted.length === 0 && trail.login === null && trail.refused === null) return response;
    const limits = await rateLimitHeaders(ctx, trail, ctx.clock.now());
    return Object.keys(limits).length === 0 ? response : { ...response, headers: { ...response.headers, ...limits } };
  }

  async function respond(request: HttpRequest, trail: RateLimitTrail): Promise<HttpResponse> {
    let route: RouteDefinition | null = null;
    let usedCookie = false;
    let query = new URLSearchParams();
    try {
      const method = request.method.toUpperCase();
      const split = splitPath(request.path);
      query = split.query;
      const lookup = method === 'HEAD' ? 'GET' : method;
      let params: Record<string, string> | null = null;
      const allowed = new Set<string>();
      for (const candidate of routes) {
        const matched = matchRoute(candidate, split.segments);
        if (!matched) continue;
        allowed.add(candidate.method);
        if (candidate.method === 'GET') allowed.add('HEAD');
        // A static segment beats a parameter: the first full match with the fewest parameters wins.
        if (candidate.method === lookup && (route === null || Object.keys(matched).length < Object.keys(params ?? {}).length)) {
          route = candidate;
          params = matched;
        }
      }
      if (allowed.size === 0) throw new HttpFailure('NOT_FOUND');
      const allow = [...allowed, 'OPTIONS'].join(', ');
      if (method === 'OPTIONS') return { status: 204, headers: { allow }, body: null };
      if (route === null || params === null) throw new HttpFailure('METHOD_NOT_ALLOWED', undefined, { allow });

      const ip = resolveClientIp(request.ip, header(request.headers, 'x-forwarded-for'), resolved.trustProxy);
      const meta = { ip, userAgent: header(request.headers, 'user-agent')?.slice(0, 512) };

      if (route.raw) return finish(method, await rawDocument(route, request.basePath ?? ''));

      // The keys never hold the path: the per-IP rule is one budget across every route, and the
      // login rules count the normalized email and the client. Whatever spelling of a path the
      // router accepts (`//login/`, `/login?x`), it is the same route and the same budgets.
      const client = clientKey(ip);
      if (client !== null) await countPerIp(ctx, trail, client, ctx.clock.now());
      else if (needsClientAddress(route)) refuseWithoutAddress();
      if (!route.link) checkRequiredHeaders(request);
      const cookieToken = checkOrigin(request, method);
      const raw = BODY_METHODS.has(method) ? readBody(request) : {};
      // Routes without auth ignore a stale Authorization header (clients often send one
      // everywhere); the refresh route reads it raw, for `accessTokenRefresh`.
      const { identity } = route.auth === 'none' ? { identity: null } : await identify(request.headers, route.auth === 'bearer');
      const bearer = bearerToken(request.headers);
      const token = bearer !== null && 'token' in bearer ? bearer.token : undefined;
      const body = BODY_METHODS.has(method) ? fromWire(raw, route, request) : {};
      checkConfirmation(route, body);
      if (route.id === 'login') {
        // Only input the flow accepts reaches its limits; the flow normalizes the email the same way.
        const input = loginSchema.safeParse({ email: body.email, password: body.password });
        if (input.success) noteLogin(trail, input.data.email, client);
      }
      usedCookie = route.id === 'refresh' && body.refreshToken === undefined && cookieToken !== undefined;
      const includeRefreshToken = cookie === null;
      const call: RouteCall = {
        body,
        params,
        query,
        identity,
        cookieToken,
        bearerToken: token,
        meta,
        tokens: (pair) => tokensJson(pair, { includeRefreshToken: includeRefreshToken && pair.refreshToken !== '' }),
      };
      const outcome = await route.handle(call);
      const cookies = cookieHeaders(outcome.tokens, outcome.clearCookie ?? false);
      const redirected = linkRedirect(route, query, null);
      if (redirected) return { ...redirected, headers: { ...redirected.headers, ...cookies } };
      return finish(method, success(route, outcome.data, cookies));
    } catch (error) {
      noteRefusal(trail, error);
      const id: RouteId | null = route?.id ?? null;
      if (error instanceof HttpFailureAuth) return authFailure(error, id);
      if (route) {
        const redirected = linkRedirect(route, query, error);
        if (redirected) return redirected;
      }
      const clear = usedCookie && error instanceof AuthError && error.code !== 'SERVICE_UNAVAILABLE' && error.code !== 'RATE_LIMITED';
      return failure(error, id, clear && cookie ? { 'set-cookie': [clearedCookie(cookie.name)] } : {});
    }
  }

  async function rawDocument(route: RouteDefinition, basePath: string): Promise<HttpResponse> {
    let document: unknown;
    if (route.id === 'openapi') {
      // Built once; only the server URL differs between mount points (e.g. `/tenants/:id/auth`).
      openapiDocument ??= openApiDocument(resolved, auth.config.profileSchema, '');
      document = { ...openapiDocument, servers: [{ url: basePath === '' ? '/' : basePath }] };
    } else {
      const jwks = auth.jwks();
      if (jwks.keys.length === 0) throw new HttpFailure('NOT_FOUND');
      document = jwks;
    }
    const cache = route.id === 'jwks' ? 'public, max-age=300' : 'no-cache';
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': cache }, body: JSON.stringify(document) };
  }

  function finish(method: string, response: HttpResponse): HttpResponse {
    return method === 'HEAD' ? { ...response, body: null } : response;
  }

  return {
    handle,
    async authenticate(request) {
      try {
        const { identity } = await identify(request.headers, true);
        return identity ? { ok: true, identity } : { ok: false, response: failure(new AuthError('UNAUTHENTICATED'), null) };
      } catch (error) {
        return { ok: false, response: error instanceof HttpFailureAuth ? authFailure(error, null) : failure(error, null) };
      }
    },
    rememberedIdentity(request) {
      if (!stateless) return null;
      const bearer = bearerToken(request.headers);
      return bearer !== null && 'token' in bearer ? rememberedIdentity(ctx, bearer.token) : null;
    },
    errorResponse(error) {
      return failure(error, null);
    },
    reject(code) {
      return failure(new HttpFailure(code), null);
    },
    routes: routes.map((route) => ({
      id: route.id,
      method: route.method,
      path: route.path,
      auth: route.auth,
      summary: route.summary,
      schema: routeSchemas(route, resolved),
    })),
    bodyLimit: resolved.bodyLimit,
    openapi(basePath = '') {
      return openApiDocument(resolved, auth.config.profileSchema, basePath);
    },
  };
}

const DEFAULT_MESSAGES: Record<RouteId, string> = {
  register: 'Account created.',
  login: 'Logged in.',
  refresh: 'Token refreshed.',
  logout: 'Logged out.',
  logoutAll: 'Logged out of every session.',
  verifyEmail: 'Email address verified.',
  verifyEmailLink: 'Email address verified.',
  resendVerification: 'If the account exists and is not verified yet, a new verification email is on its way.',
  requestPasswordReset: 'If an account exists for this address, a password reset email is on its way.',
  confirmPasswordReset: 'Password reset. Log in with the new password.',
  changePassword: 'Password changed.',
  requestEmailChange: 'Check the new address for a confirmation email.',
  confirmEmailChange: 'Email address changed.',
  confirmEmailChangeLink: 'Email address changed.',
  getProfile: 'Profile.',
  updateProfile: 'Profile updated.',
  replaceProfile: 'Profile updated.',
  listSessions: 'Sessions.',
  revokeSession: 'Session ended.',
  jwks: '',
  openapi: '',
};

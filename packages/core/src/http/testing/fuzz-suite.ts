import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AuthConfig } from '../../config.js';
import { createAuth, type Auth } from '../../create-auth.js';
import { fakeClock } from '../../memory/fake-clock.js';
import { memoryMailer } from '../../memory/memory-mailer.js';
import { memoryStore } from '../../memory/memory-store.js';
import { argon2Hasher } from '../../password/argon2-hasher.js';
import type { Logger } from '../../ports/logger.js';
import { HTTP_STATUS_BY_CODE, type HttpErrorCode } from '../errors.js';
import { createHttpHandler } from '../handler.js';
import type { HttpOptions } from '../options.js';
import type { ContractMount, MountedApp } from './contract-suite.js';

/** Options of {@link runHttpFuzz}. */
export interface HttpFuzzOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /** The same mount as for the contract suite: routes under `/auth`, `GET /protected` behind `requireAuth`. */
  mount: ContractMount;
  /** Generated requests per property (default 100; three properties). */
  runs?: number;
  /** HTTP options for the mounted routes (default none). */
  options?: HttpOptions;
  /** fast-check seed, to replay a failure it reported. */
  seed?: number;
  /**
   * Generate paths with malformed percent-encodings such as `/auth/%zz` (default `true`). Turn it
   * off only for a framework whose router refuses them before any adapter code runs (Fastify
   * answers `FST_ERR_BAD_URL` unless the app sets `frameworkErrors`), and test that case apart.
   */
  malformedPercentEncoding?: boolean;
}

const SECRET = 'fuzz-secret-'.padEnd(32, 'x');
const APP_URL = 'https://app.example.com';
const EMAIL = 'fuzz@example.com';
const PASSWORD = 'Correct-Horse-9';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CODES = new Set(Object.keys(HTTP_STATUS_BY_CODE));

// What a body must never show: a stack frame, an error's class and message, a dependency path.
const LEAKS: readonly RegExp[] = [/\bat (?:async )?[\w$.<>[\]]+ \(/, /(?:^|\\n)\s*at \S+:\d+/, /\b\w*Error: /, /node_modules/, /\bfile:\/\//];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function shorten(value: string, max = 300): string {
  return value.length <= max ? value : `${value.slice(0, max)}…(${value.length} chars)`;
}

/** A request as fast-check prints a counterexample: long bodies and tokens cut short. */
function printable(request: FuzzRequest): FuzzRequest {
  const body = request.body === undefined ? 'none' : typeof request.body === 'string' ? JSON.stringify(shorten(request.body)) : `bytes [${[...request.body].join(',')}]`;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, shorten(value, 80)]));
  return Object.assign(request, { [fc.toStringMethod]: () => `${request.method} ${request.path} headers=${JSON.stringify(headers)} body=${body}` });
}

/** The path a client's URL parser sends for `path` (dot segments resolved), or `null` when it is no URL. */
function wellEncoded(path: string): boolean {
  try {
    decodeURIComponent(path.split('?')[0] ?? '');
    return true;
  } catch {
    return false;
  }
}

function resolvedPath(path: string): string | null {
  try {
    return new URL(path, 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

interface Session {
  accessToken: string;
  refreshToken: string;
}

/** Where a request's own text may legitimately come back (a profile field, a field name): leaks are judged only on what it did not send. */
function sent(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
  let path = request.path;
  try {
    path = decodeURIComponent(request.path);
  } catch {
    // kept as sent
  }
  return `${request.method} ${request.path} ${path} ${JSON.stringify(request.headers)} ${body} ${JSON.stringify(body)}`;
}

/** What is wrong with one response, if anything (empty when it keeps the contract). */
function problems(request: FuzzRequest, status: number, headers: Headers, text: string, logged: unknown[]): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`status ${status}`);
  if (status >= 300 && status < 400) {
    // Only the emailed-link routes redirect (with `linkRedirect`), and only to the app.
    const location = headers.get('location') ?? '';
    if (status !== 303 || !location.startsWith(`${APP_URL}/`)) found.push(`redirect ${status} to ${location}`);
    return found;
  }
  if (logged.length > 0) found.push(`logged unexpected errors: ${logged.map(String).join('; ')}`);
  const echoed = sent(request);
  for (const leak of LEAKS) {
    if (leak.test(text) && !leak.test(echoed)) found.push(`body matches ${leak}`);
  }
  // (An error answer to HEAD may carry its envelope: Node's HTTP server drops it, Fetch runtimes
  // differ. A success must not.)
  if ((request.method === 'HEAD' && (status < 400 || text === '')) || status === 204) {
    if (text !== '') found.push(`a body on ${request.method} ${status}`);
    return found;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    found.push(`not JSON: ${text.slice(0, 200)}`);
    return found;
  }
  if (!/^application\/json/i.test(headers.get('content-type') ?? '')) found.push(`content-type ${headers.get('content-type')}`);
  if (status >= 400) {
    const envelope = json as { error?: Record<string, unknown> } | null;
    const error = envelope?.error;
    if (envelope === null || typeof envelope !== 'object' || Object.keys(envelope).join() !== 'error' || typeof error !== 'object' || error === null) {
      found.push(`not the error envelope: ${text.slice(0, 300)}`);
      return found;
    }
    const extra = Object.keys(error).filter((key) => !['code', 'message', 'fields', 'retryAfter'].includes(key));
    if (extra.length > 0) found.push(`extra error keys ${extra.join()}`);
    if (typeof error.code !== 'string' || !CODES.has(error.code)) found.push(`unknown code ${String(error.code)}`);
    else if (HTTP_STATUS_BY_CODE[error.code as HttpErrorCode] !== status) found.push(`code ${error.code} with status ${status}`);
    if (typeof error.message !== 'string' || error.message === '') found.push('no message');
    if (error.fields !== undefined) {
      const fieldsOk =
        Array.isArray(error.fields) &&
        error.fields.every(
          (field: unknown) =>
            typeof field === 'object' &&
            field !== null &&
            typeof (field as Record<string, unknown>).field === 'string' &&
            typeof (field as Record<string, unknown>).code === 'string' &&
            typeof (field as Record<string, unknown>).message === 'string',
        );
      if (!fieldsOk) found.push(`malformed fields ${JSON.stringify(error.fields).slice(0, 200)}`);
    }
    if (status === 401 && !/^Bearer/.test(headers.get('www-authenticate') ?? '')) found.push('401 without WWW-Authenticate: Bearer');
  } else if (!request.path.includes('openapi.json') && !request.path.includes('jwks.json') && !request.path.startsWith('/protected')) {
    if (json === null || typeof json !== 'object' || !('data' in json)) found.push(`success without data: ${text.slice(0, 200)}`);
  }
  return found;
}

// --- Generators -------------------------------------------------------------------------------

const SEGMENTS = [
  'register', 'login', 'token', 'refresh', 'logout', 'all', 'verify-email', 'resend-verification', 'password', 'reset', 'confirm', 'change',
  'change-email', 'confirm-email-change', 'profile', 'sessions', '.well-known', 'jwks.json', 'openapi.json',
];
const ODD_SEGMENTS = ['', '.', '..', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', '%C0%AE', '~', '@', ':', ';a=b', '%20', 'a%2Fb', '*', '$', "'", '"', '<script>', '%0d%0aSet-Cookie:x=1', 'constructor', '__proto__', 'prototype'];

const segment: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SEGMENTS), weight: 4 },
  { arbitrary: fc.constantFrom(...ODD_SEGMENTS), weight: 2 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent), weight: 1 },
);

const query: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.constantFrom('redirect', 'token', 'code', 'email', 'x', '__proto__', ''), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('https://evil.example', '//evil.example', 'javascript:alert(1)'))), { maxLength: 3 })
    .map((pairs) => `?${pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')}`),
);

const anyPath: fc.Arbitrary<string> = fc
  .tuple(fc.array(segment, { maxLength: 5 }), fc.boolean(), query)
  .map(([segments, slash, search]) => `/auth/${segments.join('/')}${slash ? '/' : ''}${search}`);

const FIELDS = [
  'email', 'password', 'passwordConfirmation', 'refreshToken', 'token', 'code', 'userId', 'currentPassword', 'newPassword',
  'newPasswordConfirmation', 'newEmail', 'firstName', 'lastName', 'profile', 'role', 'status', 'emailVerified', 'passwordHash',
  'id', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  // snake_case, for apps that chose it
  'refresh_token', 'current_password', 'new_password', 'password_confirmation', 'first_name', 'email_verified', 'new_email',
];

function leafValue(session: () => Session): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
    { arbitrary: fc.constantFrom(EMAIL, 'new@example.com', ' FUZZ@Example.COM ', 'a@b', '@example.com', PASSWORD, 'Another-Horse-10', 'short', '', 'K7P-XM2', 'ABCDEF'), weight: 3 },
    { arbitrary: fc.emailAddress(), weight: 1 },
    { arbitrary: fc.constant(null).map(() => session().accessToken), weight: 1 },
    { arbitrary: fc.constant(null).map(() => session().refreshToken), weight: 1 },
    { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), weight: 2 },
    { arbitrary: fc.string({ minLength: 200, maxLength: 20_000 }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  );
}

function jsonBody(session: () => Session): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), leafValue(session), { maxKeys: 6 }), weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 2 },
    { arbitrary: fc.constantFrom([], null, 0, '', 'text', true), weight: 1 },
    // Deep nesting.
    { arbitrary: fc.integer({ min: 50, max: 3000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown), weight: 1 },
  );
}

function rawBody(session: () => Session): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    { arbitrary: jsonBody(session).map((value) => JSON.stringify(value)), weight: 8 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
    { arbitrary: fc.constantFrom('{', '{"email":', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', 'null', '[]', '{"a":1}{"b":2}', '\uFEFF{"email":"fuzz@example.com"}'), weight: 2 },
    // Not UTF-8.
    { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }), weight: 1 },
    { arbitrary: fc.integer({ min: 16_000, max: 40_000 }).map((size) => JSON.stringify({ email: EMAIL, password: 'x'.repeat(size) })), weight: 1 },
  );
}

function specialHeaders(session: () => Session): fc.Arbitrary<Record<string, string>> {
  const contentType = fc.oneof(
    { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 6 },
    {
      arbitrary: fc.constantFrom(
        'APPLICATION/JSON', 'application/json;charset=latin1', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x', 'application/vnd.api+json', 'application/jsonx', '', ' ',
      ),
      weight: 1,
    },
  );
  const authorization = fc.oneof(
    { arbitrary: fc.constant(null).map(() => `Bearer ${session().accessToken}`), weight: 6 },
    { arbitrary: fc.constant(null).map(() => `bearer   ${session().accessToken}  `), weight: 1 },
    { arbitrary: fc.constant(null).map(() => `Bearer ${session().refreshToken}`), weight: 1 },
    { arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'Bearer ===', 'Token abc'), weight: 1 },
    { arbitrary: fc.string({ maxLength: 100 }).map((value) => `Bearer ${value}`), weight: 1 },
    { arbitrary: fc.string({ maxLength: 100 }), weight: 1 },
  );
  return fc.record(
    {
      'content-type': contentType,
      authorization,
      cookie: fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('gatehouse_refresh', '__Host-gatehouse-refresh').map((name) => `${name}=${session().refreshToken}`),
        fc.constant('__Host-gatehouse-refresh=%zz; __Host-gatehouse-refresh=x'),
      ),
      origin: fc.constantFrom('https://app.example.com', 'https://evil.example', 'null', ''),
      'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 })),
      'user-agent': fc.string({ maxLength: 600 }),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
      'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'),
    },
    { requiredKeys: [] },
  );
}

const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$/;

/** Header values as a Fetch `Headers` accepts them (no control characters, no leading or trailing blanks). */
function clean(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value === '' || /^[\x20-\x7e]*$/.test(value)).map(([name, value]) => [name, value.trim()]));
}

function otherHeaders(): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), fc.stringMatching(HEADER_VALUE), { maxKeys: 4 });
}

/**
 * Property tests for an adapter: generated JSON bodies, headers, paths and methods for every
 * route, checked against the contract's promises: never a 5xx, never a stack trace, an error
 * class or a dependency path in a body, always the error envelope `{ error: { code, message,
 * fields? } }` with the status of its code for 4xx, and `{ data }` for 2xx. Call it inside a test
 * file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runHttpFuzz } from '@gatehouse/core/http/testing';
 * runHttpFuzz({ name: 'my-framework', mount: (auth, options) => ({ fetch: myApp(auth, options).fetch }), runs: 150 });
 * ```
 */
export function runHttpFuzz({ name, mount, runs = 100, options = {}, seed, malformedPercentEncoding = true }: HttpFuzzOptions): void {
  describe(`HTTP fuzz: ${name}`, () => {
    let app: MountedApp | undefined;
    let auth: Auth;
    let current: Session = { accessToken: 'none', refreshToken: 'none' };
    const logged: unknown[] = [];
    const routes: { method: string; path: string }[] = [];

    async function freshSession(): Promise<void> {
      const ok = await auth.authenticate(current.accessToken).then(
        () => true,
        () => false,
      );
      if (ok) return;
      const { tokens } = await auth.login({ email: EMAIL, password: PASSWORD });
      current = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    }

    beforeAll(async () => {
      const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
      const logger: Logger = { warn() {}, error: (message, details) => void logged.push(details?.error ?? message) };
      auth = createAuth({
        store: memoryStore(),
        mailer: memoryMailer({ now: () => clock.now() }),
        secret: SECRET,
        appUrl: APP_URL,
        hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
        clock,
        logger,
        // Limits would answer most generated requests with 429 before they reach a flow.
        rateLimits: false,
        emailVerification: { requiredForLogin: false },
      } as AuthConfig) as Auth;
      await auth.register({ email: EMAIL, password: PASSWORD });
      await freshSession();
      for (const route of createHttpHandler(auth, options).routes) routes.push({ method: route.method, path: `/auth${route.path}` });
      routes.push({ method: 'GET', path: '/protected' });
      app = await mount(auth, options);
    });

    afterAll(async () => {
      await app?.close?.();
    });

    async function send(request: FuzzRequest): Promise<void> {
      if (!app) throw new Error('not mounted');
      await freshSession();
      logged.length = 0;
      const init: RequestInit = { method: request.method, headers: request.headers, redirect: 'manual' };
      if (request.body !== undefined && BODY_METHODS.has(request.method)) init.body = request.body as RequestInit['body'];
      const response = await app.fetch(request.path, init);
      const text = await response.text();
      const found = problems(request, response.status, response.headers, text, logged);
      // The next generated request gets a live access token, whatever this one did to the session.
      await freshSession();
      if (found.length > 0) {
        throw new Error(`${request.method} ${request.path} → ${response.status}: ${found.join('; ')}\nbody: ${text.slice(0, 500)}`);
      }
    }

    const session = (): Session => current;
    const parameters = { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true };

    it('answers any body on every route with the documented envelope, never a 5xx or a leak', async () => {
      const request = fc
        .tuple(
          fc.nat(),
          rawBody(session),
          specialHeaders(session),
          fc.constantFrom('', '/'),
          fc.oneof(fc.uuid(), fc.string({ maxLength: 50 }).map(encodeURIComponent), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.constantFrom(...(malformedPercentEncoding ? ['%zz', '%'] : ['x']))),
        )
        .map(([index, body, headers, slash, param]): FuzzRequest => {
          const route = routes[index % routes.length] as { method: string; path: string };
          const path = route.path.replace(/:(\w+)/g, () => param || 'x');
          // The app's own route takes no trailing slash of ours.
          const tail = route.path === '/protected' ? '' : slash;
          return printable({ method: route.method, path: `${path}${tail}`, headers: clean({ 'content-type': 'application/json', ...headers }), ...(body === undefined ? {} : { body }) });
        });
      await fc.assert(fc.asyncProperty(request, send), parameters);
    });

    it('answers any path and method below the mount point the same way', async () => {
      // Only paths that stay below the mount point once a client resolves `..` and `%2e%2e`: the
      // rest belongs to the app.
      const below = anyPath.filter((path) => /^\/auth(?:\/|$)/.test(resolvedPath(path) ?? '') && (malformedPercentEncoding || wellEncoded(path)));
      const request = fc.tuple(fc.constantFrom(...METHODS), below, fc.option(rawBody(session), { nil: undefined }), specialHeaders(session)).map(
        ([method, path, body, headers]): FuzzRequest => printable({ method, path, headers: clean(headers), ...(body === undefined ? {} : { body }) }),
      );
      await fc.assert(fc.asyncProperty(request, send), parameters);
    });

    it('answers any headers the same way', async () => {
      const request = fc
        .tuple(fc.nat(), specialHeaders(session), otherHeaders(), jsonBody(session))
        .map(([index, special, other, body]): FuzzRequest => {
          const route = routes[index % routes.length] as { method: string; path: string };
          const path = route.path.replace(/:(\w+)/g, 'x');
          return printable({ method: route.method, path, headers: clean({ ...other, ...special }), body: JSON.stringify(body) });
        });
      await fc.assert(fc.asyncProperty(request, send), parameters);
    });
  });
}

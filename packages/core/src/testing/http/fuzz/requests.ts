// Internal to runHttpFuzz: the requests it generates (paths, methods, bodies, headers) and how
// a counterexample is printed.
import fc from 'fast-check';

/** The account the generated requests log in as. */
export const EMAIL = 'fuzz@example.com';
export const PASSWORD = 'Correct-Horse-9';
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function shorten(value: string, max = 300): string {
  return value.length <= max ? value : `${value.slice(0, max)}…(${value.length} chars)`;
}

/** A request as fast-check prints a counterexample: long bodies and tokens cut short. */
export function printable(request: FuzzRequest): FuzzRequest {
  const body = request.body === undefined ? 'none' : typeof request.body === 'string' ? JSON.stringify(shorten(request.body)) : `bytes [${[...request.body].join(',')}]`;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, shorten(value, 80)]));
  return Object.assign(request, { [fc.toStringMethod]: () => `${request.method} ${request.path} headers=${JSON.stringify(headers)} body=${body}` });
}

/** Whether every percent-encoding in the path of `path` decodes. */
export function wellEncoded(path: string): boolean {
  try {
    decodeURIComponent(path.split('?')[0] ?? '');
    return true;
  } catch {
    return false;
  }
}

/** The path a client's URL parser sends for `path` (dot segments resolved), or `null` when it is no URL. */
export function resolvedPath(path: string): string | null {
  try {
    return new URL(path, 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

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

export const anyPath: fc.Arbitrary<string> = fc
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

export function jsonBody(session: () => Session): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), leafValue(session), { maxKeys: 6 }), weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 2 },
    { arbitrary: fc.constantFrom([], null, 0, '', 'text', true), weight: 1 },
    // Deep nesting.
    { arbitrary: fc.integer({ min: 50, max: 3000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown), weight: 1 },
  );
}

export function rawBody(session: () => Session): fc.Arbitrary<string | Uint8Array | undefined> {
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

export function specialHeaders(session: () => Session): fc.Arbitrary<Record<string, string>> {
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
export function clean(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value === '' || /^[\x20-\x7e]*$/.test(value)).map(([name, value]) => [name, value.trim()]));
}

export function otherHeaders(): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), fc.stringMatching(HEADER_VALUE), { maxKeys: 4 });
}

import type { Auth } from '../create-auth.js';
import type { Logger } from '../ports/logger.js';
import { HTTP_STATUS_BY_CODE, type HttpErrorCode, type HttpErrorDetails } from './errors.js';
import type { Casing } from './lib/casing.js';
import { parseNetwork } from './lib/client-ip.js';
import { originOf, safeRedirect } from './lib/redirect.js';
import { DEFAULT_PATHS, type HeaderCheck, type HttpOptions, type HttpSuccess, type RouteId, type RouteOptions } from './options.js';
import { schemaContext } from './response-schemas.js';
import type { HttpMethod, RouteDeclaration, ServedRoute } from './route.js';
import { ROUTES } from './routes.js';
import type { UserId } from '../ports/store.js';

/** The default largest body: 16 KiB, plenty for every route, too little to buy much parsing or hashing work. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

const DEFAULT_COOKIE_NAME = '__Host-gatehouse-refresh';

/** The options after validation, with every default filled in. */
export interface ResolvedHttpOptions {
  routes: ServedRoute[];
  casing: Casing;
  routeOptions: Partial<Record<RouteId, RouteOptions<never>>>;
  passwordConfirmation: boolean;
  requiredHeaders: [string, HeaderCheck][];
  formatSuccess: ((success: HttpSuccess) => unknown) | null;
  formatError: ((error: HttpErrorDetails, context: { route: RouteId | null }) => unknown) | null;
  statuses: Record<HttpErrorCode, number>;
  /** Message overrides by code, then by status. */
  messages: { byCode: Partial<Record<HttpErrorCode, string>>; byStatus: Partial<Record<number, string>> };
  bodyLimit: number;
  trustProxy: ReturnType<typeof parseNetwork>[];
  cookie: { name: string; allowedOrigins: string[] } | null;
  linkRedirect: { success: string; failure: string; allowedOrigins: string[]; base: string } | null;
  accessTokenRefresh: boolean;
  logger: Logger;
  openapi: { title: string; version: string; description: string | undefined };
}

function fail(message: string): never {
  throw new TypeError(`Invalid Gatehouse HTTP options:\n  - ${message}`);
}

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** A `paths` entry: `/path`, or `METHOD /path` to change the method too (e.g. `PATCH /change-password`). */
function checkPath(id: string, entry: unknown): { method: HttpMethod | null; path: string } {
  const match = typeof entry === 'string' ? /^(?:([A-Z]+) +)?(\/[A-Za-z0-9._~:/@!$&'()*+,;=-]*)$/.exec(entry) : null;
  const method = (match?.[1] ?? null) as HttpMethod | null;
  const path = match?.[2];
  if (!path || path.includes('//') || (method !== null && !METHODS.includes(method))) {
    fail(`paths.${id}: must be a path starting with "/" (e.g. "/me"), optionally after a method ("PATCH /change-password"), without query or "//"; or false to leave the route out.`);
  }
  return { method, path: path.length > 1 ? path.replace(/\/+$/, '') : path };
}

function origins(label: string, list: unknown, fallback: string | null): string[] {
  if (list === undefined) {
    if (fallback === null) fail(`${label}: give allowedOrigins, or set appUrl in createAuth so its origin can be the default.`);
    return [fallback];
  }
  if (!Array.isArray(list) || list.length === 0) fail(`${label}: must be a non-empty array of origins like "https://app.example.com".`);
  return list.map((value: unknown) => {
    const origin = typeof value === 'string' ? originOf(value) : null;
    if (origin === null || origin !== String(value).replace(/\/+$/, '')) fail(`${label}: "${String(value)}" is not an origin like "https://app.example.com".`);
    return origin;
  });
}

/** Routes whose default path follows another route's resolved path. */
const FOLLOWS = new Map((ROUTES as readonly RouteDeclaration[]).flatMap((route) => (route.follows ? [[route.id, route.follows] as const] : [])));

function resolveCookie(option: HttpOptions['refreshCookie'], appOrigin: string | null): ResolvedHttpOptions['cookie'] {
  if (!option) return null;
  const given = option === true ? {} : option;
  const name = given.name ?? DEFAULT_COOKIE_NAME;
  if (!/^__Host-[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) fail('refreshCookie.name: must start with "__Host-" and be a valid cookie name.');
  return { name, allowedOrigins: origins('refreshCookie.allowedOrigins', given.allowedOrigins, appOrigin) };
}

/**
 * Validates the HTTP options once, at creation: a mistake is a `TypeError` that says how to
 * fix it, never a surprise at request time.
 */
export function resolveHttpOptions<P>(auth: Auth<P, UserId>, options: HttpOptions = {}): ResolvedHttpOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object.');
  const appOrigin = auth.config.appUrl === null ? null : originOf(auth.config.appUrl);

  const casing = options.casing ?? 'camel';
  if (casing !== 'camel' && casing !== 'snake') fail('casing: must be "camel" or "snake".');

  const paths = options.paths ?? {};
  for (const id of Object.keys(paths)) if (!(id in DEFAULT_PATHS)) fail(`paths.${id}: not a route; routes are ${Object.keys(DEFAULT_PATHS).join(', ')}.`);
  const resolvedPath = (id: RouteId): string | false => {
    const given = paths[id];
    if (given === false) return false;
    if (given !== undefined) return checkPath(id, given).path;
    const follows = FOLLOWS.get(id);
    if (follows === undefined) return DEFAULT_PATHS[id];
    const parent = resolvedPath(follows.route as RouteId);
    return parent === false ? DEFAULT_PATHS[id] : `${parent}${follows.suffix}`;
  };

  const accessTokenRefresh = options.accessTokenRefresh ?? false;
  if (typeof accessTokenRefresh !== 'boolean') fail('accessTokenRefresh: must be true or false.');
  const cookie = resolveCookie(options.refreshCookie, appOrigin);
  const schemas = schemaContext(auth.config.profileSchema, { refreshInBody: cookie === null, userIds: auth.config.userIds.kind });
  const routes: ServedRoute[] = [];
  const seen = new Map<string, RouteId>();
  for (const route of ROUTES as readonly RouteDeclaration[]) {
    const path = resolvedPath(route.id as RouteId);
    if (path === false) continue;
    const given = paths[route.id as RouteId];
    const method = (typeof given === 'string' ? checkPath(route.id, given).method : null) ?? route.method;
    const key = `${method} ${path.replace(/:[^/]+/g, ':')}`;
    const other = seen.get(key);
    if (other) fail(`paths: ${route.id} and ${other} both answer ${method} ${path}; give one of them another path.`);
    seen.set(key, route.id as RouteId);
    routes.push({ ...route, method, path, bodySchema: route.body?.(schemas), responseSchema: route.response?.(schemas) });
  }

  const routeOptions = (options.routes ?? {}) as Partial<Record<RouteId, RouteOptions<never>>>;
  for (const [id, value] of Object.entries(routeOptions)) {
    if (!(id in DEFAULT_PATHS) || (ROUTES as readonly RouteDeclaration[]).find((route) => route.id === id)?.raw) fail(`routes.${id}: not a route with JSON data.`);
    if (typeof value !== 'object' || value === null) fail(`routes.${id}: must be an object.`);
    if (value.request !== undefined && !isFunction(value.request)) fail(`routes.${id}.request: must be a function.`);
    if (value.response !== undefined && !isFunction(value.response)) fail(`routes.${id}.response: must be a function.`);
    if (value.status !== undefined && !(Number.isInteger(value.status) && value.status >= 200 && value.status <= 299)) fail(`routes.${id}.status: must be a 2xx status.`);
    if (value.message !== undefined && typeof value.message !== 'string') fail(`routes.${id}.message: must be a string.`);
    for (const [canonical, wire] of Object.entries(value.fields ?? {})) {
      if (typeof wire !== 'string' || wire.length === 0) fail(`routes.${id}.fields.${canonical}: must be the field's name on the wire.`);
    }
  }

  const statuses = { ...HTTP_STATUS_BY_CODE };
  for (const [code, status] of Object.entries(options.statuses ?? {})) {
    if (!(code in HTTP_STATUS_BY_CODE)) fail(`statuses.${code}: not an error code.`);
    if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) fail(`statuses.${code}: must be a 4xx or 5xx status.`);
    statuses[code as HttpErrorCode] = status as number;
  }

  const messages: ResolvedHttpOptions['messages'] = { byCode: {}, byStatus: {} };
  for (const [key, message] of Object.entries(options.messages ?? {})) {
    if (typeof message !== 'string' || message.trim() === '') fail(`messages.${key}: must be a message to show users, e.g. "Invalid credentials".`);
    if (/^[45]\d\d$/.test(key)) messages.byStatus[Number(key)] = message;
    else if (key in HTTP_STATUS_BY_CODE) messages.byCode[key as HttpErrorCode] = message;
    else fail(`messages.${key}: not an error code (e.g. INVALID_CREDENTIALS) or a 4xx/5xx status.`);
  }

  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) fail('bodyLimit: must be a whole number of bytes, at least 1024.');

  const requiredHeaders = Object.entries(options.requiredHeaders ?? {}).map(([name, check]): [string, HeaderCheck] => {
    const valid = typeof check === 'string' || isFunction(check) || (Array.isArray(check) && check.every((item) => typeof item === 'string'));
    if (!valid || check === '') fail(`requiredHeaders.${name}: must be a value, an array of values or a function (value) => boolean.`);
    return [name.toLowerCase(), check];
  });


  let linkRedirect: ResolvedHttpOptions['linkRedirect'] = null;
  if (options.linkRedirect) {
    const given = options.linkRedirect;
    const allowedOrigins = origins('linkRedirect.allowedOrigins', given.allowedOrigins, appOrigin);
    const base = auth.config.appUrl ?? allowedOrigins[0] ?? '';
    const check = (label: string, target: unknown): string => {
      const url = typeof target === 'string' ? safeRedirect(target, base, allowedOrigins) : null;
      if (url === null) fail(`linkRedirect.${label}: must be a path under appUrl or an absolute URL of an allowed origin.`);
      return url;
    };
    const success = check('success', given.success);
    linkRedirect = { success, failure: given.failure === undefined ? success : check('failure', given.failure), allowedOrigins, base };
  }

  if (options.formatSuccess !== undefined && !isFunction(options.formatSuccess)) fail('formatSuccess: must be a function.');
  if (options.formatError !== undefined && !isFunction(options.formatError)) fail('formatError: must be a function.');
  const passwordConfirmation = options.passwordConfirmation ?? false;
  if (typeof passwordConfirmation !== 'boolean') fail('passwordConfirmation: must be true or false.');
  if (options.trustProxy !== undefined && !Array.isArray(options.trustProxy)) fail('trustProxy: must be an array of addresses or CIDR blocks, e.g. ["10.0.0.0/8"].');
  const trustProxy = (options.trustProxy ?? []).map((entry) => {
    try {
      return parseNetwork(String(entry));
    } catch (error) {
      return fail((error as Error).message);
    }
  });

  return {
    routes,
    casing,
    routeOptions,
    passwordConfirmation,
    requiredHeaders,
    formatSuccess: options.formatSuccess ?? null,
    formatError: options.formatError ?? null,
    statuses,
    messages,
    bodyLimit,
    trustProxy,
    cookie,
    linkRedirect,
    accessTokenRefresh,
    logger: options.logger ?? auth.context.logger,
    openapi: {
      title: options.openapi?.title ?? `${auth.config.appName} authentication`,
      version: options.openapi?.version ?? '1.0.0',
      description: options.openapi?.description,
    },
  };
}

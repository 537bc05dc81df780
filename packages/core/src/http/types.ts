import type { Identity } from '../flows/authenticate.js';
import type { AuthenticateResult } from './authenticator.js';
import type { HttpErrorCode } from './errors.js';
import type { RouteId } from './options.js';
import type { RouteDeclaration } from './route.js';
import type { UserId } from '../ports/store.js';

/** Header values as Node and most frameworks hold them (lower-case names), or a Fetch `Headers`. */
export type HttpHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * What an adapter found wrong with a body before Gatehouse saw it (its framework read the
 * body): Gatehouse answers with its own envelope and status.
 */
export type BodyProblem = 'too_large' | 'malformed' | 'unsupported_media_type';

/**
 * A request body as an adapter has it: the raw bytes or text (Gatehouse parses them and
 * enforces the size cap), a value the framework already parsed as JSON, or a problem the
 * framework ran into reading it.
 */
export type HttpRequestBody = string | Uint8Array | { parsed: unknown } | { problem: BodyProblem };

/** A request as an adapter hands it to the contract: nothing framework-specific. */
export interface HttpRequest {
  method: string;
  /** The path below the mount point, e.g. `/login` (a query string may follow). */
  path: string;
  headers: HttpHeaders;
  body?: HttpRequestBody | undefined;
  /**
   * The address of the TCP peer (the socket), never a header: `trustProxy` decides about headers.
   * The rate-limited routes need it: without it they answer `CLIENT_ADDRESS_UNKNOWN` (503).
   */
  ip?: string | undefined;
  /** Where the routes are mounted, e.g. `/auth`; used for the OpenAPI document's server URL. */
  basePath?: string | undefined;
}

/** A response for an adapter to write as it is. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names; `set-cookie` may hold several values. */
  headers: Record<string, string | string[]>;
  /** The serialized body (JSON), or `null` for none. */
  body: string | null;
}

/** A route as the handler serves it, for adapters that register routes one by one. */
export interface ResolvedRoute {
  id: RouteId;
  method: RouteDeclaration['method'];
  /** The path below the mount point, with `:param` segments. */
  path: string;
  auth: RouteDeclaration['auth'];
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
  /**
   * Whether a route has this path below the mount point (a query string may follow), for any
   * method. When it is false, `handle` would answer `NOT_FOUND`: an adapter mounted at the root
   * of an app hands the request back to the app instead (its later routes, its own 404), so that
   * Gatehouse answers only for its own paths. A path it serves with another method is still
   * Gatehouse's: `handle` answers 405 with `Allow`, or 204 to `OPTIONS`.
   * @example
   * ```ts
   * http.serves('/login?next=1'); // true
   * http.serves('/api/orders'); // false
   * ```
   */
  serves(path: string): boolean;
  /** Checks `Authorization: Bearer` for an app's own routes (`requireAuth`). */
  authenticate(request: Pick<HttpRequest, 'headers'>): Promise<AuthenticateResult>;
  /**
   * The caller's identity without waiting, when the bearer token was verified before and the
   * config is stateless; `null` whenever {@link HttpHandler.authenticate} must decide. Lets
   * `requireAuth` skip the asynchronous path on the common case.
   */
  rememberedIdentity(request: Pick<HttpRequest, 'headers'>): Identity<UserId> | null;
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

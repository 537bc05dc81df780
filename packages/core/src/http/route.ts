import type { z } from 'zod';
import type { RequestMeta } from '../context.js';
import type { Auth } from '../create-auth.js';
import type { Identity } from '../flows/authenticate.js';
import type { TokenPair } from '../sessions/sessions.js';
import type { RateLimitRuleName } from '../rate-limit/rules.js';
import type { TokensJson } from './serialize.js';
import type { UserId } from '../ports/store.js';

/** The HTTP methods the contract uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Whether a route needs `Authorization: Bearer`: always, never, or when a body field asks for it. */
export type RouteAuth = 'bearer' | 'none' | 'optional';

/** The schemas a route's body and response are built from, for the app's profile and transport. */
export interface SchemaContext {
  /** The app's profile schema. */
  profile: z.ZodObject;
  /** The user as the contract sends it (profile fields at the top level). */
  user: z.ZodObject;
  /** The tokens a route hands out (without `refreshToken` in cookie mode). */
  tokens: z.ZodObject;
  /** One live session of the caller. */
  session: z.ZodObject;
}

/** What a route handler is given. */
export interface RouteCall {
  auth: Auth<Record<string, unknown>, UserId>;
  /** The body with camelCase field names (aliases, casing and mappers applied); `{}` when none. */
  body: Record<string, unknown>;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The caller, for `bearer` routes and `optional` routes that were sent a token. */
  identity: Identity<UserId> | null;
  /** The refresh token from the cookie, in cookie mode. */
  cookieToken: string | undefined;
  /** The access token of the Authorization header, if any. */
  bearerToken: string | undefined;
  /** The client's address and agent, and the trail the flows report their rate limits on. */
  meta: RequestMeta;
  /** Where the routes are mounted, e.g. `/auth`. */
  basePath: string;
  /** Whether the HTTP options turned on `accessTokenRefresh`. */
  accessTokenRefresh: boolean;
  /** The OpenAPI document of the served routes, with `basePath` as its server URL. */
  openapi(basePath: string): Record<string, unknown>;
  /** The JSON form of tokens the route hands out (without the refresh token in cookie mode). */
  tokens(pair: TokenPair): TokensJson;
}

/** What a route handler answers: data for the envelope, and tokens to hand out. */
export interface RouteOutcome<Data> {
  /** The route's data, before mappers, casing and the envelope; `null` for "message only". */
  data: Data;
  /** Tokens handed out (their refresh token goes in the cookie in cookie mode). */
  tokens?: TokenPair | null;
  /** Remove the refresh-token cookie (the session ended). */
  clearCookie?: boolean;
  /** For `raw` routes: the `Cache-Control` of the document. */
  cacheControl?: string;
}

/**
 * One route of the contract, declared once: everything else (routing, paths, statuses,
 * messages, OpenAPI, Fastify schemas, the client's types) is derived from it.
 */
export interface RouteDeclaration<Id extends string = string, Data = unknown> {
  id: Id;
  method: HttpMethod;
  /** Default path below the mount point, with `:param` segments. */
  path: string;
  /** A path that follows another route's (resolved) path, plus a suffix, unless the app sets its own. */
  follows?: { route: string; suffix: string };
  /** Success status. */
  status: number;
  /** Success message, handed to `formatSuccess` and sent when there is no data. */
  message: string;
  auth: RouteAuth;
  /** Short description, for the OpenAPI document. */
  summary: string;
  /** Zod schema of the JSON body (camelCase), for validation, the OpenAPI document and Fastify's route schemas. */
  body?: (schemas: SchemaContext) => z.ZodType;
  /** Zod schema of the path parameters. */
  params?: z.ZodObject;
  /** Zod schema of the success data (before the envelope), for the OpenAPI document. */
  response?: (schemas: SchemaContext) => z.ZodType;
  /** The field holding a new password, whose `…Confirmation` field `passwordConfirmation` checks. */
  passwordField?: string;
  /** An emailed link: answers JSON or redirects (`linkRedirect`), needs no app header. */
  link?: boolean;
  /** Serves a standard document as it is: no envelope, no casing, no app header, no per-IP limit. */
  raw?: boolean;
  /**
   * Rules keyed by the client's address that the route's flow counts, besides the per-IP rule
   * the pipeline counts on every route: without a client address the request is refused.
   */
  clientRules?: readonly RateLimitRuleName[];
  /** For a `raw` document that may not exist: when it answers 404 (documented in OpenAPI). */
  absentWhen?: string;
  /** Reads the refresh token from the cookie when the body has none (cookie mode); a refusal then clears the cookie. */
  readsRefreshCookie?: boolean;
  handle(call: RouteCall): Promise<RouteOutcome<Data>>;
}

/** A route as the handler serves it: its declaration, with the app's method and path. */
export interface ServedRoute extends RouteDeclaration<string, unknown> {
  /** The body schema for this app's profile and transport. */
  bodySchema: z.ZodType | undefined;
  /** The success-data schema for this app's profile and transport. */
  responseSchema: z.ZodType | undefined;
}

/** Declares a route; the identity function that keeps its id and data types for derivation. */
export function defineRoute<const Id extends string, Data>(route: RouteDeclaration<Id, Data>): RouteDeclaration<Id, Data> {
  return route;
}

/** A standard document served as it is (JWKS, OpenAPI): no envelope, no casing, no mappers. */
export interface RawDocument {
  readonly [key: string]: unknown;
}

/** Declares a route that serves a standard document (`raw`). */
export function defineRawRoute<const Id extends string>(route: Omit<RouteDeclaration<Id, RawDocument>, 'raw'>): RouteDeclaration<Id, RawDocument> & { raw: true } {
  return { ...route, raw: true };
}

import type { Auth } from '../../create-auth.js';
import type { UserId } from '../../ports/store.js';

/** The words every adapter uses when a factory is not given the auth object. */
export const NEEDS_AUTH = 'needs the object createAuth() returned';

/**
 * Whether `value` is what createAuth() returned. Looks at methods only: the guards must not read
 * the auth object's `context` once per route (see {@link httpAuthenticator}).
 */
export function isGatehouseAuth(value: unknown): value is Auth<Record<string, unknown>, UserId> {
  const candidate = value as { authenticate?: unknown; jwks?: unknown } | null | undefined;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.authenticate === 'function' && typeof candidate.jwks === 'function';
}

/** A value as an error message names it: `undefined`, `a string`, `another object`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'another object' : `a ${typeof value}`;
}

/** Whether `value` looks like a Node-style request object (`method` and `headers`), as Express and Fastify pass one. */
export function isRequestLike(value: unknown): boolean {
  const candidate = value as { method?: unknown; headers?: unknown } | null | undefined;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.method === 'string' && typeof candidate.headers === 'object';
}

/** How an adapter's framework calls a handler it was given: what it passes first, and how to recognise it. */
export interface FrameworkCall {
  /** e.g. `Express`. */
  framework: string;
  /** What the framework passes where `auth` belongs, e.g. `a request`. */
  passes: string;
  /** Whether `value` is that (a request, a context). */
  recognise(value: unknown): boolean;
}

/**
 * Refuses anything but an auth object where an adapter's `factory` needs one, saying what to
 * write instead (`usage`). When the value is the framework's own request or context, the
 * factory itself was handed to the framework uncalled (`app.get(path, requireAuth, …)`), and the
 * message says so.
 * @throws TypeError
 */
export function assertAuthArgument(factory: string, value: unknown, usage: string, call: FrameworkCall): void {
  if (isGatehouseAuth(value)) return;
  const needs = `${factory}(auth) ${NEEDS_AUTH}`;
  if (call.recognise(value)) {
    throw new TypeError(`${needs}, and got ${call.passes}: ${call.framework} called ${factory} itself, because it was given uncalled. Write ${usage}, not ${factory}.`);
  }
  throw new TypeError(`${needs}, and got ${describeValue(value)}. Write ${usage}, with auth = createAuth({ … }).`);
}

import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AuthConfig } from '../../config.js';
import { createAuth, type Auth } from '../../create-auth.js';
import { createHttpHandler } from '../../http/handler.js';
import type { HttpOptions } from '../../http/options.js';
import { fakeClock } from '../../memory/fake-clock.js';
import { memoryMailer } from '../../memory/memory-mailer.js';
import { memoryStore } from '../../memory/memory-store.js';
import { argon2Hasher } from '../../password/argon2-hasher.js';
import type { Logger } from '../../ports/logger.js';
import { APP_URL, problems } from './fuzz/judge.js';
import { EMAIL, METHODS, PASSWORD, anyPath, clean, jsonBody, otherHeaders, printable, rawBody, resolvedPath, specialHeaders, wellEncoded, type FuzzRequest, type Session } from './fuzz/requests.js';
import type { ContractMount, MountedApp } from './suite-app.js';

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
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Property tests for an adapter: generated JSON bodies, headers, paths and methods for every
 * route, checked against the contract's promises: never a 5xx, never a stack trace, an error
 * class or a dependency path in a body, always the error envelope `{ error: { code, message,
 * fields? } }` with the status of its code for 4xx, and `{ data }` for 2xx. Call it inside a test
 * file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runHttpFuzz } from '@gatehouse-auth/core/http/testing';
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

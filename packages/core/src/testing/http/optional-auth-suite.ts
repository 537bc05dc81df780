import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, type Auth } from '../../create-auth.js';
import { fakeClock } from '../../memory/fake-clock.js';
import { memoryStore } from '../../memory/memory-store.js';
import { argon2Hasher } from '../../password/argon2-hasher.js';
import { APP_URL, PASSWORD, SECRET, START, type MountedApp } from './suite-app.js';

/** The two routes of {@link runOptionalAuth}: `GET /feed` behind optionalAuth, `GET /orders` behind requireAuth. */
export type OptionalAuthRoute = 'feed' | 'orders';

/** Options of {@link runOptionalAuth}. */
export interface OptionalAuthOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /**
   * Builds a fresh app of the adapter's framework with `GET /feed` behind `optionalAuth(auth)` and
   * `GET /orders` behind `requireAuth(auth)`: the same handler behind each guard, which calls
   * `ran(route)` and answers `{ auth }`, the identity the guard set (`null` for none). Called once
   * for the suite; `close` is called after its last test.
   */
  serve(auth: Auth, ran: (route: OptionalAuthRoute) => void): MountedApp | Promise<MountedApp>;
}

/**
 * Checks an adapter's `optionalAuth`: a request without a bearer token runs the route with no
 * identity; a valid token gives the identity `requireAuth` gives; an invalid, malformed or expired
 * token gets the 401 `requireAuth` gives, and the route does not run. Call it inside a test file;
 * it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runOptionalAuth } from '@gatehouse-auth/core/http/testing';
 * runOptionalAuth({
 *   name: 'my-framework',
 *   serve(auth, ran) {
 *     // GET /feed behind optionalAuth(auth), GET /orders behind requireAuth(auth), each calling ran(route)
 *     // and answering { auth: identity ?? null }; return { fetch(path, init), close() }.
 *   },
 * });
 * ```
 */
export function runOptionalAuth({ name, serve }: OptionalAuthOptions): void {
  describe(`optionalAuth (${name})`, () => {
    const clock = fakeClock(START);
    const auth = createAuth({
      store: memoryStore(),
      secret: SECRET,
      appUrl: APP_URL,
      clock,
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      emailVerification: { requiredForLogin: false },
    }) as Auth;
    const ran: OptionalAuthRoute[] = [];
    let app: MountedApp | undefined;

    beforeAll(async () => {
      app = await serve(auth, (route) => void ran.push(route));
    });
    afterAll(async () => {
      await app?.close?.();
    });

    async function get(path: string, authorization?: string): Promise<{ status: number; challenge: string | null; body: unknown }> {
      if (!app) throw new Error('runOptionalAuth: serve() did not return an app');
      const response = await app.fetch(path, { headers: authorization === undefined ? {} : { authorization } });
      return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
    }

    async function accessToken(email: string): Promise<string> {
      await auth.register({ email, password: PASSWORD });
      return (await auth.login({ email, password: PASSWORD })).tokens.accessToken;
    }

    it('runs the route without an identity when the request has no token', async () => {
      ran.length = 0;
      expect(await get('/feed')).toEqual({ status: 200, challenge: null, body: { auth: null } });
      // Credentials of another scheme are no bearer token either.
      expect(await get('/feed', 'Basic dXNlcjpwYXNz')).toEqual({ status: 200, challenge: null, body: { auth: null } });
      expect(ran).toEqual(['feed', 'feed']);
    });

    it('sets the identity from a valid token, as requireAuth does', async () => {
      const token = await accessToken('ada@example.com');
      const optional = await get('/feed', `Bearer ${token}`);
      expect(optional.status).toBe(200);
      expect((optional.body as { auth: { userId: string } }).auth.userId).toEqual(expect.any(String));
      expect(optional).toEqual(await get('/orders', `Bearer ${token}`));
    });

    it('answers an invalid, malformed or expired token with the 401 requireAuth gives, without running the route', async () => {
      const expiring = await accessToken('grace@example.com');
      clock.advance(16 * 60 * 1000);
      try {
        for (const authorization of ['Bearer not-a-token', 'Bearer two words', `Bearer ${expiring}`]) {
          ran.length = 0;
          const optional = await get('/feed', authorization);
          expect(optional.status, authorization).toBe(401);
          expect(optional.challenge, authorization).toContain('error="invalid_token"');
          expect(optional, authorization).toEqual(await get('/orders', authorization));
          expect(ran, authorization).toEqual([]);
        }
      } finally {
        clock.advance(-16 * 60 * 1000);
      }
    });
  });
}

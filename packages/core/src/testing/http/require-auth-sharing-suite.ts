import { describe, expect, it } from 'vitest';
import { createAuth, type Auth } from '../../create-auth.js';
import type { HttpOptions } from '../../http/options.js';
import { memoryStore } from '../../memory/memory-store.js';
import { argon2Hasher } from '../../password/argon2-hasher.js';
import { APP_URL, SECRET } from './suite-app.js';

/** Options of {@link runRequireAuthSharing}; `Guard` is whatever `guard` returns. */
export interface RequireAuthSharingOptions<Guard = unknown> {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /** Builds one guard as an app does: the adapter's `requireAuth(auth, options)`, mounted on a route if you like. */
  guard(auth: Auth, options?: HttpOptions): Guard;
  /**
   * Sends a request without a token through `guard` and returns its status (optional): the suite
   * expects 401 from the last of the guards it built, so that a shared guard is seen to work.
   */
  statusWithoutToken?(guard: Guard): Promise<number>;
}

/** An auth object and the number of times its `config` or `context` has been read. */
export interface CountedAuth {
  auth: Auth;
  reads(): number;
}

/**
 * Wraps `auth` in a proxy that counts how often its `config` or `context` is read, as preparing a
 * guard does: a count that stays put while guards are built shows that they share one.
 *
 * @example
 * ```ts
 * import { countAuthReads } from '@gatehouse-auth/core/http/testing';
 * // const { auth: counted, reads } = countAuthReads(auth);
 * // await app.register(myPlugin, { auth: counted }); const before = reads();
 * // requireAuth(counted); expect(reads()).toBe(before);
 * ```
 */
export function countAuthReads(auth: Auth): CountedAuth {
  let reads = 0;
  const proxy = new Proxy(auth, {
    get(target, key, receiver) {
      if (key === 'config' || key === 'context') reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { auth: proxy, reads: () => reads };
}

function testAuth(): Auth {
  return createAuth({ store: memoryStore(), secret: SECRET, appUrl: APP_URL, hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) }) as Auth;
}

/**
 * Checks that an adapter's `requireAuth` prepares its bearer-token check once per auth object
 * (and options object) and shares it, through `httpAuthenticator` from `@gatehouse-auth/core/http`,
 * rather than once per protected route. Call it inside a test file; it declares its own
 * `describe` block.
 *
 * @example
 * ```ts
 * import { runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
 * runRequireAuthSharing({ name: 'my-framework', guard: (auth, options) => requireAuth(auth, options) });
 * ```
 */
export function runRequireAuthSharing<Guard>({ name, guard, statusWithoutToken }: RequireAuthSharingOptions<Guard>): void {
  describe(`requireAuth (${name})`, () => {
    it('prepares one guard per auth object, however many routes requireAuth(auth) protects', async () => {
      const { auth, reads } = countAuthReads(testAuth());
      guard(auth);
      const first = reads();
      expect(first).toBeGreaterThan(0);
      let last: Guard | undefined;
      for (let i = 0; i < 50; i += 1) last = guard(auth);
      expect(reads()).toBe(first);
      if (statusWithoutToken) expect(await statusWithoutToken(last as Guard)).toBe(401);
    });

    it('resolves an options object once, however many guards use it', () => {
      let resolved = 0;
      const options: HttpOptions = {
        get casing() {
          resolved += 1;
          return 'camel' as const;
        },
      };
      const auth = testAuth();
      guard(auth, options);
      const first = resolved;
      expect(first).toBeGreaterThan(0);
      for (let i = 0; i < 50; i += 1) guard(auth, options);
      expect(resolved).toBe(first);
    });
  });
}

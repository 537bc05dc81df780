import { describe, expect, it } from 'vitest';
import { createAuth, type Auth } from '../../create-auth.js';
import { memoryStore } from '../../memory/memory-store.js';
import { APP_URL, SECRET } from './suite-app.js';

/** Options of {@link runAuthArgumentChecks}. */
export interface AuthArgumentChecksOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /**
   * The adapter's factories that take the auth object first, by the name their message uses, each
   * called with the value given: e.g. `{ requireAuth: (value) => requireAuth(value as never) }`.
   */
  factories: Record<string, (value: unknown) => unknown>;
}

/**
 * What apps pass by mistake where the auth object belongs, labelled for test names: nothing,
 * `null`, an options object, and `auth.context` of `auth` (a fresh auth object if omitted).
 */
export function notAuthArguments(auth: Auth = createAuth({ store: memoryStore(), secret: SECRET, appUrl: APP_URL }) as Auth): [string, unknown][] {
  return [
    ['nothing', undefined],
    ['null', null],
    ['an options object', { casing: 'snake' }],
    ['auth.context', auth.context],
  ];
}

/**
 * Checks that each of an adapter's factories, given something other than the auth object (see
 * {@link notAuthArguments}), throws a TypeError at once saying `<factory>(auth) needs the object
 * createAuth() returned`. Call it inside a test file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runAuthArgumentChecks } from '@gatehouse-auth/core/http/testing';
 * runAuthArgumentChecks({ name: 'my-framework', factories: { requireAuth: (value) => requireAuth(value as never) } });
 * ```
 */
export function runAuthArgumentChecks({ name, factories }: AuthArgumentChecksOptions): void {
  describe(`auth argument (${name})`, () => {
    const notAuth = notAuthArguments();
    for (const [factory, call] of Object.entries(factories)) {
      it.each(notAuth)(`${factory}(…) given %s throws at once, naming the fix`, (_label, value) => {
        expect(() => call(value)).toThrow(TypeError);
        expect(() => call(value)).toThrow(`${factory}(auth) needs the object createAuth() returned`);
      });
    }
  });
}

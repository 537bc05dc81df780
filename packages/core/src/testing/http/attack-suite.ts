import { describe } from 'vitest';
import { accessTokenAttacks } from './attacks/access-tokens.js';
import { accountIntegrityAttacks } from './attacks/account-integrity.js';
import { bruteForceAttacks } from './attacks/brute-force.js';
import { enumerationAttacks } from './attacks/enumeration.js';
import { attackSetup } from './attacks/harness.js';
import { hostileInputAttacks } from './attacks/hostile-input.js';
import { refreshTokenAttacks } from './attacks/refresh-tokens.js';
import type { ContractMount } from './suite-app.js';

/** Options of {@link runHttpAttacks}. */
export interface HttpAttackOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /** The same mount function as for `runHttpContract`: `/auth` routes, `GET /protected`, requests from 127.0.0.1. */
  mount: ContractMount;
}

/**
 * Attacks over HTTP, written once and run over every adapter: forged, confused and replayed
 * tokens, refresh-token theft, account enumeration, brute force and rate-limit evasion,
 * hostile bodies, Host-header poisoning, open redirects and mass assignment. Takes the same
 * mount function as {@link runHttpContract}. Call it inside a test file; it declares its own
 * `describe` block.
 *
 * @example
 * ```ts
 * import { runHttpAttacks } from '@gatehouse-auth/core/http/testing';
 * runHttpAttacks({ name: 'my-framework', mount: (auth, options) => ({ fetch: myApp(auth, options).fetch }) });
 * ```
 */
export function runHttpAttacks({ name, mount }: HttpAttackOptions): void {
  const setup = attackSetup(mount);
  describe(`HTTP attacks: ${name}`, () => {
    // One file per topic, under ./attacks/; each registers its own describe block.
    accountIntegrityAttacks(setup);
    accessTokenAttacks(setup);
    refreshTokenAttacks(setup);
    enumerationAttacks(setup);
    bruteForceAttacks(setup);
    hostileInputAttacks(setup);
  });
}

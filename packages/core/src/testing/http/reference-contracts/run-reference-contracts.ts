import { describe } from 'vitest';
import type { ContractMount } from '../suite-app.js';
import { contract000Tests } from './contract-000.js';
import { contract001Tests } from './contract-001.js';
import { contract002Tests } from './contract-002.js';
import { contract003Tests } from './contract-003.js';
import { contract004Tests } from './contract-004.js';

/** Options of {@link runReferenceContracts}. */
export interface ReferenceContractsOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /** Mounts the routes at the preset's base path, the third argument. */
  mount: ContractMount;
}

/**
 * The five reference contracts of `@gatehouse-auth/core/contracts`, each scripted from its document
 * alone as a client built on it would: paths, headers, fields, envelopes, statuses and the flows
 * end to end, over an app made of the preset and nothing else (a memory store and mailer, a
 * secret, the app's URL). Call it inside a test file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runReferenceContracts } from '@gatehouse-auth/core/http/testing';
 * runReferenceContracts({ name: 'my-framework', mount: (auth, options, basePath) => ({ fetch: myApp(auth, options, basePath).fetch }) });
 * ```
 */
export function runReferenceContracts({ name, mount }: ReferenceContractsOptions): void {
  describe(`reference contracts: ${name}`, () => {
    // One file per document; each registers its own describe block.
    contract000Tests(mount);
    contract001Tests(mount);
    contract002Tests(mount);
    contract003Tests(mount);
    contract004Tests(mount);
  });
}

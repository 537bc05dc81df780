import { describe } from 'vitest';
import { accountRoutesContract } from './contract/account-routes.js';
import { emailRoutesContract } from './contract/email-routes.js';
import { errorsContract } from './contract/errors.js';
import { contractSetup } from './contract/harness.js';
import { pathsAndDocumentsContract } from './contract/paths-and-documents.js';
import { rateLimitsContract } from './contract/rate-limits.js';
import { refreshCookieContract } from './contract/refresh-cookie.js';
import { requireAuthContract } from './contract/require-auth.js';
import type { ContractMount } from './suite-app.js';

/** Options of {@link runHttpContract}. */
export interface HttpContractOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  mount: ContractMount;
}

/**
 * The HTTP contract, written once and run over every adapter: every route, every error
 * status, trailing slashes, the body cap, `requireAuth`, client-address resolution, rate limits
 * (429, `Retry-After`, `RateLimit-*` headers) and the refresh-token cookie. Call it inside a test file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runHttpContract } from '@gatehouse-auth/core/http/testing';
 * runHttpContract({ name: 'my-framework', mount: (auth, options) => ({ fetch: myApp(auth, options).fetch }) });
 * ```
 */
export function runHttpContract({ name, mount }: HttpContractOptions): void {
  const setup = contractSetup(mount);
  describe(`HTTP contract: ${name}`, () => {
    // One file per group of routes, under ./contract/; each registers its own describe blocks.
    accountRoutesContract(setup);
    emailRoutesContract(setup);
    pathsAndDocumentsContract(setup);
    errorsContract(setup);
    requireAuthContract(setup);
    rateLimitsContract(setup);
    refreshCookieContract(setup);
  });
}

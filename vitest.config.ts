import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const alias = [
  // The HTTP test kits live with the other kits, in core's src/testing/http/ (the first match wins).
  { find: /^@gatehouse-auth\/core\/http\/testing$/, replacement: fileURLToPath(new URL('./packages/core/src/testing/http/index.ts', import.meta.url)) },
  // `@gatehouse-auth/core` and its subpaths (`/testing`, `/http`, …) resolve to core's source, so the
  // other packages' tests need no build of core and share its one AuthError class.
  { find: /^@gatehouse-auth\/core((?:\/[\w-]+)*)$/, replacement: `${fileURLToPath(new URL('./packages/core/src', import.meta.url))}$1/index.ts` },
];

// Core's flow tests, run again over SQL by the `flows-*` projects below.
const flowTests = [
  'register',
  'login',
  'refresh',
  'authenticate',
  'profile',
  'verify-email',
  'resend-verification',
  'password-reset',
  'change-password',
  'change-email',
  'account-model',
].map((flow) => `packages/core/src/flows/${flow}.test.ts`);

/** The same flow tests, with every `testAuth()` given a fresh Kysely store on `store`. */
function flowsOver(store: 'sqlite' | 'postgres'): TestProjectInlineConfiguration {
  return {
    resolve: { alias },
    test: {
      name: `flows-${store}`,
      include: flowTests,
      setupFiles: ['packages/kysely/src/test-support/flow-store-setup.ts'],
      env: { GATEHOUSE_FLOW_STORE: store },
      testTimeout: 20_000,
      hookTimeout: 60_000,
    },
  };
}

// One config for the whole workspace: every package's `*.test.ts` runs from the root.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/**/*.test.ts', 'docs/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'] },
    // The config above, as it is, then the flow tests again over Kysely + SQLite and PostgreSQL.
    projects: [{ extends: true, test: { name: 'default' } }, flowsOver('sqlite'), flowsOver('postgres')],
  },
});

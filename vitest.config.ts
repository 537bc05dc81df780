import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One config for the whole workspace: every package's `*.test.ts` runs from the root.
export default defineConfig({
  resolve: {
    alias: [
      // `@gatehouse/core` and its subpaths (`/testing`, `/http`, …) resolve to core's source, so the
      // other packages' tests need no build of core and share its one AuthError class.
      { find: /^@gatehouse\/core((?:\/[\w-]+)*)$/, replacement: `${fileURLToPath(new URL('./packages/core/src', import.meta.url))}$1/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/**/*.test.ts', 'docs/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'] },
  },
});

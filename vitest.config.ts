import { defineConfig } from 'vitest/config';

// One config for the whole workspace: every package's `*.test.ts` runs from the root.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/**/*.test.ts', 'docs/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'] },
  },
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // Resolved by the app: one copy of AuthError, the app's own Kysely and drivers.
  external: ['@gatehouse-auth/core', 'kysely', 'better-sqlite3', 'pg', 'mysql2'],
});

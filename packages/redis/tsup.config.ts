import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // Resolved by the app: one copy of AuthError, the app's own ioredis client.
  external: ['@gatehouse-auth/core', 'ioredis'],
});

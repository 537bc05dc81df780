// Build-output tests: they load packages/core/dist in a plain Node process, as a user's app
// would, so they need `pnpm build` first (`pnpm test` does it).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtEntry = join(packageDir, 'dist', 'index.js');

function runFixture(name: string): Record<string, unknown> {
  // Checked in each test rather than in a hook, so a missing build fails every test
  // instead of leaving them reported as skipped.
  if (!existsSync(builtEntry)) {
    throw new Error(`${builtEntry} is missing: run pnpm build first (pnpm test builds before testing)`);
  }
  try {
    const stdout = execFileSync(process.execPath, [join(packageDir, 'test', 'fixtures', name)], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch (error) {
    const e = error as { message: string; stderr?: string };
    throw new Error(`${name} failed under ${process.version}: ${e.stderr || e.message}`);
  }
}

describe('@gatehouse-auth/core built output', () => {
  it('can be require()d from CommonJS', () => {
    expect(runFixture('require-core.cjs')).toEqual({ node: process.version, createAuth: 'function', AuthError: 'function' });
  });

  it('gives import() and require() the same single copy of AuthError', () => {
    const result = runFixture('import-core.mjs');
    expect(result).toMatchObject({ createAuth: 'function', AuthError: 'function', sameAuthError: true });
    expect(fileURLToPath(String(result['resolved']))).toBe(builtEntry);
  });
});

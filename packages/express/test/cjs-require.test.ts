// Build-output test: a CommonJS Express app require()s the built packages, as a user's app
// would, so it needs `pnpm --filter @gatehouse-auth/core --filter @gatehouse-auth/express build` first
// (`pnpm test` builds everything before testing).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtEntries = [join(packageDir, 'dist', 'index.js'), join(packageDir, '..', 'core', 'dist', 'http', 'index.js')];

describe('@gatehouse-auth/express built output', () => {
  it('serves a login in a CommonJS Express app', async () => {
    // Checked in the test rather than in a hook, so a missing build fails instead of skipping.
    for (const entry of builtEntries) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm --filter @gatehouse-auth/core --filter @gatehouse-auth/express build first`);
    }
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(process.execPath, [join(packageDir, 'test', 'fixtures', 'login-app.cjs')], { cwd: packageDir, encoding: 'utf8' }));
    } catch (error) {
      const e = error as { message: string; stderr?: string };
      throw new Error(`login-app.cjs failed under ${process.version}: ${e.stderr || e.message}`);
    }
    expect(JSON.parse(stdout)).toEqual({ register: 201, login: 200, me: 200, sameUser: true });
  });
});

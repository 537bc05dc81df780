// Build-output test: runs the published bin, dist/cli.js, in a plain Node process as
// `pnpm exec gatehouse-kysely` would, so it needs `pnpm build` first (`pnpm test` does it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Checked in each test, so a missing build fails every test instead of skipping them.
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm build first (pnpm test builds before testing)`);
  const { status, stdout, stderr } = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status, stdout, stderr };
}

describe('the gatehouse-kysely bin', () => {
  it.each(['sqlite', 'postgres', 'mysql'])('prints the checked-in %s schema', (dialect) => {
    const expected = readFileSync(new URL(`../src/__snapshots__/schema.${dialect}.sql`, import.meta.url), 'utf8');
    expect(run('sql', '--dialect', dialect)).toEqual({ status: 0, stdout: expected, stderr: '' });
  });

  it('exits with 2 and the usage on a bad dialect', () => {
    const { status, stdout, stderr } = run('sql', '--dialect', 'oracle');
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toContain('Usage:\n  gatehouse-kysely sql --dialect postgres|mysql|sqlite');
  });

  it('migrates a SQLite file by URL, loading the driver from the app, and reports its status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-kysely-bin-'));
    try {
      const url = `sqlite:${join(dir, 'app.db')}`;
      expect(run('status', '--url', url)).toMatchObject({ status: 1, stdout: '' });
      expect(run('migrate', '--url', url)).toEqual({ status: 0, stdout: 'Applied 0001_initial\nApplied 0002_profile_unique_values\n', stderr: '' });
      const after = run('status', '--url', url);
      expect(after).toMatchObject({ status: 0, stderr: '' });
      expect(after.stdout).toMatch(/^0001_initial +applied .*\n0002_profile_unique_values +applied .*\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Builds the Gatehouse packages the bench imports (their dist/), when a dist is missing or older
// than its sources. A package that is not written yet, or fails to build, is reported and its
// scenarios are skipped; the bench itself goes on.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from './gatehouse.mjs';

/** In dependency order: core first. */
export const GATEHOUSE_PACKAGES = ['core', 'kysely', 'hono', 'fastify', 'express'];

/** @param {string} dir */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!/\.test(-d)?\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * @param {string} short
 * @returns {{ dir: string, entry: string, stale: boolean } | null} `null` when it has no sources yet
 */
function state(short) {
  const dir = join(REPO_DIR, 'packages', short);
  if (!existsSync(join(dir, 'src', 'index.ts'))) return null;
  const entry = join(dir, 'dist', 'index.js');
  return { dir, entry, stale: !existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(dir, 'src')) };
}

/**
 * The most telling line of a failed build's output: a TypeScript or esbuild error if there is one.
 *
 * @param {string} output
 */
function firstError(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const telling = lines.find((line) => /error TS\d+|✘ \[ERROR\]|\[ERROR\]|Error: /.test(line) && !/DTS Build error|ELIFECYCLE/.test(line));
  return (telling ?? lines.slice(-1)[0] ?? 'unknown error').slice(0, 300);
}

/**
 * @param {{ log: (line: string) => void, onlyMissing?: boolean }} io With `onlyMissing` (the
 *   quick run), a dist that exists but is older than its sources is used as it is, with a warning.
 * @returns {Record<string, string>} package → why its build failed
 */
export function buildGatehouse(io) {
  /** @type {Record<string, string>} */
  const failures = {};
  const started = performance.now();
  let built = 0;
  for (const short of GATEHOUSE_PACKAGES) {
    const current = state(short);
    if (!current?.stale) continue;
    if (io.onlyMissing && existsSync(current.entry)) {
      io.log(`note: @gatehouse-auth/${short}'s dist is older than its src; measuring it as built (pnpm build for the current code)`);
      continue;
    }
    io.log(`building @gatehouse-auth/${short} (dist ${existsSync(current.entry) ? 'older than src' : 'missing'})`);
    built += 1;
    const result = spawnSync('pnpm', ['--filter', `@gatehouse-auth/${short}`, 'build'], { cwd: REPO_DIR, encoding: 'utf8' });
    if (result.status !== 0) {
      failures[short] = `@gatehouse-auth/${short} failed to build (${firstError(`${result.stdout}\n${result.stderr}`)})`;
      io.log(`  ${failures[short]}`);
    }
  }
  if (built) io.log(`build took ${((performance.now() - started) / 1000).toFixed(1)} s (not part of the measurements)`);
  return failures;
}

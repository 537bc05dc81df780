#!/usr/bin/env node
// Type-checks every TypeScript project in the workspace, one `tsc -p <tsconfig> --noEmit`
// each, and fails if any of them fails. Projects are found, not listed:
//
//   packages/*/tsconfig.json, examples/*/tsconfig.json, bench/tsconfig.json,
//   and the root tsconfig.json (scripts, build-output tests, vitest config)
//
//   node scripts/typecheck.mjs [repoRoot]     (default: this repository)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Lists the tsconfig.json files to check under `root`, in a stable order.
 *
 * @param {string} root Repository root.
 * @returns {string[]} Paths relative to `root`, `/`-separated.
 */
export function findProjects(root) {
  /** @type {string[]} */
  const projects = [];
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && existsSync(join(dir, entry.name, 'tsconfig.json'))) projects.push(`${group}/${entry.name}/tsconfig.json`);
    }
  }
  if (existsSync(join(root, 'bench', 'tsconfig.json'))) projects.push('bench/tsconfig.json');
  if (existsSync(join(root, 'tsconfig.json'))) projects.push('tsconfig.json');
  return projects;
}

function main() {
  const root = resolve(process.argv[2] ?? join(here, '..'));
  // The compiler comes from this repository, whichever tree is checked.
  const tsc = createRequire(join(here, '..', 'package.json')).resolve('typescript/bin/tsc');
  const projects = findProjects(root);
  if (projects.length === 0) {
    console.error(`typecheck: no tsconfig.json found under ${root}`);
    process.exit(1);
  }
  /** @type {string[]} */
  const failed = [];
  for (const project of projects) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [tsc, '-p', join(root, project), '--noEmit', '--pretty', 'false'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const ok = result.status === 0;
    console.log(`typecheck: ${ok ? 'ok  ' : 'FAIL'} ${project} (${seconds}s)`);
    if (!ok) {
      failed.push(project);
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trimEnd();
      if (output) console.log(output.replace(/^/gm, '    '));
    }
  }
  if (failed.length > 0) {
    console.error(`typecheck: ${failed.length} of ${projects.length} projects failed: ${failed.join(', ')}`);
    process.exit(1);
  }
  console.log(`typecheck: all ${projects.length} projects ok (${relative(process.cwd(), root) || '.'})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

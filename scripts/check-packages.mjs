#!/usr/bin/env node
// Checks what we would publish, from the built output: for every package under packages/*
// that has a dist/ folder, runs publint (package.json fields against the packed files) and
// Are the Types Wrong (`attw --pack <dir> --profile esm-only`: the packages are ESM only by
// design, so the CommonJS-consumer rows are not judged). Fails on any error of either.
//
//   node scripts/check-packages.mjs [repoRoot]     (default: this repository)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * @typedef {object} PackageDir
 * @property {string} dir Absolute path of the package folder.
 * @property {string} name The package's `name`.
 * @property {boolean} built Whether it has a dist/ folder.
 * @property {boolean} isPrivate Whether package.json says `"private": true`.
 */

/**
 * Lists the packages under `<root>/packages/*`, in a stable order.
 *
 * @param {string} root Repository root.
 * @returns {PackageDir[]}
 */
export function findPackages(root) {
  const packagesDir = join(root, 'packages');
  if (!existsSync(packagesDir)) return [];
  /** @type {PackageDir[]} */
  const found = [];
  for (const entry of readdirSync(packagesDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(packagesDir, entry.name);
    const manifest = join(dir, 'package.json');
    if (!entry.isDirectory() || !existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    found.push({ dir, name: pkg.name ?? entry.name, built: existsSync(join(dir, 'dist')), isPrivate: pkg.private === true });
  }
  return found;
}

/**
 * @param {PackageDir} pkg
 * @returns {Promise<{ errors: number, warnings: number }>}
 */
async function runPublint(pkg) {
  // `pack: 'pnpm'` lints the file list `pnpm pack` would publish, with `catalog:` and
  // `workspace:` ranges resolved as they would be on the registry.
  const { messages, pkg: manifest } = await publint({ pkgDir: pkg.dir, level: 'suggestion', pack: 'pnpm' });
  let errors = 0;
  let warnings = 0;
  for (const message of messages) {
    if (message.type === 'error') errors++;
    if (message.type === 'warning') warnings++;
    console.log(`  publint ${message.type}: ${formatMessage(message, manifest, { color: false }) ?? message.code}`);
  }
  return { errors, warnings };
}

/**
 * @param {PackageDir} pkg
 * @returns {boolean} whether attw found no problem
 */
function runAttw(pkg) {
  const manifest = createRequire(join(here, '..', 'package.json')).resolve('@arethetypeswrong/cli/package.json');
  const attw = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.attw);
  const result = spawnSync(process.execPath, [attw, '--pack', pkg.dir, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color', '--no-emoji'], {
    cwd: pkg.dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`
    .split('\n')
    .filter((line) => !line.startsWith('npm warn Unknown user config'))
    .join('\n')
    .trimEnd();
  if (output) console.log(output.replace(/^/gm, '  attw: '));
  return result.status === 0;
}

async function main() {
  const root = resolve(process.argv[2] ?? join(here, '..'));
  const packages = findPackages(root);
  /** @type {string[]} */
  const summary = [];
  /** @type {string[]} */
  const failed = [];
  let checked = 0;
  for (const pkg of packages) {
    if (pkg.isPrivate) {
      summary.push(`skip ${pkg.name}: private, not published`);
      continue;
    }
    if (!pkg.built) {
      summary.push(`skip ${pkg.name}: no dist/ (run pnpm build first)`);
      continue;
    }
    checked++;
    console.log(`check-packages: ${pkg.name}`);
    const lint = await runPublint(pkg);
    const typesOk = runAttw(pkg);
    const ok = lint.errors === 0 && typesOk;
    if (!ok) failed.push(pkg.name);
    summary.push(
      `${ok ? 'ok  ' : 'FAIL'} ${pkg.name}: publint ${lint.errors} error(s), ${lint.warnings} warning(s); attw --profile esm-only ${typesOk ? 'no problems' : 'found problems'}`,
    );
  }
  console.log('check-packages summary:');
  for (const line of summary) console.log(`  ${line}`);
  if (checked === 0) {
    console.error('check-packages: no built package to check; run pnpm build first');
    process.exit(1);
  }
  if (failed.length > 0) {
    console.error(`check-packages: ${failed.length} package(s) failed: ${failed.join(', ')}`);
    process.exit(1);
  }
  console.log(`check-packages: all ${checked} built package(s) pass`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

// Target 5: cold `import()` time and installed size of @gatehouse-auth/core + one adapter, against
// better-auth. Each import sample is a fresh Node process that times its own `import()` (so
// Node's start-up is not counted); samples alternate between the subjects.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BENCH_DIR, missingPackages } from '../lib/gatehouse.mjs';
import { done, options } from './_measure.mjs';

const { samples = 5 } = options();
// The first adapter that is built: Hono's, else Fastify's, else Express's.
const adapter = ['hono', 'fastify', 'express'].find((a) => !missingPackages(['core', a])) ?? 'hono';

/** @type {Record<string, { modules: string[], skipped: string | null }>} */
const subjects = {
  gatehouse: { modules: ['@gatehouse-auth/core', `@gatehouse-auth/${adapter}`], skipped: missingPackages(['core', adapter]) },
  'gatehouse-core': { modules: ['@gatehouse-auth/core'], skipped: missingPackages(['core']) },
  'better-auth': { modules: ['better-auth'], skipped: null },
};

/** @param {string[]} modules */
function importMs(modules) {
  const code = `const t=performance.now();${modules.map((m) => `await import(${JSON.stringify(m)});`).join('')}process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: BENCH_DIR, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr.trim().split('\n').slice(-2).join(' '));
  return Number(child.stdout);
}

/** @type {Record<string, number[]>} */
const importSamples = {};
for (const [name, subject] of Object.entries(subjects)) if (!subject.skipped) importSamples[name] = [];
for (let i = 0; i < samples; i += 1) {
  for (const [name, subject] of Object.entries(subjects)) {
    if (subject.skipped) continue;
    try {
      importSamples[name].push(importMs(subject.modules));
    } catch (error) {
      subject.skipped = `import failed: ${/** @type {Error} */ (error).message}`;
      delete importSamples[name];
    }
  }
}

/**
 * Where `name` resolves from `fromDir`, following Node's node_modules lookup (pnpm's layout puts
 * a package's dependencies beside it in .pnpm/<id>/node_modules).
 *
 * @param {string} name
 * @param {string} fromDir
 */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/** @param {string} dir */
function dirBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
    else if (entry.isSymbolicLink()) total += lstatSync(path).size;
  }
  return total;
}

/**
 * What `npm install <the modules>` would put on disk: the packages and their dependencies and
 * installed optional dependencies (native binaries), recursively; peer dependencies excluded.
 * Gatehouse's own packages count only what they would publish (`files`).
 *
 * @param {string[]} modules
 */
function installedSize(modules) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  /** @param {string} name @param {string} from */
  function visit(name, from) {
    const dir = packageDir(name, from);
    if (!dir || seen.has(dir)) return;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const published = name.startsWith('@gatehouse-auth/') ? ['dist', 'package.json', 'README.md'].filter((f) => existsSync(join(dir, f))) : null;
    const bytes = published
      ? published.reduce((sum, f) => sum + (statSync(join(dir, f)).isDirectory() ? dirBytes(join(dir, f)) : statSync(join(dir, f)).size), 0)
      : dirBytes(dir);
    seen.set(dir, bytes);
    for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]) visit(dep, dir);
  }
  for (const name of modules) visit(name, BENCH_DIR);
  return { bytes: [...seen.values()].reduce((a, b) => a + b, 0), packages: seen.size };
}

/** @type {Record<string, unknown>} */
const result = { importMs: importSamples, installed: {}, skipped: {}, modules: {} };
for (const [name, subject] of Object.entries(subjects)) {
  /** @type {any} */ (result.modules)[name] = subject.modules;
  if (subject.skipped) /** @type {any} */ (result.skipped)[name] = subject.skipped;
  else /** @type {any} */ (result.installed)[name] = installedSize(subject.modules);
}
done(result);

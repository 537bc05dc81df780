#!/usr/bin/env node
// House rule 11: core reads time only through `ctx.clock.now()`, so tests can move a fake
// clock instead of sleeping. This check fails the lint when a file under
// packages/core/src reads the wall clock directly: `Date.now()` or `new Date()`.
//
// `new Date(x)` with an argument builds a Date from a value (an expiry computed from
// `clock.now()`, a JWT's `exp`) and reads no clock, so it passes unless --strict is given,
// which flags every `new Date(`.
//
//   node scripts/check-clock.mjs [--strict] [srcDir]     (default: packages/core/src)
//
// The pure functions are exported so that scripts/check-clock.test.ts can show the check
// catches what it should.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * @typedef {object} ClockCall
 * @property {number} line 1-based line of the call.
 * @property {number} column 1-based column of the call.
 * @property {string} match What was found: `Date.now`, `new Date()` or `new Date(…)`.
 */

/**
 * @typedef {object} ClockCheckOptions
 * @property {boolean} [strict] Also flag `new Date(x)` with arguments. Default `false`.
 */

// `Date.now` is caught with or without the call parentheses: passing the function itself
// (`{ now: Date.now }`) reads the wall clock just the same.
const DATE_NOW = /\b(?:globalThis\s*\.\s*)?Date\s*\.\s*now\b/g;
const NEW_DATE = /\bnew\s+(?:globalThis\s*\.\s*)?Date\b(?!\s*\.)/g;

// After one of these characters a `/` starts a regular expression, not a division.
const REGEX_PRECEDERS = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * Blanks out comments and the text of string, template and regular-expression literals,
 * keeping every newline and the length of every line, so positions still match the source.
 * Code inside `${…}` of a template literal is kept.
 *
 * @param {string} source
 * @returns {string}
 */
export function stripCommentsAndStrings(source) {
  const out = source.split('');
  /** @param {number} from @param {number} to */
  const blank = (from, to) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  /** @type {number[]} brace depth at which each open `${` returns to its template */
  const templateStack = [];
  let braceDepth = 0;
  let i = 0;
  const n = source.length;

  /** The last significant character or word before position `i`, for the regex heuristic. */
  const previousToken = () => {
    let j = i - 1;
    while (j >= 0 && /\s/.test(out[j] ?? '')) j--;
    if (j < 0) return '';
    const ch = out[j] ?? '';
    if (/[\w$]/.test(ch)) {
      let k = j;
      while (k >= 0 && /[\w$]/.test(out[k] ?? '')) k--;
      return out.slice(k + 1, j + 1).join('');
    }
    return ch;
  };

  /** Scans a template literal body from `i` (just after the backtick or `}`). */
  const scanTemplate = () => {
    const start = i;
    while (i < n) {
      const ch = source[i];
      if (ch === '\\') { i += 2; continue; }
      if (ch === '`') { blank(start, i); i++; return; }
      if (ch === '$' && source[i + 1] === '{') {
        blank(start, i);
        i += 2;
        templateStack.push(braceDepth);
        braceDepth++;
        return;
      }
      i++;
    }
    blank(start, n);
  };

  while (i < n) {
    const ch = source[i];
    const next = source[i + 1];
    if (ch === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (ch === '"' || ch === "'") {
      const start = i + 1;
      i++;
      while (i < n && source[i] !== ch && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      blank(start, i);
      i++;
    } else if (ch === '`') {
      i++;
      scanTemplate();
    } else if (ch === '/') {
      const prev = previousToken();
      const isRegex = /[\w$]/.test(prev.slice(-1)) ? REGEX_KEYWORDS.has(prev) : REGEX_PRECEDERS.has(prev);
      if (!isRegex) { i++; continue; }
      const start = i + 1;
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n') {
        const c = source[i];
        if (c === '\\') { i += 2; continue; }
        if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
        i++;
      }
      blank(start, i);
      i++;
    } else if (ch === '{') {
      braceDepth++;
      i++;
    } else if (ch === '}') {
      braceDepth--;
      i++;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        scanTemplate();
      }
    } else {
      i++;
    }
  }
  return out.join('');
}

/**
 * Finds every direct wall-clock read (`Date.now`, `new Date()`) in a source text, ignoring
 * comments and string literals.
 *
 * @param {string} source TypeScript or JavaScript source text.
 * @param {ClockCheckOptions} [options]
 * @returns {ClockCall[]} One entry per offending call, in source order; empty when clean.
 */
export function findClockCalls(source, options = {}) {
  const code = stripCommentsAndStrings(source);
  /** @type {ClockCall[]} */
  const calls = [];
  /** @param {number} index @param {string} match */
  const add = (index, match) => {
    const before = code.slice(0, index);
    calls.push({ line: before.split('\n').length, column: index - before.lastIndexOf('\n'), match });
  };
  for (const m of code.matchAll(DATE_NOW)) add(m.index ?? 0, 'Date.now');
  for (const m of code.matchAll(NEW_DATE)) {
    // What follows `new Date`: nothing or `()` reads the clock; `(x)` converts a value.
    const rest = code.slice((m.index ?? 0) + m[0].length);
    const hasArguments = /^\s*\(\s*[^\s)]/.test(rest);
    if (!hasArguments) add(m.index ?? 0, 'new Date()');
    else if (options.strict) add(m.index ?? 0, 'new Date(…)');
  }
  return calls.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * Whether a file (path relative to the `src/` folder, `/`-separated) is allowed to read the
 * wall clock: tests, type tests, and the clock implementations themselves.
 *
 * @param {string} relativePath e.g. `flows/login.ts`, `memory/fake-clock.ts`.
 * @returns {boolean}
 */
export function isExempt(relativePath) {
  const path = relativePath.split(sep).join('/');
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base.endsWith('.test.ts') || base.endsWith('.test-d.ts')) return true;
  if (path === 'lib/system-clock.ts') return true;
  const folders = path.split('/').slice(0, -1);
  return folders.includes('memory') && /clock/.test(base) && base.endsWith('.ts');
}

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

/**
 * Checks every source file under `srcDir`.
 *
 * @param {string} srcDir Folder to scan, e.g. `packages/core/src`.
 * @param {ClockCheckOptions} [options]
 * @returns {{ filesChecked: number, offenders: Array<ClockCall & { file: string }> }}
 *   `file` is relative to `srcDir`.
 */
export function checkClockDir(srcDir, options = {}) {
  /** @type {Array<ClockCall & { file: string }>} */
  const offenders = [];
  let filesChecked = 0;
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
        continue;
      }
      const rel = relative(srcDir, full).split(sep).join('/');
      if (!SOURCE_FILE.test(entry.name) || isExempt(rel)) continue;
      filesChecked++;
      for (const call of findClockCalls(readFileSync(full, 'utf8'), options)) offenders.push({ file: rel, ...call });
    }
  };
  walk(srcDir);
  return { filesChecked, offenders };
}

function main() {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const positional = args.filter((arg) => !arg.startsWith('--'));
  const srcDir = resolve(positional[0] ?? join(repoRoot, 'packages/core/src'));
  let isDir = false;
  try {
    isDir = statSync(srcDir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    console.error(`check-clock: ${srcDir} is not a folder; nothing was checked`);
    process.exit(1);
  }
  const { filesChecked, offenders } = checkClockDir(srcDir, { strict });
  const shown = relative(process.cwd(), srcDir) || '.';
  if (offenders.length === 0) {
    console.log(`check-clock: ok, ${filesChecked} files under ${shown} read time only through the injected clock`);
    return;
  }
  for (const o of offenders) {
    const why = o.match === 'new Date(…)' ? 'builds a Date directly (--strict)' : 'reads the wall clock';
    console.error(`${join(shown, o.file)}:${o.line}:${o.column}: ${o.match} ${why}; use ctx.clock.now() (house rule 11)`);
  }
  console.error(`check-clock: ${offenders.length} offender(s) in ${new Set(offenders.map((o) => o.file)).size} file(s)`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

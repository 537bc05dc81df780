import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkClockDir, findClockCalls, isExempt } from './check-clock.mjs';

function lines(source: string): number[] {
  return findClockCalls(source).map((call) => call.line);
}

describe('findClockCalls', () => {
  it('catches Date.now()', () => {
    expect(findClockCalls('const t = Date.now();')).toEqual([{ line: 1, column: 11, match: 'Date.now' }]);
  });

  it('catches new Date() with no arguments', () => {
    expect(findClockCalls('const a = new Date();')).toEqual([{ line: 1, column: 11, match: 'new Date()' }]);
    expect(lines('const a = new  Date( );\nconst b = new Date;\nconst c = new Date(/* now */);')).toEqual([1, 2, 3]);
  });

  it('lets new Date(x) build a Date from a value, and catches it with strict', () => {
    const source = "const a = new Date(x);\nconst b = new Date(1, 2);\nconst c = new Date('2020-01-01');";
    expect(findClockCalls(source)).toEqual([]);
    expect(findClockCalls(source, { strict: true })).toEqual([
      { line: 1, column: 11, match: 'new Date(…)' },
      { line: 2, column: 11, match: 'new Date(…)' },
      { line: 3, column: 11, match: 'new Date(…)' },
    ]);
  });

  it('catches new Date(Date.now() + ttl) through its Date.now', () => {
    expect(findClockCalls('const e = new Date(Date.now() + ttl);')).toEqual([{ line: 1, column: 20, match: 'Date.now' }]);
  });

  it('catches Date.now passed as a function and reads through globalThis', () => {
    expect(lines('const clock = { now: Date.now };')).toEqual([1]);
    expect(lines('globalThis.Date.now()')).toEqual([1]);
    expect(lines('new globalThis.Date()')).toEqual([1]);
    expect(lines('const c = { now: () => new Date() };')).toEqual([1]);
  });

  it('catches a call inside a template literal expression', () => {
    expect(lines('const s = `at ${new Date().toISOString()} done`;')).toEqual([1]);
  });

  it('reports the line of each call in a longer file', () => {
    const source = ['// header', 'export function f(): number {', '  return 1;', '}', 'const t = Date.now();'].join('\n');
    expect(lines(source)).toEqual([5]);
  });

  it('ignores line and block comments', () => {
    const source = [
      '// Date.now() is not allowed here',
      '/* new Date() in a block comment',
      '   spanning lines, new Date(x) */',
      '/** @example const t = Date.now(); */',
      'const x = 1; // new Date()',
    ].join('\n');
    expect(findClockCalls(source)).toEqual([]);
  });

  it('ignores string literals and regular expressions that mention the clock', () => {
    const source = [
      "const a = 'call Date.now() here';",
      'const b = "new Date()";',
      'const c = `new Date()`;',
      'const d = /new Date\\(/;',
      "const url = 'https://example.com'; const t = Date.now();",
    ].join('\n');
    expect(lines(source)).toEqual([5]);
  });

  it('passes clean code that reads the injected clock', () => {
    const source = [
      "import type { Clock } from '../ports/clock.js';",
      'export function expiresAt(clock: Clock, ttlMs: number): Date {',
      '  const updated = clock.now();',
      '  const myDate = { now: (): number => 1 };',
      '  return new Date2(updated.getTime() + ttlMs + myDate.now());',
      '}',
      'const ratio = a / b / c;',
    ].join('\n');
    expect(findClockCalls(source)).toEqual([]);
  });
});

describe('isExempt', () => {
  it('exempts tests and the clock implementations only', () => {
    expect(isExempt('flows/login.test.ts')).toBe(true);
    expect(isExempt('types.test-d.ts')).toBe(true);
    expect(isExempt('memory/fake-clock.ts')).toBe(true);
    expect(isExempt('memory/system-clock.ts')).toBe(true);
    expect(isExempt('lib/system-clock.ts')).toBe(true);
    expect(isExempt('memory/memory-store.ts')).toBe(false);
    expect(isExempt('lib/clock-utils.ts')).toBe(false);
    expect(isExempt('flows/login.ts')).toBe(false);
  });
});

describe('check-clock CLI', () => {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'check-clock.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'check-clock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(srcDir: string, ...flags: string[]): { status: number; output: string } {
    try {
      const output = execFileSync(process.execPath, [script, ...flags, srcDir], { encoding: 'utf8', stdio: 'pipe' });
      return { status: 0, output };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { status: e.status, output: e.stdout + e.stderr };
    }
  }

  it('exits 1 and prints file:line for an offender, and 0 for a clean tree', () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'flows'), { recursive: true });
    mkdirSync(join(src, 'memory'), { recursive: true });
    writeFileSync(join(src, 'memory', 'fake-clock.ts'), 'export const now = (): Date => new Date();\n');
    writeFileSync(join(src, 'flows', 'login.test.ts'), 'const t = Date.now();\n');
    writeFileSync(join(src, 'flows', 'login.ts'), 'export const ok = 1;\n');
    expect(run(src)).toMatchObject({ status: 0 });
    expect(checkClockDir(src)).toEqual({ filesChecked: 1, offenders: [] });

    writeFileSync(join(src, 'flows', 'login.ts'), 'export const ok = 1;\nexport const t = Date.now();\n');
    const result = run(src);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/flows[/\\]login\.ts:2:18: Date\.now reads the wall clock/);
  });

  it('flags new Date(x) only with --strict', () => {
    const src = join(dir, 'strict-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'expiry.ts'), 'export const at = (ms: number): Date => new Date(ms);\n');
    expect(run(src)).toMatchObject({ status: 0 });
    const result = run(src, '--strict');
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/expiry\.ts:1:41: new Date\(…\) builds a Date directly/);
  });

  it('fails when the folder to check does not exist', () => {
    expect(run(join(dir, 'missing')).status).toBe(1);
  });
});

// Every ```ts block in docs/ and in the README files must compile against the real packages.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const docsDir = dirname(fileURLToPath(import.meta.url));
const root = join(docsDir, '..');
const outDir = join(docsDir, '.code-blocks');

interface Block {
  file: string;
  line: number;
  code: string;
}

function markdownFiles(): string[] {
  const files = [join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(docsDir);
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const readme = join(dir, entry.name, 'README.md');
      if (entry.isDirectory() && existsSync(readme)) files.push(readme);
    }
  }
  return files.filter((file) => !file.includes(`${join('.changeset')}`));
}

/** The ```ts / ```typescript blocks of a markdown text, with the line each starts on. */
export function extractBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^\s*```(ts|typescript)\s*$/.exec(lines[index] ?? '');
    if (!open) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) end += 1;
    blocks.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
    index = end;
  }
  return blocks;
}

describe('code blocks in docs and READMEs', () => {
  it('finds blocks, and the extractor sees only ts fences', () => {
    const sample = 'x\n```ts\nconst a = 1;\n```\n```sh\nls\n```\n```typescript\nconst b = 2;\n```\n';
    expect(extractBlocks('f.md', sample).map((b) => [b.line, b.code])).toEqual([
      [3, 'const a = 1;'],
      [9, 'const b = 2;'],
    ]);
  });

  it('type-check against the built packages', () => {
    const blocks = markdownFiles().flatMap((file) => extractBlocks(file, readFileSync(file, 'utf8')));
    expect(blocks.length).toBeGreaterThan(0);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const names = new Map<string, Block>();
    blocks.forEach((block, index) => {
      const name = `block-${String(index).padStart(3, '0')}.ts`;
      names.set(name, block);
      // Each block is its own module; `export {}` keeps top-level await and names local to it.
      writeFileSync(join(outDir, name), `${block.code}\nexport {};\n`);
    });
    writeFileSync(
      join(outDir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, noUnusedLocals: false, types: ['node'] }, include: ['*.ts'] }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', join(outDir, 'tsconfig.json')], { encoding: 'utf8' });
    const report = (result.stdout + result.stderr).replace(/(?:[^\s(]*\/)?block-(\d{3})\.ts\((\d+),(\d+)\)/g, (_match, n: string, line: string) => {
      const block = names.get(`block-${n}.ts`);
      return block ? `${relative(root, block.file)}:${block.line + Number(line) - 1}` : _match;
    });
    expect(report, report).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);
});

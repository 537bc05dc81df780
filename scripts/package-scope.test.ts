// The packages are published under @gatehouse-auth: the old scope belongs to an unrelated project
// on the npm registry, so a leftover import or install line would fetch someone else's code.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const OLD_SCOPE = ['@gate', 'house/'].join('');
const OLD_SCOPE_IN_REGEX = ['@gate', 'house\\/'].join('');
const root = new URL('..', import.meta.url);

describe('package scope', () => {
  it('leaves no reference to the old scope in any tracked file', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const offending = files.filter((file) => {
      let text: string;
      try {
        text = readFileSync(new URL(file, root), 'utf8');
      } catch {
        return false;
      }
      return text.includes(OLD_SCOPE) || text.includes(OLD_SCOPE_IN_REGEX);
    });
    expect(offending).toEqual([]);
  });

  it('names every published package @gatehouse-auth/*', () => {
    const manifests = execFileSync('git', ['ls-files', 'packages/*/package.json'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    for (const manifest of manifests) {
      const { name } = JSON.parse(readFileSync(new URL(manifest, root), 'utf8')) as { name: string };
      expect(name, manifest).toMatch(/^@gatehouse-auth\/[a-z]+$/);
    }
  });
});

describe('package metadata', () => {
  it('ships the MIT licence text with every package it declares MIT', () => {
    const manifests = execFileSync('git', ['ls-files', 'packages/*/package.json'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const manifest of manifests) {
      const pkg = JSON.parse(readFileSync(new URL(manifest, root), 'utf8')) as { license: string; files: string[] };
      expect([pkg.license, pkg.files.includes('LICENSE')], manifest).toEqual(['MIT', true]);
      expect(readFileSync(new URL(manifest.replace('package.json', 'LICENSE'), root), 'utf8'), manifest).toMatch(/^MIT License\n/);
    }
  });
});

// docs/configuration.md must document every option of createAuth and of the HTTP router, and
// nothing that is not one. The options are read from the TypeScript source (AuthConfig in
// core's config.ts, HttpOptions in core's http/options.ts, and the adapters' own options) with
// the TypeScript compiler API, so a new option without docs, or docs for a removed one, fails.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const docsDir = dirname(fileURLToPath(import.meta.url));
const root = join(docsDir, '..');

/** Every `.ts` source file (not tests) of core, and the adapters' entry files. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name)) files.push(path);
    }
  };
  walk(join(root, 'packages/core/src'));
  for (const adapter of ['express', 'fastify', 'hono']) files.push(join(root, 'packages', adapter, 'src/gatehouse.ts'));
  return files;
}

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

function declarations(files: string[]): Map<string, Declaration> {
  const found = new Map<string, Declaration>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && !found.has(node.name.text)) found.set(node.name.text, node);
    });
  }
  return found;
}

/**
 * Option types whose members are options too, besides inline object types: the `…Options`
 * interfaces and these. Anything else (ports such as `Store`, `RateLimitRule`, functions,
 * records) is one option, documented as a whole.
 */
const NESTED = new Set(['PasswordPolicy', 'SigningKey', 'EmailTemplates']);

/**
 * The dotted names of every option under `declaration`: `session.idleTtl`, `keys[].kid`,
 * `routes.<route>.fields`. Inline object types, `…Options` interfaces and {@link NESTED} are
 * walked; unions, `Partial<…>`, arrays and mapped types (`{ [K in …]?: X }`) are looked through.
 */
export function optionNames(rootName: string, files: string[] = sourceFiles()): string[] {
  const types = declarations(files);
  const names: string[] = [];

  function members(list: readonly ts.TypeElement[], prefix: string): void {
    for (const member of list) {
      if (!(ts.isPropertySignature(member) || ts.isMethodSignature(member)) || !member.name) continue;
      const name = `${prefix}${member.name.getText()}`;
      names.push(name);
      if (ts.isPropertySignature(member) && member.type) walk(member.type, `${name}.`);
    }
  }

  function walk(node: ts.TypeNode, prefix: string): void {
    if (ts.isTypeLiteralNode(node)) members(node.members, prefix);
    else if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) node.types.forEach((type) => walk(type, prefix));
    else if (ts.isParenthesizedTypeNode(node)) walk(node.type, prefix);
    else if (ts.isArrayTypeNode(node)) walk(node.elementType, `${prefix.slice(0, -1)}[].`);
    else if (ts.isMappedTypeNode(node) && node.type) walk(node.type, `${prefix}<${node.typeParameter.name.text === 'K' ? 'route' : 'key'}>.`);
    else if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if ((name === 'Partial' || name === 'Required') && node.typeArguments?.[0]) return walk(node.typeArguments[0], prefix);
      const declaration = types.get(name);
      if (!declaration || !(name.endsWith('Options') || NESTED.has(name))) return;
      if (ts.isInterfaceDeclaration(declaration)) members(declaration.members, prefix);
      else walk(declaration.type, prefix);
    }
  }

  const start = types.get(rootName);
  if (!start || !ts.isInterfaceDeclaration(start)) throw new Error(`interface ${rootName} not found`);
  members(start.members, '');
  return names;
}

/** The text of the doc between a `## heading` and the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start === -1) throw new Error(`configuration.md has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The option names a section's tables document: the backticked name in each row's first cell. */
function documented(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const cell = /^\|\s*`([^`]+)`/.exec(line);
    if (cell?.[1]) names.push(cell[1]);
  }
  return names;
}

const doc = readFileSync(join(docsDir, 'configuration.md'), 'utf8');

const groups = [
  { heading: 'createAuth options', roots: ['AuthConfig'] },
  { heading: 'Router options', roots: ['HttpOptions'] },
  { heading: 'Adapter options', roots: ['GatehouseFastifyOptions', 'GatehouseHonoOptions', 'FetchHandlerOptions'] },
];

describe('docs/configuration.md', () => {
  it('reads the options from the source (the extractor sees nested, array and mapped options)', () => {
    const auth = optionNames('AuthConfig');
    expect(auth).toEqual(expect.arrayContaining(['store', 'secret', 'session.refreshGraceWindow', 'keys[].kid', 'password.minLength', 'rateLimits.lockout.threshold', 'emails.passwordReset']));
    expect(auth).not.toContain('store.createUser');
    const http = optionNames('HttpOptions');
    expect(http).toEqual(expect.arrayContaining(['trustProxy', 'refreshCookie.name', 'linkRedirect.success', 'routes.<route>.fields', 'openapi.title']));
  });

  for (const group of groups) {
    const text = section(doc, group.heading);
    const options = group.roots.flatMap((name) => optionNames(name));
    const rows = documented(text);

    it(`documents every option under "${group.heading}" (${group.roots.join(', ')})`, () => {
      const missing = options.filter((name) => !rows.includes(name));
      expect(missing, `add a table row for each of these to docs/configuration.md, section "${group.heading}"`).toEqual([]);
    });

    it(`documents no option under "${group.heading}" that the source does not have`, () => {
      const unknown = rows.filter((name) => !options.includes(name));
      expect(unknown, `these rows of docs/configuration.md, section "${group.heading}", name no option`).toEqual([]);
    });
  }
});

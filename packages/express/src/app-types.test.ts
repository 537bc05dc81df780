// `req.auth` is declared once for every app, so its user id type comes from the app's own
// declaration (`AppTypes`), not from `createAuth`. Declaration merging changes a whole program,
// so each case compiles an app of its own, in memory, with the TypeScript compiler.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const APP = join(here, '__app_types__', 'app.ts');
// The programs differ in the app only: each reuses the last one's parsed libraries.
let previous: ts.Program | undefined;

/** The type errors of an Express app made of `source`, with `@gatehouse-auth/*` from the sources. */
function typeErrors(source: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(here, '..', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('cannot read tsconfig.json');
  const options = { ...config.options, noEmit: true, paths: { ...config.options.paths, '@gatehouse-auth/express': [join(here, 'index.ts')] } };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => (file === APP ? source : readFile(file));
  host.fileExists = (file) => file === APP || fileExists(file);
  const program = ts.createProgram([APP], options, host, previous);
  previous = program;
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === APP)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

const integerApp = `
import { createAuth, memoryStore } from '@gatehouse-auth/core';
import { requireAuth } from '@gatehouse-auth/express';
import express from 'express';

const auth = createAuth({ store: memoryStore(), secret: 'x'.repeat(32), userIds: 'integer' });
const app = express();
app.get('/orders', requireAuth(auth), (req, res) => {
  const userId: number = req.auth?.userId ?? 0;
  res.json({ userId });
});
`;

describe('AppTypes: the user id type of req.auth', () => {
  it("is a number once the app declares it, and requireAuth takes the app's integer-id auth", () => {
    expect(typeErrors(`${integerApp}\ndeclare module '@gatehouse-auth/core' {\n  interface AppTypes {\n    userId: number;\n  }\n}\n`)).toEqual([]);
  }, 60_000);

  it('is a string without a declaration: an integer-id auth is refused at requireAuth, not mistyped', () => {
    const errors = typeErrors(integerApp);
    expect(errors.join('\n')).toMatch(/Argument of type 'Auth<.*number>' is not assignable to parameter of type 'Auth<.*string>'/s);
  }, 60_000);

  it('is a string for an app with UUIDs, as before', () => {
    const uuidApp = integerApp.replace(", userIds: 'integer'", '').replace('const userId: number', 'const userId: string').replace('?? 0', "?? ''");
    expect(typeErrors(uuidApp)).toEqual([]);
  }, 60_000);
});

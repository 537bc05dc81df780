// docs/http-api.md is generated from the router's OpenAPI document; this test regenerates it
// and fails when the committed file is stale. GATEHOUSE_WRITE_DOCS=1 writes it instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderHttpApi } from './http-api.generate.js';

const file = join(dirname(fileURLToPath(import.meta.url)), 'http-api.md');

describe('docs/http-api.md', () => {
  const generated = renderHttpApi();

  it('documents every route of the default router', () => {
    for (const heading of ['### POST /auth/register', '### POST /auth/token/refresh', '### GET /auth/verify-email/:token', '### DELETE /auth/sessions/:id', '### GET /auth/openapi.json']) {
      expect(generated).toContain(heading);
    }
    expect(generated).toContain('| `INVALID_CREDENTIALS` | 401 |');
  });

  it('is up to date with the OpenAPI document (regenerate: GATEHOUSE_WRITE_DOCS=1 pnpm vitest run docs/http-api.test.ts)', () => {
    if (process.env.GATEHOUSE_WRITE_DOCS === '1') writeFileSync(file, generated);
    const committed = readFileSync(file, 'utf8');
    expect(committed === generated, 'docs/http-api.md is stale: run GATEHOUSE_WRITE_DOCS=1 pnpm vitest run docs/http-api.test.ts').toBe(true);
  });
});

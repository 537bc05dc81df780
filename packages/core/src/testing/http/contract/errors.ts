// Internal to runHttpContract: every error status, its envelope, and what never leaves the
// server (a failing port's or an unexpected error's cause).
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../../memory/memory-store.js';
import type { Store } from '../../../ports/store.js';
import { PASSWORD } from '../suite-app.js';
import { body, type ContractSetup } from './harness.js';

/** Registers the contract of error answers for one adapter. */
export function errorsContract(setup: ContractSetup): void {
  describe('errors', () => {
    it('a validation failure is 422 with fields [{ field, code, message }]', async () => {
      const t = await setup();
      const response = await t.call('POST', '/auth/register', { body: { email: 'nope', password: PASSWORD } });
      expect(response.status).toBe(422);
      expect(await body(response)).toEqual({
        error: { code: 'VALIDATION_FAILED', message: expect.any(String), fields: [{ field: 'email', code: 'invalid_email', message: expect.any(String) }] },
      });
      const missing = await body(await t.call('POST', '/auth/login', { body: {} }));
      expect(missing.error.fields.map((issue: { field: string; code: string }) => [issue.field, issue.code])).toEqual([['email', 'required'], ['password', 'required']]);
      const notObject = await t.call('POST', '/auth/login', { raw: '[1,2]' });
      expect(notObject.status).toBe(422);
    });

    it('a weak password is 422 WEAK_PASSWORD with the broken rules', async () => {
      const t = await setup();
      const response = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: 'password' } });
      expect(response.status).toBe(422);
      const { error } = await body(response);
      expect(error.code).toBe('WEAK_PASSWORD');
      expect(error.fields.length).toBeGreaterThan(0);
      expect(error.fields.every((issue: { field: string }) => issue.field === 'password')).toBe(true);
    });

    it('malformed JSON is 400, and a body that is not JSON is 415', async () => {
      const t = await setup();
      const malformed = await t.call('POST', '/auth/login', { raw: '{"email": ' });
      expect(malformed.status).toBe(400);
      expect((await body(malformed)).error.code).toBe('MALFORMED_BODY');
      const poisoned = await t.call('POST', '/auth/login', { raw: '{"__proto__": {"admin": true}}' });
      expect(poisoned.status).toBe(400);
      const form = await t.call('POST', '/auth/login', { raw: 'email=a%40b.c', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.status).toBe(415);
      expect((await body(form)).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('a body over the cap is 413 (default 16 KiB, configurable)', async () => {
      const t = await setup();
      const big = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(17 * 1024) } });
      expect(big.status).toBe(413);
      expect((await body(big)).error.code).toBe('PAYLOAD_TOO_LARGE');
      const small = await setup({ bodyLimit: 2048 });
      expect((await small.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(3000) } })).status).toBe(413);
      expect((await small.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(1000) } })).status).toBe(401);
    });

    it('an unknown route under the prefix is 404; a wrong method is 405 with Allow', async () => {
      const t = await setup();
      const missing = await t.call('GET', '/auth/nope');
      expect(missing.status).toBe(404);
      expect((await body(missing)).error.code).toBe('NOT_FOUND');
      const wrong = await t.call('GET', '/auth/login');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toContain('POST');
      expect((await body(wrong)).error.code).toBe('METHOD_NOT_ALLOWED');
      const profile = await t.call('DELETE', '/auth/profile');
      expect(profile.status).toBe(405);
      expect(profile.headers.get('allow')?.split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'PATCH', 'PUT']));
    });

    it('EMAIL_TAKEN is 409 when verification is not required', async () => {
      const t = await setup();
      await t.login();
      const again = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(again.status).toBe(409);
      expect((await body(again)).error.code).toBe('EMAIL_TAKEN');
    });

    it('RATE_LIMITED is 429 with Retry-After and error.retryAfter', async () => {
      const t = await setup();
      await t.login();
      let response: Response | undefined;
      for (let attempt = 0; attempt < 6; attempt++) {
        response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' } });
      }
      expect(response?.status).toBe(429);
      const retryAfter = Number(response?.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect((await body(response as Response)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    });

    it('a failing port is 503 with a generic message; the cause goes to the logger only', async () => {
      const failing = memoryStore();
      const store: Store = Object.assign(Object.create(failing) as Store, {
        findUserByEmail: async () => {
          throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
        },
      });
      const t = await setup({}, { store });
      const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(text).not.toMatch(/ECONNREFUSED|hunter2|at /);
      expect(JSON.parse(text).error.code).toBe('SERVICE_UNAVAILABLE');
      expect(String(t.errors[0])).toMatch(/ECONNREFUSED/);
    });

    it('an unexpected error is 500 with a generic message; the cause goes to the logger only', async () => {
      const t = await setup({
        routes: {
          login: {
            response: () => {
              throw new Error('mapper exploded with secret 1234');
            },
          },
        },
      });
      await t.login().catch(() => undefined);
      const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toMatch(/exploded|1234|at /);
      expect(JSON.parse(text).error).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String) });
      expect(t.errors.some((error) => String(error).includes('mapper exploded'))).toBe(true);
    });
  });
}

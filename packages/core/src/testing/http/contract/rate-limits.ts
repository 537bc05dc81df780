// Internal to runHttpContract: which client address a request counts for, and the rate limits
// kept per address (429, Retry-After, RateLimit-* headers).
import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../../config.js';
import { PASSWORD } from '../suite-app.js';
import { body, type ContractSetup, type Harness } from './harness.js';

/** Registers the contract of client-address resolution and rate limits for one adapter. */
export function rateLimitsContract(setup: ContractSetup): void {
  describe('client address', () => {
    async function sessionIp(t: Harness, headers: Record<string, string>): Promise<string> {
      await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      const login = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers }));
      const list = await body(await t.call('GET', '/auth/sessions', { token: login.data.tokens.accessToken }));
      return list.data.sessions.find((session: { current: boolean }) => session.current).ip;
    }

    it('is the socket address by default, whatever X-Forwarded-For says', async () => {
      const t = await setup();
      expect(await sessionIp(t, { 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
    });

    it('is the right-most untrusted X-Forwarded-For hop behind trusted proxies', async () => {
      const t = await setup({ trustProxy: ['127.0.0.1'] });
      expect(await sessionIp(t, { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 198.51.100.2' })).toBe('198.51.100.2');
      const chain = await setup({ trustProxy: ['127.0.0.0/8', '198.51.100.0/24'] });
      expect(await sessionIp(chain, { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 198.51.100.2' })).toBe('203.0.113.7');
    });
  });

  describe('rate limits', () => {
    // Three requests a minute per client address, so that a test reaches the limit quickly.
    const tight: Partial<AuthConfig> = { rateLimits: { perIp: { limit: 3, window: '1m' } } };
    const wrong = { email: 'ada@example.com', password: 'Wrong-Horse-1' };

    function limits(response: Response): { limit: number | null; remaining: number | null; reset: number | null } {
      const read = (name: string): number | null => {
        const value = response.headers.get(name);
        return value === null ? null : Number(value);
      };
      return { limit: read('ratelimit-limit'), remaining: read('ratelimit-remaining'), reset: read('ratelimit-reset') };
    }

    function forwarded(address: string): Record<string, string> {
      return { 'x-forwarded-for': address };
    }

    it('every auth route counts against one per-IP budget, reported in RateLimit-* headers; over it, 429 with Retry-After', async () => {
      const t = await setup({}, tight);
      const first = await t.call('GET', '/auth/profile');
      expect(first.status).toBe(401);
      expect(limits(first)).toEqual({ limit: 3, remaining: 2, reset: 60 });
      t.clock.advance(10_000);
      const second = await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
      expect(second.status).toBe(200);
      expect(limits(second)).toEqual({ limit: 3, remaining: 1, reset: 50 });
      const third = await t.call('POST', '/auth/register/', { body: { email: 'not-an-email', password: PASSWORD } });
      expect(third.status).toBe(422);
      expect(limits(third)).toEqual({ limit: 3, remaining: 0, reset: 50 });

      const refused = await t.call('GET', '/auth/sessions');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('50');
      expect((await body(refused)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 50 });
      expect(limits(refused)).toEqual({ limit: 3, remaining: 0, reset: 50 });
      expect((await t.call('POST', '/auth/login', { body: wrong })).status).toBe(429);

      // The standard documents are neither limited nor reported.
      const document = await t.call('GET', '/auth/openapi.json');
      expect(document.status).toBe(200);
      expect(limits(document)).toEqual({ limit: null, remaining: null, reset: null });

      t.clock.advance(50_000);
      const again = await t.call('GET', '/auth/profile');
      expect(again.status).toBe(401);
      expect(limits(again)).toEqual({ limit: 3, remaining: 2, reset: 60 });
    });

    it('POST /login reports the most restrictive of its rules (5 a minute per account and address); the 6th attempt is 429', async () => {
      const t = await setup();
      await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      const ok = await t.call('POST', '/auth/login', { body: { email: 'Ada@Example.com', password: PASSWORD } });
      expect(ok.status).toBe(200);
      expect(limits(ok)).toEqual({ limit: 5, remaining: 4, reset: 60 });
      for (let attempt = 2; attempt <= 5; attempt++) {
        t.clock.advance(1_000);
        const failed = await t.call('POST', '/auth/login', { body: wrong });
        expect(failed.status).toBe(401);
        expect(limits(failed)).toEqual({ limit: 5, remaining: 5 - attempt, reset: 61 - attempt });
      }
      const refused = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('56');
      expect((await body(refused)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 56 });
      expect(limits(refused)).toEqual({ limit: 5, remaining: 0, reset: 56 });
      // Another account from the same address has a login budget of its own.
      const other = await t.call('POST', '/auth/login', { body: { email: 'bob@example.com', password: 'Wrong-Horse-1' } });
      expect(other.status).toBe(401);
      expect(limits(other)).toEqual({ limit: 5, remaining: 4, reset: 60 });
    });

    it('POST /login reports the per-IP rule when it is the tighter one', async () => {
      const t = await setup({}, tight);
      await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      const response = await t.call('POST', '/auth/login', { body: wrong });
      expect(response.status).toBe(401);
      expect(limits(response)).toEqual({ limit: 3, remaining: 1, reset: 60 });
    });

    it('no spelling of the login path has a budget of its own', async () => {
      const t = await setup();
      await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      const accepted = ['/auth/login/', '/auth//login', '/auth/login?attempt=3', '/auth//login//?x=y', '/auth/login'];
      for (const [index, path] of accepted.entries()) {
        const response = await t.call('POST', path, { body: wrong });
        expect(response.status, path).toBe(401);
        expect(limits(response).remaining, path).toBe(4 - index);
      }
      for (const path of accepted) expect((await t.call('POST', path, { body: { email: 'ada@example.com', password: PASSWORD } })).status, path).toBe(429);
      // Spellings the router does not take for the login route never reach the login flow.
      for (const path of ['/auth/LOGIN', '/auth/%6Cogin', '/auth/login%2F', '/auth/login.json']) {
        expect((await t.call('POST', path, { body: { email: 'ada@example.com', password: PASSWORD } })).status, path).toBe(404);
      }
    });

    it('a spoofed X-Forwarded-For changes no key without trustProxy', async () => {
      const t = await setup({}, tight);
      for (const [index, address] of ['203.0.113.1', '203.0.113.2', '198.51.100.7'].entries()) {
        const response = await t.call('GET', '/auth/profile', { headers: forwarded(address) });
        expect(limits(response).remaining).toBe(2 - index);
      }
      expect((await t.call('GET', '/auth/profile', { headers: forwarded('192.0.2.99') })).status).toBe(429);

      const login = await setup();
      await login.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      for (let attempt = 1; attempt <= 5; attempt++) {
        expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded(`203.0.113.${attempt}`) })).status).toBe(401);
      }
      expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded('203.0.113.6') })).status).toBe(429);
    });

    it('behind a trusted proxy, each forwarded client address has budgets of its own', async () => {
      const t = await setup({ trustProxy: ['127.0.0.1'] }, tight);
      for (let attempt = 1; attempt <= 3; attempt++) expect((await t.call('GET', '/auth/profile', { headers: forwarded('203.0.113.1') })).status).toBe(401);
      expect((await t.call('GET', '/auth/profile', { headers: forwarded('203.0.113.1') })).status).toBe(429);
      const other = await t.call('GET', '/auth/profile', { headers: forwarded('203.0.113.2') });
      expect(other.status).toBe(401);
      expect(limits(other)).toEqual({ limit: 3, remaining: 2, reset: 60 });

      const login = await setup({ trustProxy: ['127.0.0.1'] });
      await login.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      for (let attempt = 1; attempt <= 5; attempt++) expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded('203.0.113.1') })).status).toBe(401);
      expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded('203.0.113.1') })).status).toBe(429);
      const elsewhere = await login.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers: forwarded('203.0.113.2') });
      expect(elsewhere.status).toBe(200);
      expect(limits(elsewhere)).toEqual({ limit: 5, remaining: 4, reset: 60 });
    });

    it('a refusal by a per-address rule of a flow has Retry-After and no RateLimit-* headers of another rule', async () => {
      const t = await setup();
      for (let request = 1; request <= 3; request++) {
        const response = await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
        expect(response.status).toBe(200);
        // Between refusals the headers describe the per-IP rule, the one the router counts.
        expect(limits(response)).toEqual({ limit: 100, remaining: 100 - request, reset: 60 });
      }
      const refused = await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('3600');
      expect((await body(refused)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 3600 });
      expect(limits(refused)).toEqual({ limit: null, remaining: null, reset: null });
    });
  });
}

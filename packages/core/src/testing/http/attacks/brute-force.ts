// Internal to runHttpAttacks: password guessing and spraying, and every way around the rate
// limits a client controls (forwarded addresses, IPv6 rotation, path spellings).
import { describe, expect, it } from 'vitest';
import { PASSWORD, mailedCode } from '../suite-app.js';
import { json, type AttackSetup, type Harness } from './harness.js';

/** Registers the brute-force and rate-limit-evasion attacks for one adapter. */
export function bruteForceAttacks(setup: AttackSetup): void {
  describe('brute force and rate-limit evasion', () => {
    async function attempts(t: Harness, count: number, build: (index: number) => { path?: string; email?: string; password?: string; headers?: Record<string, string> }): Promise<Response[]> {
      const responses: Response[] = [];
      for (let index = 0; index < count; index++) {
        const { path = '/auth/login', email = 'ada@example.com', password = 'Wrong-Horse-1', headers } = build(index);
        responses.push(await t.call('POST', path, { body: { email, password }, ...(headers ? { headers } : {}) }));
      }
      return responses;
    }

    async function expectLimited(response: Response | undefined, label: string): Promise<void> {
      expect(response?.status, label).toBe(429);
      const retryAfter = Number(response?.headers.get('retry-after'));
      expect(retryAfter, label).toBeGreaterThan(0);
      expect((await json(response as Response)).error, label).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    }

    it('guessing one account’s password hits the limit after 5 tries a minute: 429 with Retry-After, even for the right password, until the window ends', async () => {
      const t = await setup();
      await t.register();
      const responses = await attempts(t, 5, () => ({}));
      expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
      const blocked = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
      await expectLimited(blocked, 'right password while limited');
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeLessThanOrEqual(60);
      t.clock.advance(retryAfter * 1000);
      expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(200);
    });

    it('spraying one password over many accounts from one address hits the per-address limit (30 a minute)', async () => {
      const t = await setup();
      const responses = await attempts(t, 31, (index) => ({ email: `user${index}@example.com` }));
      expect(responses.slice(0, 30).every((response) => response.status === 401)).toBe(true);
      await expectLimited(responses[30], '31st account');
    });

    it('a spoofed X-Forwarded-For does not change the rate-limit key without trustProxy', async () => {
      const t = await setup();
      await t.register();
      const responses = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `203.0.113.${index + 1}` } }));
      expect(responses.slice(0, 5).map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
      await expectLimited(responses[5], 'sixth try, sixth spoofed address');
      const sprayed = await attempts(t, 31, (index) => ({ email: `user${index}@example.com`, headers: { 'x-forwarded-for': `198.51.100.${index + 1}` } }));
      // 6 tries above already count against this address; spoofing does not reset them.
      expect(sprayed.some((response) => response.status === 429)).toBe(true);
    });

    it('behind a trusted proxy X-Forwarded-For does pick the key, but only its right-most untrusted hop: prepending addresses changes nothing', async () => {
      const t = await setup({ trustProxy: ['127.0.0.1'] });
      await t.register();
      const rotating = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `203.0.113.${index + 1}` } }));
      expect(rotating.map((response) => response.status)).toEqual([401, 401, 401, 401, 401, 401]);
      const prepended = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `10.${index}.0.1, 192.0.2.${index + 1}, 198.51.100.7` } }));
      expect(prepended.slice(0, 5).map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
      await expectLimited(prepended[5], 'sixth try from one client with varying spoofed prefixes');
    });

    it('IPv6 clients rotating addresses inside one /64 share a limit; another /64 does not', async () => {
      const t = await setup({ trustProxy: ['127.0.0.1'] });
      await t.register();
      const rotating = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `2001:db8:1:2:${(index + 1).toString(16)}:${index}::${index + 7}` } }));
      expect(rotating.slice(0, 5).map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
      await expectLimited(rotating[5], 'sixth address of the /64');
      const expanded = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' }, headers: { 'x-forwarded-for': '2001:0DB8:0001:0002:FFFF:FFFF:FFFF:FFFF' } });
      await expectLimited(expanded, 'same /64, spelled out in upper case');
      const neighbour = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' }, headers: { 'x-forwarded-for': '2001:db8:1:3::1' } });
      expect(neighbour.status).toBe(401);
      // IPv4 and its IPv4-mapped IPv6 spelling are one client too.
      const mapped = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': index % 2 === 0 ? '192.0.2.9' : '::ffff:192.0.2.9' } }));
      await expectLimited(mapped[5], 'IPv4 and IPv4-mapped IPv6 alternating');
    });

    it('path variants (trailing slash, query string, doubled or upper-case segments) share one limit; a variant is either the same route or 404', async () => {
      const variants = ['/auth/login', '/auth/login/', '/auth/login?x=1', '/auth/login/?utm=1&x=2', '//auth/login', '/auth//login', '/AUTH/login', '/auth/LOGIN', '/auth/login%2F', '/auth/%6Cogin'];
      // per account and address (5 a minute)
      const t = await setup();
      await t.register();
      let counted = 0;
      const seen: string[] = [];
      for (let round = 0; round < 3 && counted < 6; round++) {
        for (const path of variants) {
          const response = await t.call('POST', path, { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' } });
          seen.push(`${path} ${response.status}`);
          expect([401, 404, 429], `${path}: ${response.status}`).toContain(response.status);
          if (response.status === 401) counted++;
          if (response.status === 429) expect(counted, `429 only once 5 tries counted (${seen.join(', ')})`).toBe(5);
        }
      }
      expect(counted, seen.join(', ')).toBe(5);
      for (const path of ['/auth/login/', '/auth/login?x=1']) {
        await expectLimited(await t.call('POST', path, { body: { email: 'ada@example.com', password: PASSWORD } }), path);
      }

      // per address across routes (configured down to 8 a minute)
      const u = await setup({}, { rateLimits: { perIp: { limit: 8, window: '1m' } } });
      let served = 0;
      for (const [index, path] of [...variants, ...variants].entries()) {
        const response = await u.call('POST', path, { body: { email: `user${index}@example.com`, password: 'Wrong-Horse-1' } });
        expect([401, 404, 429], `${path}: ${response.status}`).toContain(response.status);
        if (response.status === 401) served++;
        if (response.status === 429) expect(served, path).toBe(8);
      }
      expect(served).toBe(8);
    });

    it('verification codes cannot be brute-forced: 5 wrong guesses void the code', async () => {
      const t = await setup({}, { emailVerification: { method: 'code', requiredForLogin: false } });
      await t.register();
      const code = await mailedCode(t, 'ada@example.com');
      const wrong = code === 'ABCDEF' ? 'ABCDEG' : 'ABCDEF';
      for (let guess = 0; guess < 5; guess++) {
        const response = await t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code: wrong } });
        expect(response.status, `guess ${guess + 1}`).toBe(401);
      }
      const right = await t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code } });
      expect(right.status).toBe(401);
    });
  });
}

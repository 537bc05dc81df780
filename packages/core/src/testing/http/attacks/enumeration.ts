// Internal to runHttpAttacks: account enumeration. Known and unknown addresses must get the
// same answer, byte for byte, headers included.
import { describe, expect, it } from 'vitest';
import { PASSWORD, settle } from '../suite-app.js';
import type { AttackSetup, Harness, Json } from './harness.js';

// Headers that may differ between two otherwise identical answers: the time, the connection,
// and rate-limit budgets that count every request from one address.
const VOLATILE_HEADERS = /^(?:date|connection|keep-alive|ratelimit|ratelimit-.*|x-ratelimit-.*)$/i;
// When every compared request starts from the same budgets, only the time and the connection may differ.
const TIME_HEADERS = /^(?:date|connection|keep-alive)$/i;

interface Snapshot {
  status: number;
  headers: [string, string][];
  body: unknown;
}

/** The whole of a response, minus the volatile headers, for byte-for-byte comparison. */
async function snapshot(response: Response, mask: (body: Json) => Json = (body) => body, volatile: RegExp = VOLATILE_HEADERS): Promise<Snapshot> {
  const headers = [...response.headers.entries()].filter(([name]) => !volatile.test(name)).sort(([a], [b]) => a.localeCompare(b));
  const text = await response.text();
  let body: unknown = text;
  try {
    body = mask(JSON.parse(text) as Json);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: response.status, headers, body };
}

// One address of each kind, all of one length, so that a body echoing the address keeps one Content-Length.
const ADDRESSES = { unknown: 'nobody00@example.com', verified: 'verified@example.com', unverified: 'pending1@example.com', disabled: 'disabled@example.com' };

/** One body per kind of address: `{ email, ...fields }`. */
function bodiesFor(fields: Json = {}): Record<string, Json> {
  return Object.fromEntries(Object.entries(ADDRESSES).map(([label, email]) => [label, { email, ...fields }]));
}

/** Registers the account-enumeration attacks for one adapter. */
export function enumerationAttacks(setup: AttackSetup): void {
  describe('account enumeration', () => {
    /** An app behind the trusted proxy 127.0.0.1, verification required, with a verified, an unverified and a disabled account, all with the same password. */
    async function withAccounts(): Promise<Harness> {
      const t = await setup({ trustProxy: ['127.0.0.1'] }, { emailVerification: { requiredForLogin: true } });
      const verified = await t.auth.register({ email: ADDRESSES.verified, password: PASSWORD });
      await t.auth.context.store.updateUser(verified.user.id, { emailVerifiedAt: t.clock.now(), status: 'active', updatedAt: t.clock.now() });
      await t.auth.register({ email: ADDRESSES.unverified, password: PASSWORD });
      const disabled = await t.auth.register({ email: ADDRESSES.disabled, password: PASSWORD });
      await t.auth.setUserStatus({ userId: disabled.user.id, status: 'disabled' });
      await settle(t);
      return t;
    }

    let client = 0;

    /**
     * Sends the bodies in two rounds and compares the answers within each round. First all from
     * one address, comparing all but the RateLimit-* headers (its budget shrinks with each
     * request); then each from an address of its own (behind the trusted proxy 127.0.0.1), so
     * every request starts from the same budgets and even the RateLimit-* headers must match.
     */
    async function sameAnswers(t: Harness, path: string, bodies: Record<string, Json>, mask?: (body: Json) => Json): Promise<{ shared: Snapshot; separate: Snapshot }> {
      const round = async (headers: () => Record<string, string>, volatile: RegExp): Promise<Snapshot> => {
        const snapshots: [string, Snapshot][] = [];
        for (const [label, body] of Object.entries(bodies)) snapshots.push([label, await snapshot(await t.call('POST', path, { body, headers: headers() }), mask, volatile)]);
        const [reference, ...rest] = snapshots;
        for (const [label, shot] of rest) expect(shot, `${path}: ${label} vs ${reference?.[0]}`).toEqual(reference?.[1]);
        return reference?.[1] as Snapshot;
      };
      const shared = await round(() => ({ 'x-forwarded-for': '203.0.113.200' }), VOLATILE_HEADERS);
      client += 1;
      const separate = await round(() => ({ 'x-forwarded-for': `198.51.100.${(client++ % 250) + 1}` }), TIME_HEADERS);
      return { shared, separate };
    }

    it('login: an unknown address and a wrong password for verified, unverified and disabled accounts get the same status, headers and body', async () => {
      const t = await withAccounts();
      const { shared, separate } = await sameAnswers(t, '/auth/login', bodiesFor({ password: 'Wrong-Horse-1' }));
      expect([shared.status, separate.status]).toEqual([401, 401]);
    });

    it('password reset: unknown, verified, unverified and disabled addresses get the same answer, also once rate-limited', async () => {
      const t = await withAccounts();
      const bodies = bodiesFor();
      const first = await sameAnswers(t, '/auth/password/reset', bodies);
      expect([first.shared.status, first.separate.status]).toEqual([200, 200]);
      await settle(t);
      expect(t.mailer.messages.filter((message) => message.subject.startsWith('Reset your')).map((message) => message.to).sort()).toEqual([
        'pending1@example.com',
        'pending1@example.com',
        'verified@example.com',
        'verified@example.com',
      ]);
      // 3 an hour per address: the fourth request of each address is refused, alike for all.
      const second = await sameAnswers(t, '/auth/password/reset', bodies);
      expect([second.shared.status, second.separate.status]).toEqual([200, 429]);
    });

    it('resend verification: unknown, verified, unverified and disabled addresses get the same answer, also once rate-limited', async () => {
      const t = await withAccounts();
      const bodies = bodiesFor();
      const first = await sameAnswers(t, '/auth/resend-verification', bodies);
      expect([first.shared.status, first.separate.status]).toEqual([200, 200]);
      const second = await sameAnswers(t, '/auth/resend-verification', bodies);
      expect([second.shared.status, second.separate.status]).toEqual([200, 429]);
    });

    it('register with verification required: a new address and verified, unverified or disabled existing ones get the same answer (the random id and the echoed address aside)', async () => {
      const t = await withAccounts();
      const ids = new Set<string>();
      const mask = (body: Json): Json => {
        if (body.data?.user?.id) {
          ids.add(body.data.user.id as string);
          return { ...body, data: { ...body.data, user: { ...body.data.user, id: '<random>', email: '<the address sent>' } } };
        }
        return body;
      };
      const { shared, separate } = await sameAnswers(
        t,
        '/auth/register',
        {
          new: { email: 'brandnew@example.com', password: PASSWORD, firstName: 'Ada' },
          verified: { email: 'verified@example.com', password: PASSWORD, firstName: 'Ada' },
          unverified: { email: 'pending1@example.com', password: PASSWORD, firstName: 'Ada' },
          disabled: { email: 'disabled@example.com', password: PASSWORD, firstName: 'Ada' },
        },
        mask,
      );
      expect([shared.status, separate.status]).toEqual([201, 201]);
      expect(separate.body).toMatchObject({ data: { tokens: null, verificationRequired: true, user: { emailVerified: false, status: 'pending' } } });
      // the ids are fresh each time, not the stored account's
      expect(ids.size).toBe(8);
    });
  });
}

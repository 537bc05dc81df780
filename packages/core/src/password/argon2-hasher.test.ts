import { describe, it, expect, vi, beforeEach } from 'vitest';
import * as argon2 from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { argon2Hasher } from './argon2-hasher.js';

// Wrap the real `verify` in a spy so the tests can prove that refused hashes cause no hashing work.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});

const argon2Verify = vi.mocked(argon2.verify);

// Cheap parameters keep the suite fast; only the defaults test pays for m=19456, t=2.
const cheap = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

beforeEach(() => {
  argon2Verify.mockClear();
});

describe('argon2Hasher', () => {
  it('hashes with argon2id, m=19456, t=2, p=1 by default and verifies the result', async () => {
    const hasher = argon2Hasher();
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('writes the configured parameters into the PHC string', async () => {
    const stored = await cheap.hash('pw');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await cheap.hash('s3cret-Passw0rd');
    expect(await cheap.verify(stored, 's3cret-Passw0rd')).toBe(true);
    expect(await cheap.verify(stored, 's3cret-passw0rd')).toBe(false);
    expect(await cheap.verify(stored, '')).toBe(false);
  });

  it('uses a fresh salt for every hash', async () => {
    const [first, second] = await Promise.all([cheap.hash('same'), cheap.hash('same')]);
    expect(first).not.toBe(second);
  });

  describe('needsRehash', () => {
    it('is true for a hash made with weaker parameters', async () => {
      const weaker = await argon2Hasher({ memoryCost: 8192, timeCost: 1 }).hash('pw');
      expect(argon2Hasher().needsRehash(weaker)).toBe(true);
    });

    it('is true for a hash made with stronger but different parameters', async () => {
      const stronger = await cheap.hash('pw');
      expect(argon2Hasher({ memoryCost: 512, timeCost: 1 }).needsRehash(stronger)).toBe(true);
      expect(argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 2 }).needsRehash(stronger)).toBe(true);
    });

    it('is false for a hash made with exactly its own parameters', async () => {
      expect(cheap.needsRehash(await cheap.hash('pw'))).toBe(false);
    });

    it('is true for argon2i, argon2d and argon2 version 0x10 hashes with the same m, t and p', async () => {
      const stored = await cheap.hash('pw');
      expect(cheap.needsRehash(stored.replace('$argon2id$', '$argon2i$'))).toBe(true);
      expect(cheap.needsRehash(stored.replace('$argon2id$', '$argon2d$'))).toBe(true);
      expect(cheap.needsRehash(stored.replace('$v=19$', '$v=16$'))).toBe(true);
    });

    it('is true for bcrypt and for anything it cannot parse', async () => {
      expect(cheap.needsRehash(await bcryptHash('pw', 4))).toBe(true);
      expect(cheap.needsRehash('')).toBe(true);
      expect(cheap.needsRehash('plaintext')).toBe(true);
    });
  });

  describe('verify refuses hashes that would be a denial of service, without hashing', () => {
    const refused: Array<[string, string]> = [
      ['m=4194304 (4 GiB)', 'm=4194304,t=1,p=1'],
      ['m just above 1 GiB', 'm=1048577,t=1,p=1'],
      ['t=5000', 'm=1024,t=5000,p=1'],
      ['t=21', 'm=1024,t=21,p=1'],
      ['p=17', 'm=1024,t=1,p=17'],
      ['p=255', 'm=4096,t=1,p=255'],
      ['m below 8 × p', 'm=8,t=1,p=2'],
      ['t=0', 'm=1024,t=0,p=1'],
      ['a number with a leading zero', 'm=01024,t=1,p=1'],
      ['an 11-digit m', 'm=10000000000,t=1,p=1'],
    ];

    it.each(refused)('refuses %s quickly', async (_label, parameters) => {
      const stored = await cheap.hash('pw');
      argon2Verify.mockClear();
      const planted = stored.replace('m=1024,t=1,p=1', parameters);
      expect(planted).toContain(parameters);
      const started = performance.now();
      await expect(cheap.verify(planted, 'pw')).resolves.toBe(false);
      expect(performance.now() - started).toBeLessThan(200);
      expect(argon2Verify).not.toHaveBeenCalled();
    });

    it('accepts the limits themselves (m=1 GiB, t=20, p=16 are parsed as allowed)', async () => {
      // Parameters at the limit are verified by the library; a cheap t=20 hash proves the boundary.
      const stored = await argon2Hasher({ memoryCost: 1024, timeCost: 20, parallelism: 1 }).hash('pw');
      expect(await cheap.verify(stored, 'pw')).toBe(true);
      expect(argon2Verify).toHaveBeenCalledTimes(1);
    });
  });

  it('returns false, without throwing, for malformed and unknown hashes', async () => {
    const stored = await cheap.hash('pw');
    const malformed = [
      '',
      'pw',
      '$argon2id$',
      '$argon2id$v=19$m=1024,t=1,p=1$',
      stored.slice(0, -10),
      `${stored}$extra`,
      stored.replace('$argon2id$', '$argon2x$'),
      stored.replace('m=1024,t=1,p=1', 'm=1024,t=1,p=1,keyid=abc'),
      stored.replace('m=1024,t=1,p=1', 'p=1,t=1,m=1024'),
      '$1$abc$def',
      '$5$rounds=5000$salt$hash',
      '$2x$04$abcdefghijklmnopqrstuuJ1F0RJ0d0UgSTvHsTo.KhZwJ0jTXPpe',
      'sha256:deadbeef',
    ];
    for (const hash of malformed) {
      await expect(cheap.verify(hash, 'pw')).resolves.toBe(false);
    }
  });

  it('returns false for a well-formed hash whose digest has been altered', async () => {
    const stored = await cheap.hash('pw');
    const last = stored.at(-1) === 'A' ? 'B' : 'A';
    expect(await cheap.verify(`${stored.slice(0, -1)}${last}`, 'pw')).toBe(false);
  });

  describe('legacy bcrypt hashes', () => {
    it('verifies a $2b$ hash', async () => {
      const legacy = await bcryptHash('hunter2-legacy', 4);
      expect(legacy.startsWith('$2b$04$')).toBe(true);
      expect(await cheap.verify(legacy, 'hunter2-legacy')).toBe(true);
      expect(await cheap.verify(legacy, 'hunter3-legacy')).toBe(false);
      expect(argon2Verify).not.toHaveBeenCalled();
    });

    it('verifies the $2a$ and $2y$ variants of the same hash', async () => {
      const legacy = await bcryptHash('hunter2-legacy', 4);
      for (const prefix of ['$2a$', '$2y$']) {
        const variant = `${prefix}${legacy.slice(4)}`;
        expect(await cheap.verify(variant, 'hunter2-legacy')).toBe(true);
        expect(await cheap.verify(variant, 'wrong')).toBe(false);
      }
    });

    it('refuses a bcrypt cost above 15 quickly', async () => {
      const legacy = await bcryptHash('pw', 4);
      for (const cost of ['16', '20', '31']) {
        const planted = legacy.replace('$04$', `$${cost}$`);
        const started = performance.now();
        await expect(cheap.verify(planted, 'pw')).resolves.toBe(false);
        // A real cost-16 bcrypt takes seconds.
        expect(performance.now() - started).toBeLessThan(200);
      }
    });

    it('refuses a bcrypt cost below 4 and a truncated hash', async () => {
      const legacy = await bcryptHash('pw', 4);
      await expect(cheap.verify(legacy.replace('$04$', '$03$'), 'pw')).resolves.toBe(false);
      await expect(cheap.verify(legacy.slice(0, -1), 'pw')).resolves.toBe(false);
    });

    it('always needs a rehash, so a successful login upgrades it to argon2id', async () => {
      expect(argon2Hasher().needsRehash(await bcryptHash('pw', 4))).toBe(true);
    });
  });

  describe('options', () => {
    it.each([
      ['memoryCost below 8 × parallelism', { memoryCost: 15, parallelism: 2 }, /memoryCost.*8 × parallelism/],
      ['memoryCost above 1 GiB', { memoryCost: 2_000_000 }, /memoryCost.*1048576/],
      ['a fractional memoryCost', { memoryCost: 19456.5 }, /memoryCost.*integer/],
      ['a NaN timeCost', { timeCost: Number.NaN }, /timeCost.*got NaN/],
      ['timeCost 0', { timeCost: 0 }, /timeCost.*from 1 to 20/],
      ['timeCost above 20', { timeCost: 21 }, /timeCost.*from 1 to 20/],
      ['parallelism 0', { parallelism: 0 }, /parallelism.*from 1 to 16/],
      ['parallelism above 16', { parallelism: 17 }, /parallelism.*from 1 to 16/],
      ['a string memoryCost', { memoryCost: '19456' as unknown as number }, /memoryCost.*got 19456/],
    ])('throws a TypeError for %s', (_label, options, message) => {
      expect(() => argon2Hasher(options)).toThrow(TypeError);
      expect(() => argon2Hasher(options)).toThrow(message);
    });

    it('accepts the boundary values', () => {
      expect(() => argon2Hasher({ memoryCost: 16, timeCost: 20, parallelism: 2 })).not.toThrow();
      expect(() => argon2Hasher({ memoryCost: 1_048_576, timeCost: 1, parallelism: 16 })).not.toThrow();
    });
  });
});

import { describe, it, expect, vi, beforeEach } from 'vitest';
import * as argon2 from '@node-rs/argon2';
import * as bcrypt from '@node-rs/bcrypt';
import { argon2Hasher } from './argon2-hasher.js';

// Wrap the real `verify` in a spy so the tests can prove that refused hashes cause no hashing work.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});

vi.mock('@node-rs/bcrypt', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/bcrypt')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});

const argon2Verify = vi.mocked(argon2.verify);
const bcryptVerify = vi.mocked(bcrypt.verify);
const bcryptHash = bcrypt.hash;

// Cheap parameters keep the suite fast; only the defaults test pays for m=19456, t=2.
const cheap = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

beforeEach(() => {
  argon2Verify.mockClear();
  bcryptVerify.mockClear();
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
    // `cheap` is m=1024, t=1, p=1: a stored hash may ask for at most m=4096, t=4, p=4.
    const refused: Array<[string, string]> = [
      ['m=4194304 (4 GiB)', 'm=4194304,t=1,p=1'],
      ['m just above 1 GiB', 'm=1048577,t=1,p=1'],
      ['m just above 4 × the configured memory', 'm=4097,t=1,p=1'],
      ['t=5000', 'm=1024,t=5000,p=1'],
      ['t=21', 'm=1024,t=21,p=1'],
      ['t just above 4 × the configured passes', 'm=1024,t=5,p=1'],
      ['p=17', 'm=1024,t=1,p=17'],
      ['p=255', 'm=4096,t=1,p=255'],
      ['p just above 4 × the configured lanes', 'm=1024,t=1,p=5'],
      ['m below 8 × p', 'm=8,t=1,p=2'],
      ['t=0', 'm=1024,t=0,p=1'],
      ['a number with a leading zero', 'm=01024,t=1,p=1'],
      ['an 11-digit m', 'm=10000000000,t=1,p=1'],
    ];

    it.each(refused)('refuses %s quickly, answering false as for a wrong password', async (_label, parameters) => {
      const stored = await cheap.hash('pw');
      argon2Verify.mockClear();
      const planted = stored.replace('m=1024,t=1,p=1', parameters);
      expect(planted).toContain(parameters);
      const started = performance.now();
      await expect(cheap.verify(planted, 'pw')).resolves.toBe(false);
      expect(performance.now() - started).toBeLessThan(200);
      expect(argon2Verify).not.toHaveBeenCalled();
    });

    it('verifies a hash at the bound: 4 × the configured memory, passes and lanes (bug: the bound was 1 GiB and t=20)', async () => {
      const atBound = await argon2Hasher({ memoryCost: 4096, timeCost: 4, parallelism: 4 }).hash('pw');
      expect(atBound).toContain('m=4096,t=4,p=4');
      expect(await cheap.verify(atBound, 'pw')).toBe(true);
      expect(await cheap.verify(atBound, 'other')).toBe(false);
      expect(cheap.needsRehash(atBound)).toBe(true);

      // One more pass than the bound is refused like a wrong password, without hashing.
      const aboveBound = await argon2Hasher({ memoryCost: 4096, timeCost: 5, parallelism: 4 }).hash('pw');
      argon2Verify.mockClear();
      expect(await cheap.verify(aboveBound, 'pw')).toBe(false);
      expect(argon2Verify).not.toHaveBeenCalled();
    });

    it('follows the configured policy: a stronger one raises the bound', async () => {
      const strong = await argon2Hasher({ memoryCost: 2048, timeCost: 5, parallelism: 1 }).hash('pw');
      argon2Verify.mockClear();
      expect(await cheap.verify(strong, 'pw')).toBe(false);
      expect(argon2Verify).not.toHaveBeenCalled();
      const stronger = argon2Hasher({ memoryCost: 1024, timeCost: 2, parallelism: 1 });
      expect(await stronger.verify(strong, 'pw')).toBe(true);
      expect(argon2Verify).toHaveBeenCalledTimes(1);
    });

    it('still verifies, and asks to rehash, a hash made under a weaker earlier policy', async () => {
      const weaker = await argon2Hasher({ memoryCost: 256, timeCost: 1, parallelism: 1 }).hash('pw');
      expect(await cheap.verify(weaker, 'pw')).toBe(true);
      expect(cheap.needsRehash(weaker)).toBe(true);
    });

    it('lets the default policy verify the usual hashes of other libraries (m=64 MiB, t=3, p=4), not costlier ones', async () => {
      // Checked on the parameters only: the library's answer is stubbed, as real 64 MiB hashes would slow the suite.
      const defaults = argon2Hasher();
      const phc = (parameters: string): string => `$argon2id$v=19$${parameters}$c29tZXNhbHRzb21lc2FsdA$${'A'.repeat(43)}`;
      argon2Verify.mockResolvedValueOnce(true).mockResolvedValueOnce(true);
      expect(await defaults.verify(phc('m=65536,t=3,p=4'), 'pw')).toBe(true);
      expect(await defaults.verify(phc('m=77824,t=8,p=4'), 'pw')).toBe(true);
      expect(await defaults.verify(phc('m=77825,t=8,p=1'), 'pw')).toBe(false);
      expect(await defaults.verify(phc('m=19456,t=9,p=1'), 'pw')).toBe(false);
      expect(await defaults.verify(phc('m=19456,t=2,p=5'), 'pw')).toBe(false);
      expect(argon2Verify).toHaveBeenCalledTimes(2);
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

    it('refuses a bcrypt cost above 12 quickly, as a wrong password (bug: up to 15, seconds a check, was verified)', async () => {
      const legacy = await bcryptHash('pw', 4);
      for (const cost of ['13', '15', '20', '31']) {
        const planted = legacy.replace('$04$', `$${cost}$`);
        const started = performance.now();
        await expect(cheap.verify(planted, 'pw')).resolves.toBe(false);
        // A real cost-13 bcrypt takes half a second.
        expect(performance.now() - started).toBeLessThan(200);
      }
      expect(bcryptVerify).not.toHaveBeenCalled();
    });

    it('verifies a bcrypt hash at cost 12 by default, and above it only up to a configured maxBcryptCost', async () => {
      // Salt and digest of a real cost-4 hash: the stubbed library answers, so no cost-12 work is done.
      const legacy = await bcryptHash('pw', 4);
      bcryptVerify.mockResolvedValueOnce(true).mockResolvedValueOnce(true);
      expect(await cheap.verify(legacy.replace('$04$', '$12$'), 'pw')).toBe(true);
      expect(await cheap.verify(legacy.replace('$04$', '$13$'), 'pw')).toBe(false);
      const migrating = argon2Hasher({ memoryCost: 1024, timeCost: 1, maxBcryptCost: 14 });
      expect(await migrating.verify(legacy.replace('$04$', '$14$'), 'pw')).toBe(true);
      expect(await migrating.verify(legacy.replace('$04$', '$15$'), 'pw')).toBe(false);
      expect(bcryptVerify).toHaveBeenCalledTimes(2);
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
      ['maxBcryptCost above 15', { maxBcryptCost: 16 }, /maxBcryptCost.*from 4 to 15/],
      ['maxBcryptCost below 4', { maxBcryptCost: 3 }, /maxBcryptCost.*from 4 to 15/],
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

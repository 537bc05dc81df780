import type { Algorithm, Version } from '@node-rs/argon2';
import type { PasswordHasher } from '../ports/password-hasher.js';

/** Options for {@link argon2Hasher}. Every field is optional; the defaults follow OWASP's argon2id advice. */
export interface Argon2HasherOptions {
  /** Memory per hash in KiB. Default `19456` (19 MiB). Integer from `8 × parallelism` to `1048576` (1 GiB). */
  memoryCost?: number;
  /** Number of passes over the memory. Default `2`. Integer from `1` to `20`. */
  timeCost?: number;
  /** Number of lanes. Default `1`. Integer from `1` to `16`. */
  parallelism?: number;
  /**
   * Highest cost of a legacy bcrypt hash that `verify` still checks. Default `12` (the highest
   * default of the common frameworks, about 0.25 s a check, the same order as the argon2 bound
   * below). Integer from `4` to `15`; raise it only if your imported hashes use a higher cost.
   */
  maxBcryptCost?: number;
}

const DEFAULT_MEMORY_COST = 19_456;
const DEFAULT_TIME_COST = 2;
const DEFAULT_PARALLELISM = 1;

// Limits of the options. A stored hash must also stay within them to be verified.
const MAX_MEMORY_COST = 1_048_576;
const MAX_TIME_COST = 20;
const MAX_PARALLELISM = 16;
const MAX_BCRYPT_COST = 15;
const MIN_BCRYPT_COST = 4;
const DEFAULT_MAX_BCRYPT_COST = 12;

// A stored argon2 hash may use at most this many times the configured memory, passes and lanes;
// beyond that `verify` refuses it without hashing. A hash planted in the store (or imported)
// must not be able to make one login cost more than a small multiple of a normal one: at the
// defaults, 4x memory and 4x passes is 76 MiB and t=8, about ten times the usual login time,
// where the old absolute limits (1 GiB, t=20) allowed thousands of times. A factor of 4 still
// verifies, and then rehashes, hashes made under an earlier stronger policy or by the usual
// defaults of other libraries (argon2-cffi and RFC 9106's second choice: m=64 MiB, t=3, p=4).
// Lanes run on separate threads, so they are bounded too.
const STORED_COST_FACTOR = 4;

// The package declares these as ambient `const enum`s, which `isolatedModules` cannot read, so the
// numeric values are spelled out here (Argon2id = 2, version 0x13 = 1).
const ALGORITHM_ARGON2ID: Algorithm = 2;
const VERSION_0X13: Version = 1;
const OUTPUT_LENGTH = 32;

const ARGON2_PHC =
  /^\$(argon2id|argon2i|argon2d)\$(?:v=(16|19)\$)?m=(0|[1-9]\d{0,9}),t=(0|[1-9]\d{0,9}),p=(0|[1-9]\d{0,9})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{6,172})$/;
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

interface Argon2Parameters {
  variant: 'argon2id' | 'argon2i' | 'argon2d';
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// The most a stored argon2 hash may ask for, derived from the configured parameters.
interface Argon2Limits {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

type BcryptModule = typeof import('@node-rs/bcrypt');
type Argon2Module = typeof import('@node-rs/argon2');

/**
 * Creates a {@link PasswordHasher} that stores argon2id PHC strings and still verifies legacy bcrypt hashes.
 *
 * Hashing and verifying run off the main thread. `verify` returns `false`, as for a wrong
 * password, and does no hashing work, for hashes it refuses: argon2 hashes whose `m`, `t` or `p`
 * is more than 4 times this hasher's own (a hash planted in the store must not make a login
 * cost more than a small multiple of a normal one; a stronger policy raises the bound), bcrypt
 * hashes with a cost above `maxBcryptCost`, and anything malformed. Hashes made with weaker
 * parameters still verify. `needsRehash` is `true` for every bcrypt hash and for argon2 hashes
 * whose variant or parameters differ from this hasher's, so a successful login can upgrade
 * the stored hash.
 *
 * @throws {TypeError} When an option is not an integer in its allowed range.
 *
 * @example
 * ```ts
 * import { argon2Hasher } from '@gatehouse-auth/core';
 *
 * const hasher = argon2Hasher({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
 * const stored = await hasher.hash('correct horse battery staple');
 * await hasher.verify(stored, 'correct horse battery staple'); // true
 * hasher.needsRehash(stored); // false
 * ```
 */
export function argon2Hasher(options?: Argon2HasherOptions): PasswordHasher {
  const parallelism = options?.parallelism ?? DEFAULT_PARALLELISM;
  const memoryCost = options?.memoryCost ?? DEFAULT_MEMORY_COST;
  const timeCost = options?.timeCost ?? DEFAULT_TIME_COST;
  assertIntegerInRange('parallelism', parallelism, 1, MAX_PARALLELISM, 'lanes', DEFAULT_PARALLELISM);
  assertIntegerInRange('memoryCost', memoryCost, 8 * parallelism, MAX_MEMORY_COST, 'KiB', DEFAULT_MEMORY_COST);
  assertIntegerInRange('timeCost', timeCost, 1, MAX_TIME_COST, 'passes', DEFAULT_TIME_COST);
  const maxBcryptCost = options?.maxBcryptCost ?? DEFAULT_MAX_BCRYPT_COST;
  assertIntegerInRange('maxBcryptCost', maxBcryptCost, MIN_BCRYPT_COST, MAX_BCRYPT_COST, 'bcrypt cost', DEFAULT_MAX_BCRYPT_COST);
  const limits: Argon2Limits = {
    memoryCost: Math.min(MAX_MEMORY_COST, STORED_COST_FACTOR * memoryCost),
    timeCost: Math.min(MAX_TIME_COST, STORED_COST_FACTOR * timeCost),
    parallelism: Math.min(MAX_PARALLELISM, STORED_COST_FACTOR * parallelism),
  };

  return {
    hash: async function hash(password: string): Promise<string> {
      const argon2 = await loadArgon2();
      return argon2.hash(password, {
        algorithm: ALGORITHM_ARGON2ID,
        version: VERSION_0X13,
        memoryCost,
        timeCost,
        parallelism,
        outputLen: OUTPUT_LENGTH,
      });
    },

    verify: async function verify(hash: string, password: string): Promise<boolean> {
      if (typeof hash !== 'string' || typeof password !== 'string') {
        return false;
      }
      if (hash.startsWith('$argon2')) {
        const parameters = parseArgon2Hash(hash);
        if (parameters === null || !isWithinVerifyLimits(parameters, limits)) {
          return false;
        }
        const argon2 = await loadArgon2();
        try {
          return await argon2.verify(hash, password);
        } catch {
          return false;
        }
      }
      const bcryptMatch = BCRYPT.exec(hash);
      if (bcryptMatch !== null) {
        const cost = Number(bcryptMatch[1]);
        if (cost < MIN_BCRYPT_COST || cost > maxBcryptCost) {
          return false;
        }
        // A failure to load the module is an operational fault, not a bad hash, so it propagates.
        const bcrypt = await loadBcrypt();
        try {
          return await bcrypt.verify(password, hash);
        } catch {
          return false;
        }
      }
      return false;
    },

    needsRehash: function needsRehash(hash: string): boolean {
      const parameters = typeof hash === 'string' ? parseArgon2Hash(hash) : null;
      return (
        parameters === null ||
        parameters.variant !== 'argon2id' ||
        parameters.version !== 19 ||
        parameters.memoryCost !== memoryCost ||
        parameters.timeCost !== timeCost ||
        parameters.parallelism !== parallelism
      );
    },
  };
}

function assertIntegerInRange(
  name: string,
  value: number,
  min: number,
  max: number,
  unit: string,
  defaultValue: number,
): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(
      `argon2Hasher: \`${name}\` must be an integer from ${min} to ${max} (${unit}); got ${String(value)}. ` +
        `Omit it to use the default, ${defaultValue}` +
        (name === 'memoryCost' ? '; argon2 needs at least 8 KiB per lane (8 × parallelism).' : '.'),
    );
  }
}

function parseArgon2Hash(hash: string): Argon2Parameters | null {
  const match = ARGON2_PHC.exec(hash);
  if (match === null) {
    return null;
  }
  const [, variant, version, memoryCost, timeCost, parallelism] = match;
  return {
    variant: variant as Argon2Parameters['variant'],
    // A PHC string without `v=` was made by argon2 1.0 (0x10 = 16).
    version: version === undefined ? 16 : Number(version),
    memoryCost: Number(memoryCost),
    timeCost: Number(timeCost),
    parallelism: Number(parallelism),
  };
}

function isWithinVerifyLimits(parameters: Argon2Parameters, limits: Argon2Limits): boolean {
  return (
    parameters.parallelism >= 1 &&
    parameters.parallelism <= limits.parallelism &&
    parameters.timeCost >= 1 &&
    parameters.timeCost <= limits.timeCost &&
    parameters.memoryCost >= 8 * parameters.parallelism &&
    parameters.memoryCost <= limits.memoryCost
  );
}

/**
 * A loader that imports a module on first use and shares the promise afterwards; a failed
 * import is retried on the next call. Native bindings load this way so that importing core
 * stays cheap for apps that bring their own hasher, and bcrypt loads only for legacy hashes.
 */
function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

const loadArgon2: () => Promise<Argon2Module> = lazyImport(() => import('@node-rs/argon2'));
const loadBcrypt: () => Promise<BcryptModule> = lazyImport(() => import('@node-rs/bcrypt'));

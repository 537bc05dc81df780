import { z } from 'zod';
import { randomUUID } from '../lib/crypto.js';
import type { RandomSource } from '../ports/random-source.js';
import type { Store, UserId, UserIdKind } from '../ports/store.js';

/** The app's own user ids: `generate()` gives each new user's id. */
export interface UserIdGenerator {
  /**
   * A new, unique id: 1 to 128 visible ASCII characters, no spaces (a ULID, a nanoid,
   * `usr_…`). Gatehouse checks each one and refuses to create a user under anything else.
   */
  generate(): string | Promise<string>;
}

/**
 * How new users get their ids (the `userIds` option of `createAuth`):
 *
 * - `'uuid'` (the default): a random UUID, chosen by Gatehouse. User ids are strings.
 * - `'integer'`: the store assigns 1, 2, 3, … (an auto-increment column). User ids are numbers.
 *   Needs a store that can: `memoryStore()`, or `kyselyStore(db, { userIds: 'integer' })` over
 *   tables made by `migrateToLatest(db, { userIds: 'integer' })`.
 * - `{ generate }`: the app's own string ids.
 */
export type UserIdsOption = 'uuid' | 'integer' | UserIdGenerator;

/**
 * The type of the user ids a `userIds` option gives: `number` for `'integer'`, `string` for
 * `'uuid'` or a generator, and your app's ({@link AppUserId}) when the compiler does not know
 * the option (a config typed `AuthConfig`).
 */
export type UserIdOf<U extends UserIdsOption> = [UserIdsOption] extends [U] ? AppUserId : U extends 'integer' ? number : string;

/**
 * Your app's types, for the places that cannot see your `createAuth` call: `req.auth` in
 * Express and `request.auth` in Fastify (each declared once for every app), and the types you
 * name without an id type (`Auth`, `Identity`, `AuthUser`, …). Empty by default, which means
 * string user ids. With `userIds: 'integer'`, declare it once in your app, and `requireAuth`
 * then accepts your `auth` and types `req.auth.userId` as a number:
 *
 * @example
 * ```ts
 * declare module '@gatehouse-auth/core' {
 *   interface AppTypes {
 *     userId: number;
 *   }
 * }
 * ```
 */
// Empty on purpose: apps add their members by declaration merging.
export interface AppTypes {}

/** Your app's user id type as {@link AppTypes} declares it: `string` unless it says `number`. */
export type AppUserId = AppTypes extends { userId: infer Id extends UserId } ? Id : string;

/** The `userIds` option after validation, as flows use it. */
export interface ResolvedUserIds {
  /** Which option was given; `custom` for the app's generator. */
  readonly strategy: 'uuid' | 'integer' | 'custom';
  /** `integer` when the store assigns ids, `string` when Gatehouse chooses them. */
  readonly kind: UserIdKind;
  /**
   * A new user's id, or `null` when the store assigns it.
   * @throws TypeError when the app's generator gives something that is not a valid id.
   */
  newId(random: RandomSource): Promise<string | null>;
  /**
   * A user id from outside (an access token's `sub`, a caller's input, a store's answer) as the
   * configured type (a decimal string becomes a number with integer ids), or `null` when it
   * cannot be one.
   */
  parse(value: unknown): UserId | null;
  /**
   * An id of this kind that no user has, for a store call that must cost what a real one costs
   * (a code guessed for an address without an account): `0` for integers, a fresh UUID otherwise.
   */
  unusedId(random: RandomSource): UserId;
}

const MAX_STRING_ID = 128;
// Visible ASCII: ids go into tokens, logs, URLs and SQL varchar(255) columns unchanged.
const CUSTOM_ID = /^[\x21-\x7e]{1,128}$/;
const DECIMAL = /^[1-9][0-9]{0,15}$/;

function isGenerator(value: unknown): value is UserIdGenerator {
  return typeof value === 'object' && value !== null && typeof (value as { generate?: unknown }).generate === 'function';
}

/** Validates the `userIds` option; `undefined` stays `undefined` (the default, `'uuid'`). */
export const userIdsOptionSchema = z
  .custom<UserIdsOption>((value) => value === 'uuid' || value === 'integer' || isGenerator(value), {
    message: "must be 'uuid' (the default), 'integer' (the store assigns 1, 2, 3, …) or an object { generate() } that returns a new string id",
  })
  .optional();

function parseInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value === 'bigint') return value > 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : null;
  }
  return null;
}

function parseString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_STRING_ID ? value : null;
}

/** The strategy a `userIds` option names. */
export function resolveUserIds(option: UserIdsOption | undefined): ResolvedUserIds {
  if (option === 'integer') {
    return { strategy: 'integer', kind: 'integer', newId: async () => null, parse: parseInteger, unusedId: () => 0 };
  }
  if (option === undefined || option === 'uuid') {
    return { strategy: 'uuid', kind: 'string', newId: async (random) => randomUUID(random), parse: parseString, unusedId: randomUUID };
  }
  const generator = option;
  return {
    strategy: 'custom',
    kind: 'string',
    async newId() {
      const id: unknown = await generator.generate();
      if (typeof id !== 'string' || !CUSTOM_ID.test(id)) {
        const shown = typeof id === 'string' ? `a string of ${id.length} characters` : typeof id;
        throw new TypeError(`Gatehouse: userIds.generate() gave ${shown}; it must return a new id of 1 to ${MAX_STRING_ID} visible ASCII characters (no spaces).`);
      }
      return id;
    },
    parse: parseString,
    unusedId: randomUUID,
  };
}

/**
 * Why a store cannot keep the ids a `userIds` option makes, or `null` when it can. The message
 * says what to change.
 */
export function userIdsMismatch(option: UserIdsOption | undefined, store: Pick<Store, 'userIdKinds'>): string | null {
  const declared: unknown = store.userIdKinds;
  if (declared !== undefined && !(Array.isArray(declared) && declared.length > 0 && declared.every((kind) => kind === 'string' || kind === 'integer'))) {
    return "store.userIdKinds: must be a non-empty array of 'string' and 'integer'.";
  }
  const kinds: readonly UserIdKind[] = declared ?? ['string'];
  const wanted = resolveUserIds(option).kind;
  if (kinds.includes(wanted)) return null;
  if (wanted === 'integer') {
    return (
      "userIds: 'integer' needs a store that assigns user ids itself, and this store keeps only ids Gatehouse chooses (its userIdKinds has no 'integer'). " +
      "Use memoryStore(), or kyselyStore(db, { userIds: 'integer' }) over tables made by migrateToLatest(db, { userIds: 'integer' }); " +
      "a store of your own must assign the id in createUser and list 'integer' in userIdKinds."
    );
  }
  return (
    "userIds: this store assigns integer user ids itself (its userIdKinds is ['integer'], e.g. kyselyStore(db, { userIds: 'integer' })); " +
    "set userIds: 'integer' in the config."
  );
}

/** Whether two user ids name the same user, whatever their type: a store may give `'1'` for `1`. */
export function sameUserId(a: UserId, b: UserId): boolean {
  return String(a) === String(b);
}

/** A user id in a flow's input, of either kind; the store finds the user by it or not. */
export const userIdInputSchema = z.union([z.string().min(1).max(MAX_STRING_ID), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)]);

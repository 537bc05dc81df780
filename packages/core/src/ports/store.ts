/** Lifecycle state of an account. `pending` until the email is verified, `disabled` by an admin. */
export type UserStatus = 'pending' | 'active' | 'disabled';

/**
 * A user's id: a string Gatehouse chose (a UUID, or the app's `userIds.generate()`), or an
 * integer the store assigned (`userIds: 'integer'`). One app has one kind, never both; integers
 * are exact up to `Number.MAX_SAFE_INTEGER`.
 */
export type UserId = string | number;

/** A kind of user id a store keeps: see {@link Store.userIdKinds}. */
export type UserIdKind = 'string' | 'integer';

/** An account as the store keeps it. */
export interface UserRecord {
  /** Unique id, never changed: a string Gatehouse chose, or an integer the store assigned. */
  id: UserId;
  /** Normalized address (trimmed, NFKC, lower-case). Unique, compared case-insensitively. */
  email: string;
  /** When the address was verified, or `null`. */
  emailVerifiedAt: Date | null;
  /** PHC string of the password hash; `null` for an account without a password. */
  passwordHash: string | null;
  /** Application role, e.g. `user`. Never settable through profile input. */
  role: string;
  status: UserStatus;
  /** Profile fields declared by the app's profile schema, stored as a JSON object. */
  profile: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/**
 * A user for {@link Store.createUser} to insert: a {@link UserRecord} whose `id` is `null` when
 * the store is to assign it (`userIds: 'integer'`).
 */
export interface NewUserRecord extends Omit<UserRecord, 'id'> {
  id: UserId | null;
}

/** The fields of a user that {@link Store.updateUser} may change. `updatedAt` is always set. */
export interface UserPatch {
  email?: string;
  emailVerifiedAt?: Date | null;
  passwordHash?: string | null;
  role?: string;
  status?: UserStatus;
  profile?: Record<string, unknown>;
  lastLoginAt?: Date | null;
  updatedAt: Date;
}

/**
 * Values that a conditional {@link Store.updateUser} requires the stored user to still have:
 * a compare-and-set, so that a state change decided on a read (pending → active, a rehash of
 * the hash just verified) never overwrites a change made meanwhile (an admin's disable, a
 * password reset).
 */
export interface UserExpectation {
  status?: UserStatus;
  /** The stored hash, compared exactly (`null` for an account without a password). */
  passwordHash?: string | null;
  /** The normalized address, compared case-insensitively. */
  email?: string;
}

/** Options of {@link Store.updateUser}. */
export interface UpdateUserOptions {
  /** Apply the patch only while the stored user has every one of these values. */
  expect?: UserExpectation;
  /**
   * The user's unique values after the update: they replace every value the user held, in the
   * same atomic step as the patch. Absent: the user's values stay as they are. See
   * {@link Store.enforcesUniqueValues}.
   */
  unique?: readonly UniqueValue[];
}

/**
 * One value of a unique profile field (`uniqueProfileFields` in the config), which no two users
 * may hold. Core normalizes it (strings trimmed, NFKC, lower-cased), so the store compares
 * `field` and `value` exactly, as given.
 */
export interface UniqueValue {
  /** The profile field, e.g. `username` (at most 64 characters). */
  field: string;
  /** The normalized value, e.g. `ada`. */
  value: string;
}

/** Options of {@link Store.createUser}. */
export interface CreateUserOptions {
  /** Values the new user holds, which no other user may hold. See {@link Store.enforcesUniqueValues}. */
  unique?: readonly UniqueValue[];
}

/** Input of {@link Store.checkOneTimeCode}. */
export interface CheckOneTimeCodeInput {
  userId: UserId;
  purpose: OneTimeTokenPurpose;
  /** Hash of the code as presented (see `codeHash`). */
  hash: string;
  now: Date;
}

/**
 * The outcome of {@link Store.checkOneTimeCode}: the code was right and is now consumed (with the
 * record as it was before), or wrong (with the tries left after this one), or the user has no
 * usable code for the purpose.
 */
export type OneTimeCodeCheck =
  | { outcome: 'consumed'; record: OneTimeTokenRecord }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'none' };

/** One login session, which is also one refresh-token family. */
export interface SessionRecord {
  id: string;
  userId: UserId;
  createdAt: Date;
  /** Last time the session's refresh token was used; drives the idle lifetime. */
  lastUsedAt: Date;
  /** Absolute end of the session, whatever its use. */
  expiresAt: Date;
  /** When the session was ended, or `null` while it is live. */
  revokedAt: Date | null;
  /** Why it was ended (`logout`, `refresh_token_reused`, `password_changed`, …), or `null`. */
  revokedReason: string | null;
  /**
   * Per-session secret (base64url) from which each successor refresh token is derived, so that a
   * client's concurrent retry inside the grace window receives the same successor instead of
   * forking the family. It is never sent to a client.
   */
  rotationKey: string;
  userAgent: string | null;
  ip: string | null;
}

/** One refresh token of a family, stored only as its SHA-256. */
export interface RefreshTokenRecord {
  /** SHA-256 of the token, base64url. */
  hash: string;
  sessionId: string;
  issuedAt: Date;
  /** When it was exchanged for its successor, or `null` while it is the family's live token. */
  usedAt: Date | null;
}

/** What a single-use token is for. A token only ever works for its own purpose. */
export type OneTimeTokenPurpose =
  | 'email-verification'
  | 'email-verification-code'
  | 'password-reset'
  | 'email-change'
  | 'email-change-code';

/** A single-use token (emailed link or short code), stored only as its SHA-256. */
export interface OneTimeTokenRecord {
  id: string;
  /** SHA-256 of the token or code, base64url. Unique. */
  hash: string;
  userId: UserId;
  purpose: OneTimeTokenPurpose;
  createdAt: Date;
  expiresAt: Date;
  /** When it was consumed or voided, or `null` while it is usable. */
  usedAt: Date | null;
  /** Wrong guesses left for short codes; `null` for links, which cannot be guessed. */
  attemptsLeft: number | null;
  /** Purpose-specific payload, e.g. the new address of an email change; `null` otherwise. */
  data: string | null;
}

/** A session together with its user, as one lookup returns them. */
export interface SessionWithUser {
  session: SessionRecord;
  user: UserRecord;
}

/** A refresh token together with its session and user, as one lookup returns them. */
export interface RefreshTokenLookup {
  token: RefreshTokenRecord;
  session: SessionRecord;
  user: UserRecord;
}

/** Input of {@link Store.rotateRefreshToken}. */
export interface RotateRefreshTokenInput {
  sessionId: string;
  /** Hash of the token being exchanged. */
  presentedHash: string;
  /** The successor, with `usedAt: null`. */
  next: RefreshTokenRecord;
  /** Time of the rotation: becomes the presented token's `usedAt` and the session's `lastUsedAt`. */
  now: Date;
}

/** Options of {@link Store.revokeSession}. */
export interface RevokeOptions {
  /** Becomes the session's `revokedAt`. */
  now: Date;
  /** Becomes the session's `revokedReason`. */
  reason: string;
}

/** Options of {@link Store.revokeUserSessions}. */
export interface RevokeUserSessionsOptions extends RevokeOptions {
  /** Keep this session live (e.g. the one that changed the password). */
  exceptSessionId?: string;
}

/**
 * Where Gatehouse keeps users, sessions, refresh tokens and single-use tokens.
 *
 * Methods are domain-shaped: each one is what a flow needs, and the ones documented as atomic
 * must be atomic under concurrency (one statement or one transaction); the conformance suite in
 * `@gatehouse-auth/core/testing` checks every contract below. A lookup that finds nothing returns
 * `null`. Infrastructure failures are thrown as they are: Gatehouse turns them into
 * `SERVICE_UNAVAILABLE` and keeps them for logs.
 *
 * Dates are `Date` objects and must round-trip to the millisecond.
 */
export interface Store {
  /**
   * `true` when the store keeps the `unique` option of {@link createUser} and
   * {@link updateUser}: it refuses a unique value (a `field` and `value` pair, compared exactly)
   * that another user holds, atomically with the insert or update, so that of N concurrent
   * claims of one value exactly one succeeds; and {@link deleteUser} frees the user's values.
   * The refusal is `AuthError` `VALIDATION_FAILED` whose one field issue names the field with
   * the code `taken` (see `uniqueValueTakenError`), and nothing of the call is applied.
   *
   * `createAuth` refuses a config with `uniqueProfileFields` over a store that does not say
   * `true` here, so a store that ignores the option never silently accepts duplicates.
   */
  readonly enforcesUniqueValues?: boolean;

  /**
   * The kinds of user id the store keeps; `['string']` when omitted.
   *
   * - `'string'`: Gatehouse chooses each new user's id (a UUID, or the app's
   *   `userIds.generate()`) and passes it to {@link createUser}, which stores it as it is.
   * - `'integer'`: the store assigns each new user's id itself, e.g. from an auto-increment
   *   column: {@link createUser} receives `id: null` and returns the id, a positive safe integer
   *   (`Number.isSafeInteger`), unique and never reused. The records it returns carry ids as
   *   `number`s, and every method that takes a user id finds the user by that number.
   *
   * `createAuth` refuses a `userIds` option whose kind the store does not list here, so a store
   * that cannot assign ids never receives `id: null`.
   */
  readonly userIdKinds?: readonly UserIdKind[];

  /**
   * Inserts a new user, with the unique values of `options.unique` (when the store
   * {@link enforcesUniqueValues}), all or nothing.
   * @throws AuthError `VALIDATION_FAILED` (`taken`) when another user holds one of the unique
   * values; this is checked before the email, so that the answer about a value never depends on
   * whether the email has an account.
   *
   * The id: when `user.id` is given, the user is stored under it and the method may return it
   * or nothing. When `user.id` is `null` (the store lists `'integer'` in {@link userIdKinds}),
   * the store assigns a new id and must return it; under N concurrent inserts each one gets its
   * own id. A store that cannot assign one throws instead of inserting.
   * @throws AuthError `EMAIL_TAKEN` when another user has the same email (compared
   * case-insensitively); under N concurrent inserts of one email exactly one succeeds.
   */
  createUser(user: NewUserRecord, options?: CreateUserOptions): Promise<UserId | void>;

  /** The user with this id, or `null`. */
  findUserById(id: UserId): Promise<UserRecord | null>;

  /** The user with this normalized email (compared case-insensitively), or `null`. */
  findUserByEmail(email: string): Promise<UserRecord | null>;

  /**
   * Applies `patch` to the user and returns the updated record, or `null` when no such user.
   *
   * With `options.expect`, atomically: the patch is applied only while the stored user has every
   * expected value, and `null` (no change) is returned otherwise. Of N concurrent conditional
   * updates that expect the same value and change it, exactly one succeeds.
   *
   * With `options.unique` (when the store {@link enforcesUniqueValues}), the user's unique values
   * become exactly those, in the same atomic step: values dropped are freed for other users.
   * @throws AuthError `VALIDATION_FAILED` (`taken`) when another user holds one of the new unique
   * values; nothing changes.
   * @throws AuthError `EMAIL_TAKEN` when the new email belongs to another user.
   */
  updateUser(id: UserId, patch: UserPatch, options?: UpdateUserOptions): Promise<UserRecord | null>;

  /** Deletes the user with their sessions, refresh tokens, single-use tokens and unique values. Returns `true` if the user existed. */
  deleteUser(id: UserId): Promise<boolean>;

  /** Inserts a session and its first refresh token, atomically (both or neither). */
  createSession(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void>;

  /** The session with this id and its user (revoked and expired sessions included), or `null`. */
  findSession(id: string): Promise<SessionWithUser | null>;

  /** Sessions of the user that are not revoked (expired ones included), newest first. */
  listSessions(userId: UserId): Promise<SessionRecord[]>;

  /** The refresh token with this hash, with its session and user (used ones included), or `null`. */
  findRefreshToken(hash: string): Promise<RefreshTokenLookup | null>;

  /**
   * Exchanges a live refresh token for its successor, atomically: marks the presented token used
   * only if it is still unused and its session is not revoked, inserts `next`, and sets the
   * session's `lastUsedAt`. Returns `true` for the one caller that won; `false` (and no change)
   * when the token was already used or the session revoked. N concurrent calls for one token
   * produce exactly one `true`.
   */
  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean>;

  /** Ends one session. Returns `true` if it was live before the call, `false` otherwise. */
  revokeSession(sessionId: string, options: RevokeOptions): Promise<boolean>;

  /** Ends every live session of the user (but `exceptSessionId`). Returns how many were ended. */
  revokeUserSessions(userId: UserId, options: RevokeUserSessionsOptions): Promise<number>;

  /**
   * Inserts a single-use token and, in the same atomic step, voids (sets `usedAt`) every other
   * unused token of the same user and purpose, so only the newest one works.
   */
  createOneTimeToken(token: OneTimeTokenRecord): Promise<void>;

  /** The token with this hash (used or expired ones included), or `null`. */
  findOneTimeToken(hash: string): Promise<OneTimeTokenRecord | null>;

  /** The newest unused, unexpired token of the user for the purpose, or `null`. */
  findActiveOneTimeToken(userId: UserId, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;

  /**
   * Consumes a token, atomically: sets `usedAt = now` only if the hash matches, the purpose
   * matches, it is unused and `expiresAt > now`. Returns the record as it was before, or `null`
   * when nothing was consumed. N concurrent calls for one token produce exactly one record.
   */
  consumeOneTimeToken(hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;

  /**
   * Gives back a token consumed at exactly `usedAt` (sets `usedAt` back to `null`), when the
   * change the token authorized could not be made, so that the token works for a retry. Only a
   * token whose `usedAt` equals the given time is released. Returns `true` if one was.
   */
  releaseOneTimeToken(hash: string, usedAt: Date): Promise<boolean>;

  /**
   * Judges a short code against the user's newest usable code for the purpose (unused,
   * `expiresAt > now`, `attemptsLeft > 0`), in one atomic step: when `hash` is that code's hash
   * it is consumed (`usedAt = now`) and returned as it was before (`consumed`); otherwise one try
   * is counted (`attemptsLeft - 1`, and `usedAt = now` when it reaches zero) and the tries left
   * are returned (`wrong`); `none` when the user has no usable code for the purpose.
   *
   * Under any concurrency the tries are exact: of N parallel calls, at most `attemptsLeft` are
   * judged, at most one is `consumed`, and once the tries are spent even the right code is
   * refused (`none`). An older, voided code is never judged.
   */
  checkOneTimeCode(input: CheckOneTimeCodeInput): Promise<OneTimeCodeCheck>;

  /** Voids every unused token of the user for the given purposes. Returns how many were voided. */
  voidOneTimeTokens(userId: UserId, purposes: readonly OneTimeTokenPurpose[], now: Date): Promise<number>;
}

import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { OneTimeCodeCheck, OneTimeTokenPurpose, OneTimeTokenRecord, UserId } from '../ports/store.js';
import { randomCode, randomToken, randomUUID, sha256 } from './crypto.js';

/** The default characters of a short code: no 0/O or 1/I, so a code read aloud or typed from a phone cannot be misread. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** What a single-use token is issued for. */
export interface IssueTokenOptions {
  userId: UserId;
  purpose: OneTimeTokenPurpose;
  /** Lifetime in seconds. */
  ttl: number;
  now: Date;
  /** Purpose-specific payload (the address the token was sent to), or `null`. */
  data: string | null;
}

/** Why a token or code was refused. */
export type TokenFailure = 'invalid' | 'expired' | 'used' | 'attempts_exhausted';

/** The outcome of consuming a token or code: the record as it was, or why it was refused. */
export type ConsumeResult =
  | { ok: true; record: OneTimeTokenRecord }
  /** `record` is the stored token when one matched the presented secret (a used or expired one). */
  | { ok: false; reason: TokenFailure; record: OneTimeTokenRecord | null };

/** The stored hash of a short code. Salting with the user and purpose keeps equal codes of different users (or purposes) apart. */
export function codeHash(userId: UserId, purpose: OneTimeTokenPurpose, code: string): string {
  return sha256(`${userId}:${purpose}:${code}`);
}

/**
 * The stored hash of a code that finds its own account (`emailVerification.codeOnly`): salted
 * with the purpose and the code's time bucket (creation time divided by the code lifetime)
 * instead of the user, so that the code alone can be looked up. A live code is always in the
 * current bucket or the one before; a dead code in an older bucket never blocks a new one.
 */
function lookupHash(purpose: OneTimeTokenPurpose, bucket: number, code: string): string {
  return sha256(`lookup:${purpose}:${bucket}:${code}`);
}

function bucketOf(time: Date, ttlSeconds: number): number {
  return Math.floor(time.getTime() / (ttlSeconds * 1000));
}

/** True when codes of this purpose are looked up by the code alone. Only address verification codes can be. */
function findsItsAccount(ctx: AuthContext, purpose: OneTimeTokenPurpose): boolean {
  return purpose === 'email-verification-code' && ctx.config.emailVerification.codeOnly;
}

function isLive(record: OneTimeTokenRecord, purpose: OneTimeTokenPurpose, now: Date): boolean {
  return record.purpose === purpose && record.usedAt === null && record.expiresAt.getTime() > now.getTime() && (record.attemptsLeft ?? 1) > 0;
}

// Redrawing a code that another live code (or a dead one of this bucket) already has; with
// 10^6 numeric codes and thousands live, each draw collides with a chance of a few in a thousand.
const CODE_DRAWS = 8;

/** A code as typed by a person, in the form it was issued: NFKC, upper-case, without spaces or dashes. */
export function normalizeCode(input: string): string {
  return input.normalize('NFKC').toUpperCase().replace(/[\s-]+/g, '');
}

/**
 * Issues a link token (256 bits from the context's CSPRNG) and stores only its SHA-256. The
 * store voids the user's older tokens of the same purpose in the same step.
 */
export async function issueLinkToken(ctx: AuthContext, options: IssueTokenOptions): Promise<string> {
  const token = randomToken(ctx.random);
  await ctx.store.createOneTimeToken({ ...record(ctx, options), hash: sha256(token), attemptsLeft: null });
  return token;
}

/**
 * Issues a short code that dies after `attempts` wrong guesses, and stores only its salted
 * SHA-256. The store voids the user's older codes of the same purpose in the same step.
 */
export async function issueCode(ctx: AuthContext, options: IssueTokenOptions & { attempts: number }): Promise<string> {
  // 32^6 by default, about a billion codes, against at most a handful of guesses each.
  const { codeAlphabet, codeLength } = ctx.config.emailVerification;
  if (!findsItsAccount(ctx, options.purpose)) {
    const code = randomCode(ctx.random, codeAlphabet, codeLength);
    await ctx.store.createOneTimeToken({ ...record(ctx, options), hash: codeHash(options.userId, options.purpose, code), attemptsLeft: options.attempts });
    return code;
  }
  // A code that finds its account must be the only live one with its value. The store's unique
  // hash index refuses a duplicate in the same bucket even when two draws race.
  const bucket = bucketOf(options.now, options.ttl);
  for (let draw = 0; draw < CODE_DRAWS; draw++) {
    const code = randomCode(ctx.random, codeAlphabet, codeLength);
    const hash = lookupHash(options.purpose, bucket, code);
    const [same, previous] = await Promise.all([ctx.store.findOneTimeToken(hash), ctx.store.findOneTimeToken(lookupHash(options.purpose, bucket - 1, code))]);
    if (same !== null || (previous !== null && isLive(previous, options.purpose, options.now))) continue;
    await ctx.store.createOneTimeToken({ ...record(ctx, options), hash, attemptsLeft: options.attempts });
    return code;
  }
  ctx.logger.error('gatehouse: no free verification code after several draws; use a longer codeLength or a larger codeAlphabet with codeOnly');
  throw new AuthError('SERVICE_UNAVAILABLE');
}

function record(ctx: AuthContext, options: IssueTokenOptions): Omit<OneTimeTokenRecord, 'hash' | 'attemptsLeft'> {
  return {
    id: randomUUID(ctx.random),
    userId: options.userId,
    purpose: options.purpose,
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + options.ttl * 1000),
    usedAt: null,
    data: options.data,
  };
}

/** Consumes a link token in one atomic store call; a second use, even a concurrent one, is refused. */
export async function consumeLinkToken(ctx: AuthContext, token: string, purpose: OneTimeTokenPurpose, now: Date): Promise<ConsumeResult> {
  const hash = sha256(token);
  const consumed = await consumeOrReadBack(ctx, hash, now, () => ctx.store.consumeOneTimeToken(hash, purpose, now));
  if (consumed) return { ok: true, record: consumed };
  return explainRefusal(ctx, hash, purpose, now);
}

/**
 * Runs a consuming store call; when it fails, reads the token back, and takes a token consumed
 * at exactly `now` as consumed by this call (the store committed, and only its reply was lost),
 * so the caller goes on to make the change the token authorizes instead of losing the token.
 */
export async function consumeOrReadBack(ctx: AuthContext, hash: string, now: Date, consume: () => Promise<OneTimeTokenRecord | null>): Promise<OneTimeTokenRecord | null> {
  try {
    return await consume();
  } catch (error) {
    const after = await ctx.store.findOneTimeToken(hash).catch(() => null);
    if (after?.usedAt?.getTime() === now.getTime()) return { ...after, usedAt: null };
    throw error;
  }
}

/**
 * Checks a code against the user's active code for the purpose and consumes it when it
 * matches, in one atomic store call: a wrong guess costs one try, the last one voids the code,
 * and even the right code is refused after it. Parallel guesses cannot share a try.
 */
export async function consumeCode(ctx: AuthContext, userId: UserId, purpose: OneTimeTokenPurpose, code: string, now: Date): Promise<ConsumeResult> {
  const hash = await userCodeHash(ctx, userId, purpose, normalizeCode(code), now);
  return judge(ctx, userId, purpose, hash, now);
}

/** The hash a user's code would be stored under: per user, or (codes that find their account) in the bucket of the user's live code. */
async function userCodeHash(ctx: AuthContext, userId: UserId, purpose: OneTimeTokenPurpose, code: string, now: Date): Promise<string> {
  if (!findsItsAccount(ctx, purpose)) return codeHash(userId, purpose, code);
  const active = await ctx.store.findActiveOneTimeToken(userId, purpose, now);
  // Without a live code any hash is wrong; the store still does the same work and says `none`.
  return active ? lookupHash(purpose, bucketOf(active.createdAt, ctx.config.emailVerification.codeTtl), code) : sha256(randomToken(ctx.random));
}

/**
 * Finds the account of a code sent alone (`emailVerification.codeOnly`) and consumes the code,
 * in the same atomic store call as {@link consumeCode}. A code that matches no live code is
 * refused without costing any account a try: the per-address limit (`verifyCodePerIp`) is what
 * bounds such guesses.
 */
export async function consumeCodeAlone(ctx: AuthContext, purpose: OneTimeTokenPurpose, code: string, now: Date): Promise<ConsumeResult> {
  const normalized = normalizeCode(code);
  const bucket = bucketOf(now, ctx.config.emailVerification.codeTtl);
  const found = await Promise.all([bucket, bucket - 1].map((b) => ctx.store.findOneTimeToken(lookupHash(purpose, b, normalized))));
  const matches = found.filter((record): record is OneTimeTokenRecord => record !== null && record.purpose === purpose);
  const live = matches.filter((record) => isLive(record, purpose, now));
  // Two live codes with one value can only come from a lost race at issue: neither is trusted.
  if (live.length === 1) return judge(ctx, live[0]!.userId, purpose, live[0]!.hash, now);
  const dead = live.length === 0 ? matches[0] : undefined;
  if (!dead) return { ok: false, reason: 'invalid', record: null };
  return { ok: false, reason: dead.expiresAt.getTime() <= now.getTime() ? 'expired' : 'used', record: dead };
}

async function judge(ctx: AuthContext, userId: UserId, purpose: OneTimeTokenPurpose, hash: string, now: Date): Promise<ConsumeResult> {
  let checked: OneTimeCodeCheck;
  try {
    checked = await ctx.store.checkOneTimeCode({ userId, purpose, hash, now });
  } catch (error) {
    const consumed = await consumeOrReadBack(ctx, hash, now, () => Promise.reject(error));
    checked = { outcome: 'consumed', record: consumed as OneTimeTokenRecord };
  }
  if (checked.outcome === 'consumed') return { ok: true, record: checked.record };
  if (checked.outcome === 'wrong') return { ok: false, reason: checked.attemptsLeft === 0 ? 'attempts_exhausted' : 'invalid', record: null };
  return explainRefusal(ctx, hash, purpose, now);
}

/**
 * The same store work as {@link consumeCode} for an address without an account, so that a
 * guess for an unknown address costs what a guess for a known one costs.
 */
export async function consumeCodeForNobody(ctx: AuthContext, purpose: OneTimeTokenPurpose, now: Date): Promise<ConsumeResult> {
  await ctx.store.checkOneTimeCode({ userId: ctx.config.userIds.unusedId(ctx.random), purpose, hash: sha256(randomToken(ctx.random)), now });
  return { ok: false, reason: 'invalid', record: null };
}

async function explainRefusal(ctx: AuthContext, hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<ConsumeResult> {
  const found = await ctx.store.findOneTimeToken(hash);
  if (!found || found.purpose !== purpose) return { ok: false, reason: 'invalid', record: null };
  if (found.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', record: found };
  return { ok: false, reason: 'used', record: found };
}

/** The error a refused token or code answers with: `TOKEN_EXPIRED` when it ran out of time, `TOKEN_INVALID` otherwise. */
export function tokenError(reason: TokenFailure): AuthError {
  return new AuthError(reason === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
}

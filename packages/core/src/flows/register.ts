import type { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { profileWords, toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import { startSession, type TokenPair } from '../sessions/sessions.js';
import { checkPassword } from '../password/policy.js';
import type { NewUserRecord, UserId, UserRecord } from '../ports/store.js';
import { registerSchema } from '../schemas.js';
import { sendVerification } from './send-verification.js';
import { notifyExistingAccount } from '../mail/notices.js';
import { asProfileError, uniqueValuesOf } from '../unique-values.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link register}. */
export interface RegisterInput extends RequestMeta {
  email: string;
  password: string;
  /** Profile fields, checked by the configured profile schema. */
  profile?: Record<string, unknown>;
}

/** Result of {@link register}. */
export interface RegisterResult<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  user: AuthUser<P, Id>;
  /** Tokens when login does not require a verified email; `null` otherwise. */
  tokens: TokenPair | null;
  /** True when the user must verify their email before they can log in. */
  verificationRequired: boolean;
}

/**
 * Creates an account and sends the verification email.
 *
 * When login requires a verified email, an address that already has an account gets exactly
 * the same answer (and the same hashing work) as a new one, and its owner is told by email, so
 * registration cannot be used to find out who has an account.
 *
 * A value of a unique profile field (`uniqueProfileFields`) that another account holds fails
 * with `VALIDATION_FAILED` (`taken`) on that field, whether or not the email has an account:
 * the answer about the value never tells anything about the email.
 *
 * With `userIds: 'integer'` the store assigns the id, and the look-alike answer for an address
 * that has an account carries the id `0`: there is no new id to show without creating an account.
 *
 * @throws AuthError `VALIDATION_FAILED`, `WEAK_PASSWORD`, or `EMAIL_TAKEN` (only when
 * verification is not required for login).
 */
export async function register(ctx: AuthContext, input: RegisterInput): Promise<RegisterResult<Record<string, unknown>, UserId>> {
  const { email, password } = parseInput(registerSchema, input);
  const profile = parseInput(ctx.config.profileSchema, input.profile ?? {}, ['profile']) as z.output<z.ZodObject>;
  const weak = ctx.config.password.blockContext
    ? checkPassword(password, ctx.config.password, { email, values: profileWords(profile) })
    : checkPassword(password, ctx.config.password);
  if (weak.length > 0) throw new AuthError('WEAK_PASSWORD', undefined, { fields: weak });

  const verificationRequired = ctx.config.emailVerification.requiredForLogin;
  const now = ctx.clock.now();
  const candidate: NewUserRecord = {
    // `null` when the store assigns ids (`userIds: 'integer'`).
    id: await ctx.config.userIds.newId(ctx.random),
    email,
    emailVerifiedAt: null,
    passwordHash: null,
    role: ctx.config.defaultRole,
    status: 'pending',
    profile,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
  };
  // Hash before looking the address up, so both answers cost the same work.
  candidate.passwordHash = await ctx.hasher.hash(password);
  const existing = await ctx.store.findUserByEmail(email);
  const unique = uniqueValuesOf(ctx.config.uniqueProfileFields, profile);
  // With unique values, the store is asked even for a known email: it judges the values first,
  // so a taken username is refused alike whether or not the email has an account.
  let user: UserRecord;
  if (existing === null || unique.length > 0) {
    let assigned: UserId | void;
    try {
      assigned = await ctx.store.createUser(candidate, unique.length > 0 ? { unique } : undefined);
    } catch (error) {
      if (!(error instanceof AuthError && error.code === 'EMAIL_TAKEN') || !verificationRequired) throw asProfileError(error);
      return answerForExisting(ctx, existing ?? (await ctx.store.findUserByEmail(email)), candidate, input);
    }
    user = { ...candidate, id: candidate.id ?? assignedId(ctx, assigned) };
  } else {
    if (!verificationRequired) throw new AuthError('EMAIL_TAKEN');
    return answerForExisting(ctx, existing, candidate, input);
  }

  ctx.emit({ type: 'user.registered', userId: user.id, at: now, ip: input.ip });
  // After the answer: the token writes are work an existing address (which gets a notice,
  // also after the answer) does not do, and would tell the two apart.
  sendVerification(ctx, user, now);
  const tokens = verificationRequired ? null : await startSession(ctx, user, input, now);
  if (tokens) await ctx.store.updateUser(user.id, { lastLoginAt: now, updatedAt: now });
  return { user: toAuthUser(tokens ? { ...user, lastLoginAt: now } : user), tokens, verificationRequired };
}

/** The id the store assigned, as a number; a store that gave none broke its contract. */
function assignedId(ctx: AuthContext, assigned: UserId | void): UserId {
  const id = ctx.config.userIds.parse(assigned);
  if (id === null) {
    throw new TypeError(
      `Gatehouse: store.createUser assigned no valid id (it returned ${typeof assigned === 'string' ? JSON.stringify(assigned) : String(assigned)}); with userIds: 'integer' it must return the new user's id, a positive safe integer.`,
    );
  }
  return id;
}

/** Same answer as for a new account (a look-alike user that was never stored); the owner is told. */
async function answerForExisting(
  ctx: AuthContext,
  existing: UserRecord | null,
  lookalike: NewUserRecord,
  meta: RequestMeta,
): Promise<RegisterResult<Record<string, unknown>, UserId>> {
  const now = lookalike.createdAt;
  if (existing) {
    ctx.emit({ type: 'user.register_existing', userId: existing.id, at: now, ip: meta.ip });
    notifyExistingAccount(ctx, existing);
  }
  // A store-assigned id exists only for a stored user: the look-alike shows 0, which no user has.
  return { user: toAuthUser({ ...lookalike, id: lookalike.id ?? 0 }), tokens: null, verificationRequired: true };
}

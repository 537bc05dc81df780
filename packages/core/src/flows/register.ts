import type { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { randomUUID } from '../lib/crypto.js';
import { profileWords, toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import { startSession, type TokenPair } from '../sessions/sessions.js';
import { checkPassword } from '../password/policy.js';
import type { UserRecord } from '../ports/store.js';
import { registerSchema } from '../schemas.js';
import { sendVerification } from './send-verification.js';
import { notifyExistingAccount } from '../mail/notices.js';

/** Input of {@link register}. */
export interface RegisterInput extends RequestMeta {
  email: string;
  password: string;
  /** Profile fields, checked by the configured profile schema. */
  profile?: Record<string, unknown>;
}

/** Result of {@link register}. */
export interface RegisterResult<P = Record<string, unknown>> {
  user: AuthUser<P>;
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
 * @throws AuthError `VALIDATION_FAILED`, `WEAK_PASSWORD`, or `EMAIL_TAKEN` (only when
 * verification is not required for login).
 */
export async function register(ctx: AuthContext, input: RegisterInput): Promise<RegisterResult> {
  const { email, password } = parseInput(registerSchema, input);
  const profile = parseInput(ctx.config.profileSchema, input.profile ?? {}, ['profile']) as z.output<z.ZodObject>;
  const weak = ctx.config.password.blockContext
    ? checkPassword(password, ctx.config.password, { email, values: profileWords(profile) })
    : checkPassword(password, ctx.config.password);
  if (weak.length > 0) throw new AuthError('WEAK_PASSWORD', undefined, { fields: weak });

  const verificationRequired = ctx.config.emailVerification.requiredForLogin;
  const now = ctx.clock.now();
  const user: UserRecord = {
    id: randomUUID(ctx.random),
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
  user.passwordHash = await ctx.hasher.hash(password);
  const existing = await ctx.store.findUserByEmail(email);
  if (existing === null) {
    try {
      await ctx.store.createUser(user);
    } catch (error) {
      if (!(error instanceof AuthError && error.code === 'EMAIL_TAKEN') || !verificationRequired) throw error;
      return answerForExisting(ctx, await ctx.store.findUserByEmail(email), user, input);
    }
  } else {
    if (!verificationRequired) throw new AuthError('EMAIL_TAKEN');
    return answerForExisting(ctx, existing, user, input);
  }

  ctx.emit({ type: 'user.registered', userId: user.id, at: now, ip: input.ip });
  // After the answer: the token writes are work an existing address (which gets a notice,
  // also after the answer) does not do, and would tell the two apart.
  sendVerification(ctx, user, now);
  const tokens = verificationRequired ? null : await startSession(ctx, user, input, now);
  if (tokens) await ctx.store.updateUser(user.id, { lastLoginAt: now, updatedAt: now });
  return { user: toAuthUser(tokens ? { ...user, lastLoginAt: now } : user), tokens, verificationRequired };
}

/** Same answer as for a new account (a look-alike user that was never stored); the owner is told. */
async function answerForExisting(ctx: AuthContext, existing: UserRecord | null, lookalike: UserRecord, meta: RequestMeta): Promise<RegisterResult> {
  const now = lookalike.createdAt;
  if (existing) {
    ctx.emit({ type: 'user.register_existing', userId: existing.id, at: now, ip: meta.ip });
    notifyExistingAccount(ctx, existing);
  }
  return { user: toAuthUser(lookalike), tokens: null, verificationRequired: true };
}

import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { startSession, type TokenPair } from '../sessions/sessions.js';
import { toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import type { UserId, UserPatch } from '../ports/store.js';
import { clientKey } from '../rate-limit/client-key.js';
import { isLockedOut, limit, recordLoginFailure } from '../rate-limit/limiter.js';
import { loginSchema } from '../schemas.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link login}. */
export interface LoginInput extends RequestMeta {
  email: string;
  password: string;
}

/** Result of {@link login}. */
export interface LoginResult<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  user: AuthUser<P, Id>;
  tokens: TokenPair;
}

/**
 * The keys {@link login} counts its rules under, for a normalized email and the client's
 * {@link clientKey} (`null` when called without an address, e.g. from a CLI).
 */
function loginRateLimitKeys(email: string, client: string | null): { loginPerIp: string | null; login: string } {
  return { loginPerIp: client, login: `${email}|${client ?? 'direct'}` };
}

/**
 * Checks an email and password and starts a session.
 *
 * An unknown email costs the same hashing work as a wrong password and fails the same way.
 * A stored hash below the current policy (or a legacy bcrypt hash) is upgraded on success.
 *
 * Attempts are limited per account and client address, and per address; an account with too
 * many failures is locked for a while, answering exactly as for a wrong password.
 *
 * @throws AuthError `INVALID_CREDENTIALS`, `EMAIL_NOT_VERIFIED`, `ACCOUNT_DISABLED`,
 * `VALIDATION_FAILED`, `RATE_LIMITED`.
 */
export async function login(ctx: AuthContext, input: LoginInput): Promise<LoginResult<Record<string, unknown>, UserId>> {
  const { email, password } = parseInput(loginSchema, input);
  const now = ctx.clock.now();
  const keys = loginRateLimitKeys(email, clientKey(input.ip));
  if (keys.loginPerIp !== null) await limit(ctx, 'loginPerIp', keys.loginPerIp, now, input.rateLimits);
  await limit(ctx, 'login', keys.login, now, input.rateLimits);

  const locked = await isLockedOut(ctx, email, now);
  const user = locked ? null : await ctx.store.findUserByEmail(email);
  if (!user || user.passwordHash === null) {
    await ctx.hasher.verify(await ctx.dummyHash(), password);
    ctx.emit({ type: 'login.failed', reason: locked ? 'locked_out' : 'unknown_email', at: now, ip: input.ip });
    if (!locked) await recordLoginFailure(ctx, email, now);
    throw new AuthError('INVALID_CREDENTIALS');
  }
  if (!(await ctx.hasher.verify(user.passwordHash, password))) {
    ctx.emit({ type: 'login.failed', reason: 'wrong_password', userId: user.id, at: now, ip: input.ip });
    await recordLoginFailure(ctx, email, now);
    throw new AuthError('INVALID_CREDENTIALS');
  }
  // Only someone who knows the password learns that the account is disabled or unverified.
  if (user.status === 'disabled') {
    ctx.emit({ type: 'login.failed', reason: 'account_disabled', userId: user.id, at: now, ip: input.ip });
    throw new AuthError('ACCOUNT_DISABLED');
  }
  if (user.emailVerifiedAt === null && ctx.config.emailVerification.requiredForLogin) {
    ctx.emit({ type: 'login.failed', reason: 'email_not_verified', userId: user.id, at: now, ip: input.ip });
    throw new AuthError('EMAIL_NOT_VERIFIED');
  }

  const patch: UserPatch = { lastLoginAt: now, updatedAt: now };
  if (ctx.hasher.needsRehash(user.passwordHash)) patch.passwordHash = await ctx.hasher.hash(password);
  const tokens = await startSession(ctx, user, input, now);
  // The password was proved against the hash read above. The update is a compare-and-set on
  // that hash: a password change or reset that ran since then (it ends every session after
  // writing its hash, and may have missed the session just started) makes it fail, and the
  // session is given up; a rehash never overwrites a newer password.
  const updated = await ctx.store.updateUser(user.id, patch, { expect: { passwordHash: user.passwordHash } });
  if (!updated) {
    await ctx.store.revokeSession(tokens.sessionId, { now, reason: 'password_changed' });
    ctx.emit({ type: 'login.failed', reason: 'wrong_password', userId: user.id, at: now, ip: input.ip });
    throw new AuthError('INVALID_CREDENTIALS');
  }
  if (updated.status === 'disabled') {
    await ctx.store.revokeSession(tokens.sessionId, { now, reason: 'user_disabled' });
    ctx.emit({ type: 'login.failed', reason: 'account_disabled', userId: user.id, at: now, ip: input.ip });
    throw new AuthError('ACCOUNT_DISABLED');
  }
  if (patch.passwordHash !== undefined) ctx.emit({ type: 'password.rehashed', userId: user.id, at: now });
  ctx.emit({ type: 'login.succeeded', userId: user.id, sessionId: tokens.sessionId, at: now, ip: input.ip });
  return { user: toAuthUser(updated), tokens };
}

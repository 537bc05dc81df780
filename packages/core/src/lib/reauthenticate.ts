import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { isLockedOut, limit, recordLoginFailure } from '../rate-limit/limiter.js';
import type { UserRecord } from '../ports/store.js';

/**
 * Checks the password of an already authenticated user before a sensitive change. Guesses are
 * limited like logins (per account), and each wrong one counts toward the account's lockout
 * like a failed login, so a stolen access token cannot be used to brute-force the password it
 * lacks. While the account is locked out the check fails as for a wrong password, whatever
 * the password.
 * @throws AuthError `INVALID_CREDENTIALS` with `message`, or `RATE_LIMITED`.
 */
export async function reauthenticate(
  ctx: AuthContext,
  user: UserRecord,
  password: string,
  check: { flow: 'change_password' | 'change_email'; message: string; now: Date } & RequestMeta,
): Promise<void> {
  await limit(ctx, 'login', `${user.email}|reauthenticate`, check.now);
  if (await isLockedOut(ctx, user.email, check.now)) {
    // As at login: the password is not checked and nothing more is counted, and the dummy
    // hash makes the refusal take as long as a real check.
    await ctx.hasher.verify(await ctx.dummyHash(), password);
  } else {
    if (user.passwordHash !== null && (await ctx.hasher.verify(user.passwordHash, password))) return;
    await recordLoginFailure(ctx, user.email, check.now);
  }
  ctx.emit({ type: 'password.check_failed', userId: user.id, flow: check.flow, at: check.now, ip: check.ip });
  throw new AuthError('INVALID_CREDENTIALS', check.message);
}

import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { limit } from '../rate-limit/limiter.js';
import type { UserRecord } from '../ports/store.js';

/**
 * Checks the password of an already authenticated user before a sensitive change. Guesses are
 * limited like logins (per account), so a stolen access token cannot be used to brute-force
 * the password it lacks.
 * @throws AuthError `INVALID_CREDENTIALS` with `message`, or `RATE_LIMITED`.
 */
export async function reauthenticate(
  ctx: AuthContext,
  user: UserRecord,
  password: string,
  check: { flow: 'change_password' | 'change_email'; message: string; now: Date } & RequestMeta,
): Promise<void> {
  await limit(ctx, 'login', `${user.email}|reauthenticate`, check.now);
  if (user.passwordHash !== null && (await ctx.hasher.verify(user.passwordHash, password))) return;
  ctx.emit({ type: 'password.check_failed', userId: user.id, flow: check.flow, at: check.now, ip: check.ip });
  throw new AuthError('INVALID_CREDENTIALS', check.message);
}

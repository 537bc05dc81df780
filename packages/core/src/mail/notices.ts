import type { AuthContext } from '../context.js';
import { withinLimit } from '../rate-limit/limiter.js';
import type { UserId, UserRecord } from '../ports/store.js';
import { deliver } from './deliver.js';
import { resetPageUrl } from './links.js';

/**
 * Tells the owner of an address that someone tried to register with it, and where to reset
 * the password if it was them. No reset token is issued: a stranger's sign-up attempt must not
 * change (or void) anything of the account.
 *
 * At most as many notices per address as the `resendVerification` rule allows, so sign-up
 * attempts cannot flood an inbox. Runs after the answer (`ctx.defer`), rate-limit check
 * included: the registration answer must take as long as one for a new address, even when the
 * rate-limit store is a synchronous driver.
 */
export function notifyExistingAccount(ctx: AuthContext, user: UserRecord): void {
  ctx.defer('existing-account notice', () => notifyInBackground(ctx, user));
}

async function notifyInBackground(ctx: AuthContext, user: UserRecord): Promise<void> {
  try {
    if (!(await withinLimit(ctx, 'resendVerification', `existing-account:${user.email}`, ctx.clock.now()))) return;
  } catch (error) {
    ctx.logger.error('gatehouse: rate-limit check failed; existing-account notice not sent', { userId: user.id, error });
    return;
  }
  await deliver(ctx, {
    template: 'existingAccount',
    to: user.email,
    userId: user.id,
    render: () => ctx.config.emails.existingAccount({ appName: ctx.config.appName, email: user.email, resetPageUrl: resetPageUrl(ctx) }),
  });
}

/** Input of {@link notifyPasswordChanged}. */
export interface PasswordChangedNotice {
  user: UserRecord;
  reason: 'reset' | 'change';
  at: Date;
}

/** Tells the owner that the password was changed, with where to go if it was not them. */
export async function notifyPasswordChanged(ctx: AuthContext, notice: PasswordChangedNotice): Promise<void> {
  const { user } = notice;
  await deliver(ctx, {
    template: 'passwordChanged',
    to: user.email,
    userId: user.id,
    render: () =>
      ctx.config.emails.passwordChanged({
        appName: ctx.config.appName,
        email: user.email,
        reason: notice.reason,
        changedAt: notice.at,
        resetPageUrl: resetPageUrl(ctx),
      }),
  });
}

/** Input of {@link notifyEmailChange}. */
export interface EmailChangeNotice {
  template: 'emailChangeRequested' | 'emailChanged';
  userId: UserId;
  /** The old address, where the notice goes. */
  oldEmail: string;
  newEmail: string;
  at: Date;
}

/** Tells the old address that a change of address was asked for, or done. */
export async function notifyEmailChange(ctx: AuthContext, notice: EmailChangeNotice): Promise<void> {
  const template = ctx.config.emails[notice.template];
  await deliver(ctx, {
    template: notice.template,
    to: notice.oldEmail,
    userId: notice.userId,
    render: () =>
      template({ appName: ctx.config.appName, email: notice.oldEmail, newEmail: notice.newEmail, at: notice.at, resetPageUrl: resetPageUrl(ctx) }),
  });
}

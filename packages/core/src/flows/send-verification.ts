import type { AuthContext } from '../context.js';
import { issueCode, issueLinkToken } from '../lib/one-time-tokens.js';
import { deliver } from '../mail/deliver.js';
import type { VerificationEmailData } from '../mail/email-templates.js';
import { pathLink } from '../mail/links.js';
import type { OneTimeTokenPurpose, UserId, UserRecord } from '../ports/store.js';

/** Which address check: a new account's address, or the new address of an email change. */
export type AddressCheck = 'verification' | 'email-change';

const PURPOSES: Record<AddressCheck, { link: OneTimeTokenPurpose; code: OneTimeTokenPurpose }> = {
  verification: { link: 'email-verification', code: 'email-verification-code' },
  'email-change': { link: 'email-change', code: 'email-change-code' },
};

/** The purposes of the link and the code of an address check. */
export function addressCheckPurposes(check: AddressCheck): { link: OneTimeTokenPurpose; code: OneTimeTokenPurpose } {
  return PURPOSES[check];
}

/** Input of {@link issueAddressCheck}. */
export interface IssueAddressCheckInput {
  check: AddressCheck;
  userId: UserId;
  /** The address the email goes to; stored with the token, which only ever works for it. */
  email: string;
  now: Date;
  /** What the tokens carry instead of the bare address (an email change binds more to it). */
  data?: string;
}

/**
 * Issues the link token and/or code of an address check (per `emailVerification.method`),
 * voiding the previous ones, and returns the email data to send them with.
 */
export async function issueAddressCheck(ctx: AuthContext, input: IssueAddressCheckInput): Promise<VerificationEmailData> {
  const options = ctx.config.emailVerification;
  const purposes = PURPOSES[input.check];
  const base = { userId: input.userId, now: input.now, data: input.data ?? input.email };
  const token = options.method === 'code' ? null : await issueLinkToken(ctx, { ...base, purpose: purposes.link, ttl: options.linkTtl });
  const code = options.method === 'link' ? null : await issueCode(ctx, { ...base, purpose: purposes.code, ttl: options.codeTtl, attempts: options.codeAttempts });
  const linkPath = input.check === 'verification' ? options.linkPath : ctx.config.emailChange.linkPath;
  return {
    appName: ctx.config.appName,
    email: input.email,
    // Built from `appUrl` only; see mail/links.ts.
    link: token === null ? null : pathLink(ctx, linkPath, token),
    code,
    linkTtl: options.linkTtl,
    codeTtl: options.codeTtl,
  };
}

/**
 * Issues a verification link and/or code for a user's address and emails them, after the
 * caller has answered (`ctx.defer`).
 *
 * Register and resend answer an address with an account and one without in the same time only
 * if the token writes, which only an account has, are not part of the answer. A slow or failing
 * store or mailer then neither delays nor fails them either: the failure is logged and reported
 * as `mail.failed`, and resending later works.
 */
export function sendVerification(ctx: AuthContext, user: UserRecord, now: Date): void {
  ctx.defer('verification email', () =>
    deliver(ctx, {
      template: 'verification',
      to: user.email,
      userId: user.id,
      // The tokens are issued as part of rendering, so a store failure is reported like any
      // failed send; and with no mailer configured none is issued that nobody could receive.
      render: async () => {
        // The account may have changed since the answer (disabled, verified, a new address): a
        // token issued now must not outlive the lifecycle's voiding of that change.
        const current = await ctx.store.findUserById(user.id);
        if (!current || current.status === 'disabled' || current.email !== user.email || current.emailVerifiedAt !== null) return null;
        const data = await issueAddressCheck(ctx, { check: 'verification', userId: user.id, email: user.email, now });
        ctx.emit({ type: 'email.verification_sent', userId: user.id, at: now });
        return ctx.config.emails.verification(data);
      },
    }),
  );
}

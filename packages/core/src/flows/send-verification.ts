import type { AuthContext } from '../context.js';
import { issueCode, issueLinkToken } from '../lib/one-time-tokens.js';
import { deliver } from '../mail/deliver.js';
import type { VerificationEmailData } from '../mail/email-templates.js';
import { pathLink } from '../mail/links.js';
import type { OneTimeTokenPurpose, UserRecord } from '../ports/store.js';

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
  userId: string;
  /** The address the email goes to; stored with the token, which only ever works for it. */
  email: string;
  now: Date;
}

/**
 * Issues the link token and/or code of an address check (per `emailVerification.method`),
 * voiding the previous ones, and returns the email data to send them with.
 */
export async function issueAddressCheck(ctx: AuthContext, input: IssueAddressCheckInput): Promise<VerificationEmailData> {
  const options = ctx.config.emailVerification;
  const purposes = PURPOSES[input.check];
  const base = { userId: input.userId, now: input.now, data: input.email };
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
 * Issues a verification link and/or code for a user's address and emails them.
 *
 * The tokens are stored before the email is handed to the mailer, and the send is not
 * awaited: a slow or failing mailer neither delays nor fails registration or resend, and
 * resending later works. Failures are logged and reported as `mail.failed`.
 */
export async function sendVerification(ctx: AuthContext, user: UserRecord, now: Date): Promise<void> {
  const data = await issueAddressCheck(ctx, { check: 'verification', userId: user.id, email: user.email, now });
  ctx.emit({ type: 'email.verification_sent', userId: user.id, at: now });
  void deliver(ctx, { template: 'verification', to: user.email, userId: user.id, render: () => ctx.config.emails.verification(data) });
}

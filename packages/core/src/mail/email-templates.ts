import { button, codeBlock, formatDuration, page, paragraph } from './html.js';

/** What a template returns: one email's subject, plain-text part and HTML part. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Data of the `verification` and `emailChangeVerification` emails. */
export interface VerificationEmailData {
  appName: string;
  /** The address being verified (the new one, for an email change). */
  email: string;
  /** The link to open, or `null` when the method is `code`. */
  link: string | null;
  /** The code to type, or `null` when the method is `link`. */
  code: string | null;
  /** Seconds the link stays valid. */
  linkTtl: number;
  /** Seconds the code stays valid. */
  codeTtl: number;
}

/** Data of the `existingAccount` email, sent when someone registers with an address that has an account. */
export interface ExistingAccountEmailData {
  appName: string;
  email: string;
  /** The app's password-reset page (without a token), where the owner can ask for a reset. */
  resetPageUrl: string;
}

/** Data of the `passwordReset` email. */
export interface PasswordResetEmailData {
  appName: string;
  email: string;
  /** The app's reset page with the single-use token. */
  link: string;
  /** Seconds the link stays valid. */
  ttl: number;
}

/** Data of the `passwordChanged` notice. */
export interface PasswordChangedEmailData {
  appName: string;
  email: string;
  /** `reset` after a password reset (every session ended), `change` from the account (other sessions ended). */
  reason: 'reset' | 'change';
  changedAt: Date;
  /** The app's password-reset page (without a token), for an owner who did not make the change. */
  resetPageUrl: string;
}

/** Data of the `emailChangeRequested` and `emailChanged` notices, sent to the old address. */
export interface EmailChangeNoticeData {
  appName: string;
  /** The old address, where the notice goes. */
  email: string;
  newEmail: string;
  /** When it was asked for (`emailChangeRequested`) or done (`emailChanged`). */
  at: Date;
  /** The app's password-reset page (without a token), for an owner who did not ask for the change. */
  resetPageUrl: string;
}

/**
 * Every email Gatehouse sends, as functions from data to content. Override any of them with
 * the `emails` option of `createAuth`; the others keep their defaults ({@link defaultEmailTemplates}).
 * A template may be async. Escape every value you put into the HTML part.
 */
export interface EmailTemplates {
  /** Verifies the address of a new account: a link, a code or both. */
  verification(data: VerificationEmailData): EmailContent | Promise<EmailContent>;
  /** Tells the owner of an address that someone tried to register with it. */
  existingAccount(data: ExistingAccountEmailData): EmailContent | Promise<EmailContent>;
  /** Carries the password-reset link. */
  passwordReset(data: PasswordResetEmailData): EmailContent | Promise<EmailContent>;
  /** Tells the owner that the password was changed or reset. */
  passwordChanged(data: PasswordChangedEmailData): EmailContent | Promise<EmailContent>;
  /** Verifies the new address of an email change, sent to the new address. */
  emailChangeVerification(data: VerificationEmailData): EmailContent | Promise<EmailContent>;
  /** Tells the old address that a change to another address was asked for. */
  emailChangeRequested(data: EmailChangeNoticeData): EmailContent | Promise<EmailContent>;
  /** Tells the old address that the account's address was changed. */
  emailChanged(data: EmailChangeNoticeData): EmailContent | Promise<EmailContent>;
}

/** The name of one email template, as reported in `mail.failed` events. */
export type EmailTemplateName = keyof EmailTemplates;

function verificationContent(data: VerificationEmailData, subject: string, intro: string, ignore: string): EmailContent {
  const text: string[] = [intro];
  const blocks: string[] = [paragraph(intro)];
  if (data.link !== null) {
    const line = `Open this link to confirm it. The link expires in ${formatDuration(data.linkTtl)}.`;
    text.push(`${line}\n${data.link}`);
    blocks.push(paragraph(line), button(data.link, 'Confirm email address'));
  }
  if (data.code !== null) {
    const line = data.link === null
      ? `Enter this code to confirm it. The code expires in ${formatDuration(data.codeTtl)}:`
      : `Or enter this code. It expires in ${formatDuration(data.codeTtl)}:`;
    text.push(line, data.code);
    blocks.push(paragraph(line), codeBlock(data.code));
  }
  text.push(ignore);
  blocks.push(paragraph(ignore));
  return { subject, text: `${text.join('\n\n')}\n`, html: page(subject, subject, blocks) };
}

/** What a notice asks the owner to do when the change was not theirs: a sentence, and the link (a button in HTML). */
interface NoticeAction {
  lead: string;
  link: string;
  label: string;
}

function noticeContent(subject: string, paragraphs: readonly string[], action?: NoticeAction): EmailContent {
  const text = action ? [...paragraphs, `${action.lead} ${action.link}`] : paragraphs;
  const html = action ? [...paragraphs.map(paragraph), paragraph(action.lead), button(action.link, action.label)] : paragraphs.map(paragraph);
  return { subject, text: `${text.join('\n\n')}\n`, html: page(subject, subject, html) };
}

/**
 * The built-in templates: plain English, a plain-text part and a simple, accessible HTML part.
 *
 * @example
 * ```ts
 * import { createAuth, defaultEmailTemplates, memoryStore, memoryMailer } from '@gatehouse-auth/core';
 *
 * const auth = createAuth({
 *   store: memoryStore(),
 *   mailer: memoryMailer(),
 *   secret: 'a-development-secret-of-32-bytes!',
 *   appUrl: 'https://app.example.com',
 *   emails: {
 *     // Keep the default body, change only the subject.
 *     passwordReset: (data) => ({ ...defaultEmailTemplates.passwordReset(data), subject: 'Your reset link' }),
 *   },
 * });
 * ```
 */
export const defaultEmailTemplates = Object.freeze({
  verification(data: VerificationEmailData): EmailContent {
    return verificationContent(
      data,
      `Confirm your email address for ${data.appName}`,
      `Please confirm that ${data.email} is your email address for ${data.appName}.`,
      `If you did not create an account with ${data.appName}, you can ignore this email.`,
    );
  },

  existingAccount(data: ExistingAccountEmailData): EmailContent {
    return noticeContent(`Sign-up attempt with your ${data.appName} address`, [
      `Someone tried to create a new ${data.appName} account with ${data.email}, but this address already has an account. No new account was created and your account has not been changed.`,
      'If this was you, log in with your existing password instead.',
      `If you have forgotten your password, you can choose a new one here: ${data.resetPageUrl}`,
      'If this was not you, you can ignore this email.',
    ]);
  },

  passwordReset(data: PasswordResetEmailData): EmailContent {
    const subject = `Reset your ${data.appName} password`;
    const intro = `Someone asked to reset the password of the ${data.appName} account for ${data.email}.`;
    const line = `Open this link to choose a new password. The link works once and expires in ${formatDuration(data.ttl)}.`;
    const ignore = 'If you did not ask for this, you can ignore this email: your password stays the same.';
    return {
      subject,
      text: `${[intro, `${line}\n${data.link}`, ignore].join('\n\n')}\n`,
      html: page(subject, subject, [paragraph(intro), paragraph(line), button(data.link, 'Choose a new password'), paragraph(ignore)]),
    };
  },

  passwordChanged(data: PasswordChangedEmailData): EmailContent {
    const how = data.reason === 'reset' ? 'with a password-reset link' : 'from the account settings';
    const sessions = data.reason === 'reset' ? 'Every device has been logged out.' : 'Every other device has been logged out.';
    return noticeContent(`Your ${data.appName} password was changed`, [
      `The password of your ${data.appName} account (${data.email}) was changed ${how} on ${data.changedAt.toUTCString()}. ${sessions}`,
      'If this was you, there is nothing else to do.',
    ], { lead: 'If this was not you, choose a new password now:', link: data.resetPageUrl, label: 'Choose a new password' });
  },

  emailChangeVerification(data: VerificationEmailData): EmailContent {
    return verificationContent(
      data,
      `Confirm your new email address for ${data.appName}`,
      `Someone asked to use ${data.email} as the email address of a ${data.appName} account.`,
      'If you did not ask for this, you can ignore this email: nothing will change.',
    );
  },

  emailChangeRequested(data: EmailChangeNoticeData): EmailContent {
    return noticeContent(`Your ${data.appName} email address is about to change`, [
      `On ${data.at.toUTCString()}, someone who knows your password asked to change the email address of your ${data.appName} account from ${data.email} to ${data.newEmail}.`,
      'The change happens only once the new address is confirmed.',
    ], { lead: 'If this was not you, choose a new password now, so the change cannot be completed:', link: data.resetPageUrl, label: 'Choose a new password' });
  },

  emailChanged(data: EmailChangeNoticeData): EmailContent {
    return noticeContent(`Your ${data.appName} email address was changed`, [
      `The email address of your ${data.appName} account was changed from ${data.email} to ${data.newEmail} on ${data.at.toUTCString()}.`,
      'This address will no longer receive messages about the account.',
      `If you did not make this change, contact ${data.appName} support at once.`,
    ]);
  },
}) satisfies EmailTemplates;

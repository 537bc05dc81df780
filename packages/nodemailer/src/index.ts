export { smtpMailer } from './smtp-mailer.js';
export type { MailTransport, SmtpMailer, SmtpMailerOptions, TransportMessage } from './smtp-mailer.js';

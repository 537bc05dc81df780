/** An email message, with a plain-text part and an HTML part. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends email. Gatehouse calls `send` after the state change it reports is stored, and never
 * lets a failure lose that change: a rejected promise is logged and reported as a
 * `mail.failed` event, and the flow answers as usual.
 */
export interface Mailer {
  /** Delivers one message (or hands it to a queue). Rejects when it could not. */
  send(message: MailMessage): Promise<void>;
}

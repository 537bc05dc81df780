import type { MailMessage, Mailer } from '@gatehouse-auth/core';

/** One message as {@link SmtpMailer} hands it to the transport (nodemailer's `sendMail` options). */
export interface TransportMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
}

/**
 * The part of a nodemailer transporter that {@link smtpMailer} uses: any object returned by
 * `nodemailer.createTransport(...)` fits, and so does a test double.
 */
export interface MailTransport {
  /** Sends one message; rejects when the server refused it or could not be reached. */
  sendMail(message: TransportMessage): Promise<unknown>;
  /** Closes pooled connections, if any. */
  close?(): void;
}

/** Options of {@link smtpMailer}. Give `transport` or `url`, not both. */
export interface SmtpMailerOptions {
  /** A nodemailer transporter you created, e.g. `nodemailer.createTransport({ host, port, auth })`. */
  transport?: MailTransport;
  /**
   * An SMTP URL: `smtp://user:pass@smtp.example.com:587` (STARTTLS when the server offers it)
   * or `smtps://user:pass@smtp.example.com:465` (TLS from the start). nodemailer's options can
   * go in the query string, e.g. `?pool=true`.
   */
  url?: string;
  /** The sender, e.g. `'Acme <no-reply@acme.example>'`. */
  from: string;
  /** Where replies go, when not to `from`. */
  replyTo?: string;
}

/** A {@link Mailer} that sends through SMTP. */
export interface SmtpMailer extends Mailer {
  /** Closes the connections of a transport created from `url` (a `transport` you gave is yours to close). */
  close(): void;
}

/**
 * Creates a Gatehouse mailer that sends each message through an SMTP server with nodemailer.
 *
 * @throws TypeError when the options are invalid (the message never repeats the URL, which may
 * hold a password).
 * @example
 * ```ts
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { smtpMailer } from '@gatehouse-auth/nodemailer';
 *
 * const auth = createAuth({
 *   store: memoryStore(),
 *   mailer: smtpMailer({ url: 'smtps://user:pass@smtp.example.com:465', from: 'Acme <no-reply@acme.example>' }),
 *   secret: 'a-development-secret-of-32-bytes!',
 *   appUrl: 'https://app.example.com',
 * });
 * ```
 */
export function smtpMailer(options: SmtpMailerOptions): SmtpMailer {
  const { from, replyTo } = validate(options);
  const url = options.url;
  let transport: Promise<MailTransport> | undefined = options.transport ? Promise.resolve(options.transport) : undefined;
  let created: MailTransport | undefined;

  function connect(): Promise<MailTransport> {
    // nodemailer is loaded only for a `url`: an app that passes its own transport needs no more.
    transport ??= import('nodemailer').then(
      (nodemailer) => {
        created = nodemailer.createTransport(url) as MailTransport;
        return created;
      },
      (error: unknown) => {
        transport = undefined;
        throw error;
      },
    );
    return transport;
  }

  return {
    async send(message: MailMessage): Promise<void> {
      const sender = await connect();
      await sender.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(replyTo === undefined ? {} : { replyTo }),
      });
    },
    close(): void {
      created?.close?.();
      created = undefined;
      if (!options.transport) transport = undefined;
    },
  };
}

function validate(options: SmtpMailerOptions): { from: string; replyTo: string | undefined } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("smtpMailer: pass options, e.g. smtpMailer({ url: 'smtps://user:pass@smtp.example.com:465', from: 'no-reply@example.com' }).");
  }
  const { transport, url, from, replyTo } = options;
  if ((transport === undefined) === (url === undefined)) {
    throw new TypeError('smtpMailer: give either `transport` (a nodemailer transporter) or `url` (smtp:// or smtps://), not both or neither.');
  }
  if (transport !== undefined && (typeof transport !== 'object' || transport === null || typeof transport.sendMail !== 'function')) {
    throw new TypeError('smtpMailer: `transport` must have a sendMail() method, e.g. nodemailer.createTransport({ host, port, auth }).');
  }
  if (url !== undefined && !isSmtpUrl(url)) {
    throw new TypeError('smtpMailer: `url` must be an smtp:// or smtps:// URL, e.g. smtps://user:pass@smtp.example.com:465.');
  }
  return { from: header('from', from), replyTo: replyTo === undefined ? undefined : header('replyTo', replyTo) };
}

function isSmtpUrl(url: unknown): boolean {
  return typeof url === 'string' && URL.canParse(url) && ['smtp:', 'smtps:'].includes(new URL(url).protocol);
}

function header(name: string, value: unknown): string {
  // A line break in a header would let one value add headers of its own.
  // One address, bare or with a display name: `no-reply@acme.example` or `Acme <no-reply@acme.example>`.
  if (typeof value !== 'string' || /[\r\n]/.test(value) || !/^(?:[^<>@]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/.test(value.trim())) {
    throw new TypeError(`smtpMailer: \`${name}\` must be one address on one line, e.g. 'Acme <no-reply@acme.example>'.`);
  }
  return value.trim();
}

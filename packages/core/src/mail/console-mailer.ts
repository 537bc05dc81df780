import type { MailMessage, Mailer } from '../ports/mailer.js';

/** Options of {@link consoleMailer}. */
export interface ConsoleMailerOptions {
  /** Where the messages go (default: standard output). */
  write?: (text: string) => void;
}

const RULE = '-'.repeat(72);

/**
 * Creates a mailer for development that prints each message (recipient, subject and the
 * plain-text part, where links and codes stand on their own lines) instead of sending it.
 * Printing is its purpose: never use it in production, where the links are secrets.
 *
 * @throws TypeError when `write` is given but is not a function.
 * @example
 * ```ts
 * import { consoleMailer, createAuth, memoryStore } from '@gatehouse-auth/core';
 *
 * const auth = createAuth({
 *   store: memoryStore(),
 *   mailer: consoleMailer(),
 *   secret: 'a-development-secret-of-32-bytes!',
 *   appUrl: 'http://localhost:3000',
 * });
 * ```
 */
export function consoleMailer(options: ConsoleMailerOptions = {}): Mailer {
  if (options.write !== undefined && typeof options.write !== 'function') {
    throw new TypeError('consoleMailer: `write` must be a function (text: string) => void, e.g. (text) => process.stderr.write(text).');
  }
  const write = options.write ?? ((text: string): void => void process.stdout.write(text));
  return {
    async send(message: MailMessage): Promise<void> {
      write(format(message));
    },
  };
}

function format(message: MailMessage): string {
  return [
    RULE,
    `To:      ${message.to}`,
    `Subject: ${message.subject}`,
    RULE,
    message.text.trimEnd(),
    RULE,
    '',
  ].join('\n');
}

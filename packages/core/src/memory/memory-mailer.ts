import type { MailMessage, Mailer } from '../ports/mailer.js';
import { systemClock } from './system-clock.js';

/** A message kept by {@link memoryMailer}, with the time it was sent. */
export interface SentMessage extends MailMessage {
  sentAt: Date;
}

/** A {@link Mailer} that keeps what it sends, so tests and development tools can read it. */
export interface MemoryMailer extends Mailer {
  /** Every message sent so far, oldest first. */
  readonly messages: readonly SentMessage[];
  /** The newest message sent to `to`, or `null`. */
  lastTo(to: string): SentMessage | null;
  /** Forgets every message. */
  clear(): void;
}

/** Options of {@link memoryMailer}. */
export interface MemoryMailerOptions {
  /** Most messages kept (default 1,000); older ones are dropped first. */
  limit?: number;
  /** Time source for `sentAt` (default: the wall clock). */
  now?: () => Date;
}

/**
 * Creates a mailer that keeps messages in memory instead of sending them.
 *
 * @example
 * ```ts
 * import { memoryMailer } from '@gatehouse-auth/core';
 * const mailer = memoryMailer();
 * await mailer.send({ to: 'a@example.com', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' });
 * mailer.lastTo('a@example.com')?.subject; // 'Hi'
 * ```
 */
export function memoryMailer(options: MemoryMailerOptions = {}): MemoryMailer {
  const limit = options.limit ?? 1000;
  const now = options.now ?? systemClock().now;
  const messages: SentMessage[] = [];
  return {
    messages,
    async send(message) {
      messages.push({ to: message.to, subject: message.subject, text: message.text, html: message.html, sentAt: now() });
      if (messages.length > limit) messages.splice(0, messages.length - limit);
    },
    lastTo(to) {
      for (let index = messages.length - 1; index >= 0; index -= 1) {
        const message = messages[index];
        if (message && message.to === to) return message;
      }
      return null;
    },
    clear() {
      messages.length = 0;
    },
  };
}

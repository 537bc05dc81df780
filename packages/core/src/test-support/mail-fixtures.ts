// Test-only helpers for the email-flow tests (not exported from the package).
import type { Logger } from '../ports/logger.js';
import type { MailMessage, Mailer } from '../ports/mailer.js';
import type { Store, UserId } from '../ports/store.js';
import type { SentMessage } from '../memory/memory-mailer.js';
import type { TestAuth } from './auth-fixtures.js';

/**
 * Lets one turn of the event loop pass. Not enough to wait for the work flows do after their
 * answer (it may wait for a store or a mailer): use `t.auth.settled()` for that.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The newest message to `to`, after background work has settled; fails the test if there is none. */
export async function mailTo(t: TestAuth<UserId>, to: string): Promise<SentMessage> {
  await t.auth.settled();
  const message = t.mailer.lastTo(to);
  if (!message) throw new Error(`no email was sent to ${to}`);
  return message;
}

/** Every message sent to `to`, after background work has settled. */
export async function mailsTo(t: TestAuth<UserId>, to: string): Promise<SentMessage[]> {
  await t.auth.settled();
  return t.mailer.messages.filter((message) => message.to === to);
}

/** The only link to the app in a message's text part. */
export function linkIn(message: MailMessage): string {
  const links = message.text.match(/https?:\/\/\S+/g) ?? [];
  const app = [...new Set(links)];
  if (app.length !== 1) throw new Error(`expected one link, found ${app.length} in:\n${message.text}`);
  return app[0] as string;
}

/** The token carried by an emailed link (as `?token=` or as the last path segment). */
export function tokenIn(message: MailMessage): string {
  const url = new URL(linkIn(message));
  return url.searchParams.get('token') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
}

/** The code standing alone on its own line of a message's text part. */
export function codeIn(message: MailMessage): string {
  const code = /^([A-Z0-9]{6})$/m.exec(message.text)?.[1];
  if (!code) throw new Error(`no code on its own line in:\n${message.text}`);
  return code;
}

/** A code that differs from `code` in its first character. */
export function wrongCode(code: string): string {
  return `${code.startsWith('A') ? 'B' : 'A'}${code.slice(1)}`;
}

/** A mailer whose every send rejects. */
export function failingMailer(): Mailer & { attempts: number } {
  const mailer = {
    attempts: 0,
    async send(): Promise<void> {
      mailer.attempts += 1;
      throw new Error('SMTP connection refused');
    },
  };
  return mailer;
}

/** A mailer whose sends never settle. */
export function hangingMailer(): Mailer & { attempts: number } {
  const mailer = {
    attempts: 0,
    send(): Promise<void> {
      mailer.attempts += 1;
      return new Promise<void>(() => {});
    },
  };
  return mailer;
}

/** A logger that keeps what it is given. */
export function recordingLogger(): Logger & { entries: { level: 'warn' | 'error'; message: string; details?: Record<string, unknown> }[] } {
  const entries: { level: 'warn' | 'error'; message: string; details?: Record<string, unknown> }[] = [];
  return {
    entries,
    warn: (message, details) => void entries.push({ level: 'warn', message, ...(details ? { details } : {}) }),
    error: (message, details) => void entries.push({ level: 'error', message, ...(details ? { details } : {}) }),
  };
}

/** Wraps a store to count calls per method, so tests can compare the store work of two answers. */
export function countingStore(inner: Store): Store & { calls: Record<string, number>; total(): number } {
  const calls: Record<string, number> = {};
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(inner)) {
    if (typeof method !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (method as (...a: unknown[]) => unknown).apply(inner, args);
    };
  }
  return Object.assign(wrapped as unknown as Store, {
    calls,
    total: (): number => Object.values(calls).reduce((sum, count) => sum + count, 0),
  });
}

/** Wraps a store so that `createOneTimeToken` rejects, as a driver would, while `failing()` says so. */
export function failingTokenWrites(inner: Store, failing: () => boolean): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'createOneTimeToken' || typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        if (failing()) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

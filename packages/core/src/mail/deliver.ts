import type { AuthContext } from '../context.js';
import type { EmailContent, EmailTemplateName } from './email-templates.js';
import type { UserId } from '../ports/store.js';

/** One email to send: which template, to whom, and how to render it. */
export interface Delivery {
  template: EmailTemplateName;
  to: string;
  /** The account it is about, for the `mail.failed` event and logs; `null` when there is none. */
  userId: UserId | null;
  /**
   * Renders the content. Called only when a mailer is configured, so links are built only when
   * they are sent; `null` when, by the time it runs, there is nothing to send any more.
   */
  render(): EmailContent | null | Promise<EmailContent | null>;
}

/**
 * Renders and sends one email, and never rejects: a template or mailer failure, or a send that
 * takes longer than `mailTimeout`, is logged and reported as a `mail.failed` event. Callers
 * store the state the email reports before calling it, so a failure never loses that state.
 *
 * A flow whose answer must not say whether an account exists runs the delivery after its
 * answer (`ctx.defer`), so neither the token writes nor the mailer's latency can tell the two
 * cases apart.
 */
export async function deliver(ctx: AuthContext, delivery: Delivery): Promise<void> {
  const mailer = ctx.mailer;
  if (!mailer) {
    report(ctx, 'warn', 'gatehouse: no mailer configured; email not sent', delivery);
    return;
  }
  try {
    const content = await delivery.render();
    if (content === null) return;
    const message = { to: delivery.to, subject: content.subject, text: content.text, html: content.html };
    await withTimeout(Promise.resolve(mailer.send(message)), ctx.config.mailTimeout * 1000);
  } catch (error) {
    report(ctx, 'error', 'gatehouse: sending email failed', delivery, error);
    ctx.emit({
      type: 'mail.failed',
      template: delivery.template,
      ...(delivery.userId === null ? {} : { userId: delivery.userId }),
      at: ctx.clock.now(),
    });
  }
}

function report(ctx: AuthContext, level: 'warn' | 'error', message: string, delivery: Delivery, error?: unknown): void {
  // The address, the content and its links stay out of logs: they are personal data or secrets.
  const details: Record<string, unknown> = { template: delivery.template, userId: delivery.userId };
  if (error !== undefined) details['error'] = error;
  try {
    ctx.logger[level](message, details);
  } catch {
    // A broken logger must not turn a mail failure into a failed request.
  }
}

class MailTimeoutError extends Error {
  override readonly name = 'MailTimeoutError';
}

/** Stops waiting for `promise` after `ms` (the send itself cannot be cancelled; it may still finish later). */
function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new MailTimeoutError(`mailer.send did not settle within ${ms} ms`)), ms);
    // A hung mailer must not keep the process alive on its own.
    timer.unref?.();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

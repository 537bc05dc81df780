// A Gatehouse `Mailer` of your own: each message is POSTed as JSON to a webhook (your mail
// service's HTTP API, a queue's ingest endpoint, a chat channel in development…), signed with
// HMAC-SHA256 so the receiver can tell it came from you.
import { createHmac } from 'node:crypto';
import type { MailMessage, Mailer } from '@gatehouse-auth/core';

/** Options of {@link webhookMailer}. */
export interface WebhookMailerOptions {
  /** Where to POST each message: an absolute http(s) URL. */
  url: string;
  /**
   * Key for the `X-Webhook-Signature: sha256=<hex>` header, an HMAC-SHA256 of the exact body.
   * Leave it out only for a receiver on the same machine.
   */
  signingSecret?: string;
  /** Extra headers, e.g. an API key of the receiving service. */
  headers?: Record<string, string>;
  /** How long one POST may take (default 5 s). Gatehouse's own `mailTimeout` also applies. */
  timeoutMs?: number;
  /** The fetch to use (default: the global one); tests and proxies can pass their own. */
  fetch?: typeof fetch;
}

/** The JSON body of each POST. */
export interface WebhookMailBody {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The signature header's value for a body: `sha256=` and the hex HMAC-SHA256. */
export function webhookSignature(body: string, signingSecret: string): string {
  return `sha256=${createHmac('sha256', signingSecret).update(body).digest('hex')}`;
}

/**
 * Creates a {@link Mailer} that POSTs each message as JSON to `url`. `send` resolves when the
 * receiver answers 2xx and rejects otherwise (Gatehouse then logs the failure and emits
 * `mail.failed`; the flow itself still succeeds).
 *
 * @throws TypeError when an option is invalid.
 */
export function webhookMailer(options: WebhookMailerOptions): Mailer {
  if (typeof options?.url !== 'string' || !URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
    throw new TypeError('webhookMailer: `url` must be an absolute http(s) URL, e.g. https://mail.example.com/hooks/send.');
  }
  if (options.signingSecret !== undefined && (typeof options.signingSecret !== 'string' || options.signingSecret.length < 16)) {
    throw new TypeError('webhookMailer: `signingSecret` must be a string of at least 16 characters.');
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('webhookMailer: `timeoutMs` must be a positive number of milliseconds.');
  const post = options.fetch ?? fetch;
  const url = options.url;
  const extraHeaders = { ...options.headers };
  const signingSecret = options.signingSecret;

  return {
    async send(message: MailMessage): Promise<void> {
      const payload: WebhookMailBody = { to: message.to, subject: message.subject, text: message.text, html: message.html };
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = { ...extraHeaders, 'content-type': 'application/json' };
      if (signingSecret !== undefined) headers['x-webhook-signature'] = webhookSignature(body, signingSecret);
      const response = await post(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      // Read the body either way, so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      // The message stays out of the error: it holds the address and a live link.
      if (!response.ok) throw new Error(`webhookMailer: the webhook answered ${response.status}`);
    },
  };
}

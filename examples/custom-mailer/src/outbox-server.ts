// A development webhook receiver: prints each message it is sent, after checking its signature.
// Stands in for a mail service's HTTP API when you run the example on its own.
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { webhookSignature, type WebhookMailBody } from './webhook-mailer.js';

/** Options of {@link startOutboxServer}. */
export interface OutboxServerOptions {
  port: number;
  /** The secret the mailer signs with; unsigned or wrongly signed posts are refused with 401. */
  signingSecret: string;
  /** Called with each accepted message. */
  onMessage: (message: WebhookMailBody) => void;
}

function sameSignature(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Starts the receiver on 127.0.0.1 and resolves once it listens. */
export function startOutboxServer(options: OutboxServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-webhook-signature'];
      if (req.method !== 'POST' || !sameSignature(typeof signature === 'string' ? signature : undefined, webhookSignature(body, options.signingSecret))) {
        res.writeHead(401).end();
        return;
      }
      options.onMessage(JSON.parse(body) as WebhookMailBody);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(options.port, '127.0.0.1', () => resolve(server)));
}

// Starts the example: the app on PORT (3000), sending its emails with the webhook mailer to
// MAIL_WEBHOOK_URL. Without MAIL_WEBHOOK_URL it also starts a local receiver on OUTBOX_PORT
// (3001) that prints every message, so the example runs on its own.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { startOutboxServer } from './outbox-server.js';
import { webhookMailer } from './webhook-mailer.js';

const port = Number(process.env.PORT ?? 3000);
const secret = process.env.GATEHOUSE_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.GATEHOUSE_SECRET === undefined) console.warn('GATEHOUSE_SECRET is not set: using a development secret.');
const signingSecret = process.env.MAIL_WEBHOOK_SECRET ?? 'dev-only-webhook-signing-secret';

let webhookUrl = process.env.MAIL_WEBHOOK_URL;
let outbox: Server | undefined;
if (webhookUrl === undefined) {
  const outboxPort = Number(process.env.OUTBOX_PORT ?? 3001);
  outbox = await startOutboxServer({
    port: outboxPort,
    signingSecret,
    onMessage: (message) => console.log(`\n--- mail to ${message.to}: ${message.subject}\n${message.text.trimEnd()}\n---`),
  });
  webhookUrl = `http://127.0.0.1:${outboxPort}/mail`;
  console.log(`development outbox on ${webhookUrl}`);
}

const { app, auth } = createApp({
  mailer: webhookMailer({ url: webhookUrl, signingSecret }),
  secret,
  appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
  onEvent: (event) => {
    if (event.type === 'mail.failed') console.error(`could not send the ${event.template} email`);
  },
});

const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`custom-mailer example on http://localhost:${info.port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Reset and verification emails go out after their answers: let them reach the outbox first.
    server.close(() => void auth.settled().then(() => outbox?.close()));
  });
}

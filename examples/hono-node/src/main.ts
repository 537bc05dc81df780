// Starts the example on @hono/node-server with real settings: argon2id at Gatehouse's defaults
// and emails printed to the terminal. Data lives in memory: swap in kyselyStore from
// @gatehouse-auth/kysely to keep it.
import { serve } from '@hono/node-server';
import { consoleMailer } from '@gatehouse-auth/core';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const secret = process.env.GATEHOUSE_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.GATEHOUSE_SECRET === undefined) console.warn('GATEHOUSE_SECRET is not set: using a development secret.');

const { app } = createApp({ secret, appUrl: process.env.APP_URL ?? `http://localhost:${port}`, mailer: consoleMailer() });

const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`hono-node example on http://localhost:${info.port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close());

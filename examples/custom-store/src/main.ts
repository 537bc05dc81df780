// Starts the example with real settings: the JSON file store in data/auth.json (DATA_FILE),
// argon2id at Gatehouse's defaults, and emails printed to the terminal.
import { serve } from '@hono/node-server';
import { consoleMailer } from '@gatehouse-auth/core';
import { createApp } from './app.js';
import { jsonFileStore } from './json-file-store.js';

const port = Number(process.env.PORT ?? 3000);
const secret = process.env.GATEHOUSE_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.GATEHOUSE_SECRET === undefined) console.warn('GATEHOUSE_SECRET is not set: using a development secret.');

const file = process.env.DATA_FILE ?? 'data/auth.json';
const store = await jsonFileStore({ path: file });
const { app, auth } = createApp({ store, secret, appUrl: process.env.APP_URL ?? `http://localhost:${port}`, mailer: consoleMailer() });

const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`custom-store example on http://localhost:${info.port} (data: ${file})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Reset and verification emails go out after their answers: let them finish before the file closes.
  process.once(signal, () => server.close(() => void auth.settled().then(() => store.close())));
}

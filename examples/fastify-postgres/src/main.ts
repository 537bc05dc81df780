// Starts the example with real settings: PostgreSQL from DATABASE_URL, argon2id at Gatehouse's
// defaults, and emails printed to the terminal (swap consoleMailer for smtpMailer from
// @gatehouse-auth/nodemailer).
import { consoleMailer } from '@gatehouse-auth/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const secret = process.env.GATEHOUSE_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.GATEHOUSE_SECRET === undefined) console.warn('GATEHOUSE_SECRET is not set: using a development secret.');

const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl }) }) });
const { app, auth } = await createApp({
  db,
  secret,
  appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
  mailer: consoleMailer(),
  logger: true,
});
app.addHook('onClose', async () => {
  // Reset and verification emails go out after their answers: let them finish before the pool closes.
  await auth.settled();
  await db.destroy();
});

await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
console.log(`API docs: http://localhost:${port}/docs (JSON: /docs/json)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());

// Starts the example with real settings: a SQLite file, argon2id at Gatehouse's defaults, and
// emails printed to the terminal (swap consoleMailer for smtpMailer from @gatehouse-auth/nodemailer).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { consoleMailer } from '@gatehouse-auth/core';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createApp } from './app.js';
import type { AppDatabase } from './orders.js';

const port = Number(process.env.PORT ?? 3000);
const file = process.env.DATABASE_FILE ?? 'data/app.db';
const secret = process.env.GATEHOUSE_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.GATEHOUSE_SECRET === undefined) console.warn('GATEHOUSE_SECRET is not set: using a development secret.');

mkdirSync(dirname(file), { recursive: true });
const db = new Kysely<AppDatabase>({ dialect: new SqliteDialect({ database: new Database(file) }) });
const { app, auth } = await createApp({
  db,
  secret,
  appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
  mailer: consoleMailer(),
});

const server = app.listen(port, () => {
  console.log(`express-sqlite example on http://localhost:${port} (database: ${file})`);
});

function shutdown(): void {
  // Reset and verification emails go out after their answers: let them finish before the database closes.
  server.close(() => void auth.settled().then(() => db.destroy()));
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

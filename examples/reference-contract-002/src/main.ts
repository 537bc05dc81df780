// Serves reference contract 002 with the settings its document names: JWT_SECRET_KEY,
// JWT_ACCESS_TOKEN_EXPIRES and JWT_REFRESH_TOKEN_EXPIRES (seconds), plus where to keep the data
// (DATABASE_FILE), which origins CORS allows (CORS_ORIGINS, comma-separated) and the web app's
// URL for the emailed reset links (APP_URL). Emails are printed to the terminal: swap
// consoleMailer for smtpMailer from @gatehouse/nodemailer.
import { consoleMailer } from '@gatehouse/core';
import { createApp } from './app.js';
import { openSqliteStores } from './database.js';

function seconds(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a whole number of seconds, e.g. 900.`);
  return parsed;
}

const port = Number(process.env.PORT ?? 3000);
const secret = process.env.JWT_SECRET_KEY ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.JWT_SECRET_KEY === undefined) console.warn('JWT_SECRET_KEY is not set: using a development secret.');
const file = process.env.DATABASE_FILE ?? 'data/contract-002.db';
const basePath = process.env.BASE_PATH ?? '/v1/auth';

const { store, rateLimitStore, close } = await openSqliteStores(file);
const { app } = createApp({
  store,
  rateLimitStore,
  mailer: consoleMailer(),
  secret,
  appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
  basePath,
  corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean),
  accessTokenTtl: seconds('JWT_ACCESS_TOKEN_EXPIRES'),
  refreshTokenTtl: seconds('JWT_REFRESH_TOKEN_EXPIRES'),
});

const server = app.listen(port, () => {
  console.log(`reference contract 002 on http://localhost:${port}${basePath} (database: ${file})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => void close()));

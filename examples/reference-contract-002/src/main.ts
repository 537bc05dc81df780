// Serves reference contract 002 with the settings its document names: JWT_SECRET_KEY,
// JWT_ACCESS_TOKEN_EXPIRES and JWT_REFRESH_TOKEN_EXPIRES (seconds), plus where to keep the data
// (DATABASE_FILE), which origins CORS allows (CORS_ORIGINS, comma-separated) and this server's
// public URL for the emailed links (APP_URL). Emails are printed to the terminal: swap
// consoleMailer for smtpMailer from @gatehouse-auth/nodemailer.
import { consoleMailer, createAuth } from '@gatehouse-auth/core';
import { contract002 } from '@gatehouse-auth/core/contracts';
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

const { store, rateLimitStore, close } = await openSqliteStores(file);
const auth = createAuth({
  ...contract002.auth,
  // The document's two lifetimes, in seconds; unset, the preset's 15 minutes and 7 days. The
  // spreads keep the rest of the preset's options (one session per user, among others).
  accessToken: { ...contract002.auth.accessToken, ttl: seconds('JWT_ACCESS_TOKEN_EXPIRES') ?? contract002.auth.accessToken?.ttl },
  session: { ...contract002.auth.session, idleTtl: seconds('JWT_REFRESH_TOKEN_EXPIRES') ?? contract002.auth.session?.idleTtl },
  store,
  rateLimitStore,
  mailer: consoleMailer(),
  secret,
  appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
});
const app = createApp(auth, { corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean) });

const server = app.listen(port, () => {
  console.log(`reference contract 002 on http://localhost:${port}${contract002.basePath} (database: ${file})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => void auth.settled().then(close)));
}

// Serves reference contract 004 on SQLite, users numbered 1, 2, 3, …:
//
//   PORT              port to listen on (default 8000, the document's development URL)
//   DATABASE_FILE     SQLite file (default data/contract-004.db)
//   GATEHOUSE_SECRET  signing secret, 32 bytes or more (default: a development secret)
//   APP_URL           this server's public URL (default http://localhost:<PORT>)
//
// Emails are printed to the terminal, verification codes included: swap consoleMailer for
// smtpMailer from @gatehouse-auth/nodemailer.
import { consoleMailer, createAuth } from '@gatehouse-auth/core';
import { contract004 } from '@gatehouse-auth/core/contracts';
import { createApp } from './app.js';
import { openSqliteStores } from './database.js';

const port = Number(process.env.PORT ?? 8000);
const secret = process.env.GATEHOUSE_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef';
if (process.env.GATEHOUSE_SECRET === undefined) console.warn('GATEHOUSE_SECRET is not set: using a development secret.');
const file = process.env.DATABASE_FILE ?? 'data/contract-004.db';

const { store, rateLimitStore, close } = await openSqliteStores(file);
const auth = createAuth({
  ...contract004.auth,
  store,
  rateLimitStore,
  mailer: consoleMailer(),
  secret,
  appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
});
const app = createApp(auth);

const server = app.listen(port, () => {
  console.log(`reference contract 004 on http://localhost:${port}${contract004.basePath}/register/ (database: ${file})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => void auth.settled().then(close)));
}

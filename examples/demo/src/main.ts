// The Gatehouse demo server: `pnpm demo` from the repository root, or `pnpm start` here.
//
//   PORT               port to listen on (default 3000)
//   HOST               interface to listen on (default 127.0.0.1)
//   DATABASE_URL       SQLite file path (default examples/demo/data/demo.sqlite) or postgres:// URL
//   RATE_LIMIT_PER_IP  requests a minute per client address across /auth (default 100; 0 = off)
//   GATEHOUSE_SECRET   signing secret, 32 bytes or more (development: generated into data/secret)
//   NODE_ENV           `production` turns the outbox off and requires GATEHOUSE_SECRET
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createAuth, memoryMailer, type Mailer } from '@gatehouse-auth/core';
import { kyselyStore, migrateToLatest } from '@gatehouse-auth/kysely';
import { z } from 'zod';
import { createDemoApp } from './app.js';
import { describeDatabase, openDatabase } from './database.js';
import { readSettings, SettingsError, type SettingsResult } from './settings.js';

/** The profile fields the demo asks for. */
const profile = z.object({
  firstName: z.string().trim().min(1, 'Enter your first name.').max(100, 'Use at most 100 characters.').optional(),
  lastName: z.string().trim().min(1, 'Enter your last name.').max(100, 'Use at most 100 characters.').optional(),
});

function settingsOrExit(): SettingsResult {
  try {
    return readSettings();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`demo: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const { settings, warnings } = settingsOrExit();
  for (const warning of warnings) console.warn(`demo: warning: ${warning}`);

  const db = openDatabase(settings.database);
  const { applied } = await migrateToLatest(db);
  if (applied.length > 0) console.log(`demo: migrated ${describeDatabase(settings.database)} (${applied.join(', ')})`);

  // Development mail: kept in memory for the outbox, with one line in the terminal per message.
  const outbox = memoryMailer({ limit: 500 });
  const mailer: Mailer = {
    async send(message) {
      await outbox.send(message);
      if (settings.development) console.log(`demo: mail to ${message.to}: "${message.subject}" (see ${settings.appUrl}/outbox)`);
    },
  };
  if (!settings.development) console.warn('demo: warning: NODE_ENV=production: emails are kept in memory and shown nowhere (no outbox). Use a real mailer, e.g. @gatehouse-auth/nodemailer.');

  const auth = createAuth({
    store: kyselyStore(db),
    mailer,
    secret: settings.secret,
    appUrl: settings.appUrl,
    appName: 'Gatehouse demo',
    profile,
    // One email with both: a link (GET /auth/verify-email/:token, below appUrl) and a code.
    emailVerification: { method: 'both', requiredForLogin: true, linkPath: '/auth/verify-email' },
    // The reset email links to the page's reset view: /reset-password?token=…
    passwordReset: { linkPath: '/reset-password' },
    rateLimits: { perIp: settings.rateLimitPerIp === false ? false : { limit: settings.rateLimitPerIp, window: '1m' } },
    logger: {
      warn: (message, details) => console.warn(`demo: ${message}`, details ?? ''),
      error: (message, details) => console.error(`demo: ${message}`, details ?? ''),
    },
  });

  const app = createDemoApp({ auth, mailer: outbox, outbox: settings.development });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(started as Server));
    started.once('error', reject);
  });
  console.log(`demo: database ${describeDatabase(settings.database)}`);
  if (settings.development) console.log(`demo: outbox ${settings.appUrl}/outbox (JSON: ${settings.appUrl}/dev/outbox)`);
  console.log(`Gatehouse demo ready at ${settings.appUrl}`);

  let stopping = false;
  function stop(signal: NodeJS.Signals): void {
    if (stopping) {
      console.log(`demo: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`demo: ${signal}, stopping`);
    // Idle keep-alive connections would hold `close` open; requests in flight may finish.
    // Reset and verification emails go out after their answers: let them finish before the database closes.
    server.close(() => {
      auth.settled().then(() => db.destroy()).then(
        () => {
          console.log('demo: stopped');
          process.exit(0);
        },
        (error: unknown) => {
          console.error('demo: could not close the database', error);
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 3000).unref();
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('demo: could not start', error);
  process.exit(1);
});

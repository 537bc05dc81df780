import { createAuth, type Auth, type Mailer, type PasswordHasher } from '@gatehouse-auth/core';
import { gatehouse, requireAuth } from '@gatehouse-auth/express';
import { kyselyRateLimitStore, kyselyStore, migrateToLatest } from '@gatehouse-auth/kysely';
import express, { type Express } from 'express';
import type { Kysely } from 'kysely';
import { migrateOrders, ordersRouter, type AppDatabase } from './orders.js';

/** What {@link createApp} needs: the app's database and Gatehouse's settings. */
export interface AppOptions {
  /** The app's own Kysely instance (SQLite here); Gatehouse's tables go into the same database. */
  db: Kysely<AppDatabase>;
  /** HS256 secret of at least 32 bytes. */
  secret: string;
  /** Base URL of the app; emailed links are built from it. */
  appUrl: string;
  /** Where verification and reset emails go. */
  mailer: Mailer;
  /** Password hasher (default: Gatehouse's argon2id). Tests pass a cheap one. */
  hasher?: PasswordHasher;
}

/** The app and the Gatehouse instance it mounted. */
export interface App {
  app: Express;
  auth: Auth;
}

/**
 * The existing Express app (`/health`, `/orders`) with Gatehouse added: its tables migrated at
 * start, its routes under `/auth`, and `requireAuth` in front of the app's own `/orders`.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { db } = options;
  await migrateOrders(db);

  // Gatehouse, step 1: its tables, in the app's database. Safe to run at every start.
  await migrateToLatest(db);
  // Gatehouse, step 2: one auth object over that database.
  const auth = createAuth({
    store: kyselyStore(db),
    rateLimitStore: kyselyRateLimitStore(db),
    mailer: options.mailer,
    secret: options.secret,
    appUrl: options.appUrl,
    ...(options.hasher ? { hasher: options.hasher } : {}),
  });

  const app = express();
  app.use(express.json());

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Gatehouse, step 3: its routes (register, login, refresh, logout, verify-email, …) under /auth.
  app.use('/auth', gatehouse(auth));
  // Gatehouse, step 4: the app's own routes now require a valid access token.
  app.use('/orders', requireAuth(auth), ordersRouter(db));

  return { app, auth };
}

import { createAuth, type Auth, type AuthEvent, type Mailer, type PasswordHasher, type Store, memoryStore } from '@gatehouse-auth/core';
import { gatehouse, requireAuth, type GatehouseEnv } from '@gatehouse-auth/hono';
import { Hono } from 'hono';

/** What {@link createApp} needs. */
export interface AppOptions {
  /** Any Mailer: here the webhook mailer of this example. */
  mailer: Mailer;
  /** HS256 secret of at least 32 bytes. */
  secret: string;
  /** Base URL of the app; emailed links are built from it. */
  appUrl: string;
  /** Where users and sessions live (default: in memory). */
  store?: Store;
  /** Password hasher (default: Gatehouse's argon2id). Tests pass a cheap one. */
  hasher?: PasswordHasher;
  /** Security events, e.g. `mail.failed` when the webhook is down. */
  onEvent?: (event: AuthEvent) => void;
}

/** The app and the Gatehouse instance it mounted. */
export interface App {
  app: Hono<GatehouseEnv>;
  auth: Auth;
}

/** A small Hono app whose emails go out through a mailer of your own. */
export function createApp(options: AppOptions): App {
  // The custom mailer goes in where smtpMailer or consoleMailer would: nothing else changes.
  const auth = createAuth({
    store: options.store ?? memoryStore(),
    mailer: options.mailer,
    secret: options.secret,
    appUrl: options.appUrl,
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const app = new Hono<GatehouseEnv>();
  app.route('/auth', gatehouse(auth));
  app.get('/me', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
  return { app, auth };
}

import { createAuth, type Auth, type Mailer, type PasswordHasher, type Store } from '@gatehouse-auth/core';
import { gatehouse, requireAuth, type GatehouseEnv } from '@gatehouse-auth/hono';
import { Hono } from 'hono';

/** What {@link createApp} needs. */
export interface AppOptions {
  /** Any Store: here the JSON file store of this example. */
  store: Store;
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
  app: Hono<GatehouseEnv>;
  auth: Auth;
}

/** A small Hono app over a store of your own: Gatehouse under `/auth`, and a protected `/me`. */
export function createApp(options: AppOptions): App {
  // The custom store goes in where kyselyStore or memoryStore would: nothing else changes.
  const auth = createAuth({
    store: options.store,
    mailer: options.mailer,
    secret: options.secret,
    appUrl: options.appUrl,
    ...(options.hasher ? { hasher: options.hasher } : {}),
  });
  const app = new Hono<GatehouseEnv>();
  app.route('/auth', gatehouse(auth));
  app.get('/me', requireAuth(auth), async (c) => {
    const user = await auth.getProfile({ userId: c.var.auth.userId });
    return c.json({ id: user.id, email: user.email, profile: user.profile });
  });
  return { app, auth };
}

import { createAuth, memoryStore, type Auth, type Mailer, type PasswordHasher, type Store } from '@gatehouse-auth/core';
import { gatehouse, requireAuth, type GatehouseEnv } from '@gatehouse-auth/hono';
import { Hono } from 'hono';

/** What {@link createApp} needs. */
export interface AppOptions {
  /** HS256 secret of at least 32 bytes. */
  secret: string;
  /** Base URL of the app; emailed links are built from it. */
  appUrl: string;
  /** Where verification and reset emails go. */
  mailer: Mailer;
  /** Where users and sessions live (default: in memory, lost on restart; use kyselyStore for a database). */
  store?: Store;
  /** Password hasher (default: Gatehouse's argon2id). Tests pass a cheap one. */
  hasher?: PasswordHasher;
}

/** The app and the Gatehouse instance it mounted. */
export interface App {
  app: Hono<GatehouseEnv>;
  auth: Auth;
}

interface Note {
  id: number;
  text: string;
}

/**
 * A Hono app with Gatehouse under `/auth`, and notes under `/api` that only a signed-in user
 * sees: `requireAuth` guards `/api/*` and puts the caller in `c.var.auth`.
 */
export function createApp(options: AppOptions): App {
  const auth = createAuth({
    store: options.store ?? memoryStore(),
    mailer: options.mailer,
    secret: options.secret,
    appUrl: options.appUrl,
    ...(options.hasher ? { hasher: options.hasher } : {}),
  });

  // The app's own data: each user's notes, in memory for the example.
  const notesByUser = new Map<string, Note[]>();
  let nextId = 1;

  const app = new Hono<GatehouseEnv>();
  app.get('/', (c) => c.json({ name: 'hono-node example', auth: '/auth', api: '/api' }));

  app.route('/auth', gatehouse(auth));

  // Every route under /api needs a valid access token; the handlers read c.var.auth.
  app.use('/api/*', requireAuth(auth));

  app.get('/api/whoami', (c) => c.json({ userId: c.var.auth.userId, sessionId: c.var.auth.sessionId, role: c.var.auth.role }));

  app.get('/api/notes', (c) => c.json({ notes: notesByUser.get(c.var.auth.userId) ?? [] }));

  app.post('/api/notes', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { text?: unknown } | null;
    if (typeof body?.text !== 'string' || body.text.trim() === '') return c.json({ error: 'Give the note as { "text": "…" }.' }, 422);
    const note: Note = { id: nextId++, text: body.text.trim() };
    const notes = notesByUser.get(c.var.auth.userId) ?? [];
    notes.push(note);
    notesByUser.set(c.var.auth.userId, notes);
    return c.json({ note }, 201);
  });

  return { app, auth };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Auth, MemoryMailer } from '@gatehouse-auth/core';
import { gatehouse, requireAuth, type GatehouseEnv } from '@gatehouse-auth/hono';
import { Hono, type Context } from 'hono';

/** The page, its scripts and styles: plain files, no build step. */
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The paths of the single-page app; each one answers `index.html` and the script shows the view. */
export const PAGE_PATHS = ['/', '/login', '/register', '/verify', '/forgot-password', '/reset-password', '/account'] as const;

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions<P> {
  auth: Auth<P>;
  /** The development mailer whose messages the outbox shows. */
  mailer: MemoryMailer;
  /** Serve the outbox (`GET /dev/outbox`, `/outbox`): never in production. */
  outbox: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

// The page loads nothing from elsewhere. The outbox shows each email's HTML in a sandboxed
// iframe (`srcdoc`), whose inline styles are why 'unsafe-inline' is allowed for styles only.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

async function sendFile(c: Context, name: string): Promise<Response> {
  const extension = name.slice(name.lastIndexOf('.'));
  const type = CONTENT_TYPES[extension];
  if (!type) return c.notFound();
  let body: Buffer;
  try {
    body = await readFile(join(PUBLIC_DIR, name));
  } catch {
    return c.notFound();
  }
  // Read on each request and never cached, so an edit to the page shows on reload.
  return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': 'no-cache' });
}

/**
 * The demo server as a Hono app: Gatehouse at `/auth`, one route of the app's own protected by
 * `requireAuth`, the page, and in development the outbox.
 */
export function createDemoApp<P>(options: DemoAppOptions<P>): Hono<GatehouseEnv> {
  const { auth, mailer } = options;
  const app = new Hono<GatehouseEnv>();

  app.use('*', async function securityHeaders(c, next) {
    await next();
    c.header('x-content-type-options', 'nosniff');
    // Reset links carry their token in the URL: never send it on to another site.
    c.header('referrer-policy', 'no-referrer');
    if (c.res.headers.get('content-type')?.startsWith('text/html')) c.header('content-security-policy', CONTENT_SECURITY_POLICY);
  });

  app.route(
    '/auth',
    gatehouse(auth, {
      // Opening the emailed link verifies the address, then brings the browser back to the page.
      linkRedirect: { success: '/login?verified=1', failure: '/verify?link=failed' },
      openapi: { title: 'Gatehouse demo' },
    }),
  );

  // An endpoint of "your app": only callers with a valid access token (and live session) get in.
  app.get('/api/me', requireAuth(auth), (c) => {
    const { userId, sessionId, role } = c.var.auth;
    return c.json({ data: { userId, sessionId, role, message: 'Hello from a route protected by requireAuth(auth).' } });
  });

  if (options.outbox) {
    app.get('/dev/outbox', (c) => {
      const messages = mailer.messages.map((message) => ({
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        sentAt: message.sentAt.toISOString(),
      }));
      return c.json(messages, 200, { 'cache-control': 'no-store' });
    });
    app.delete('/dev/outbox', (c) => {
      mailer.clear();
      return c.body(null, 204);
    });
    app.get('/outbox', (c) => sendFile(c, 'outbox.html'));
  }

  for (const path of PAGE_PATHS) app.get(path, (c) => sendFile(c, 'index.html'));
  app.get('/assets/:name{[a-z0-9-]+\\.(?:css|js|svg)}', (c) => sendFile(c, `assets/${c.req.param('name')}`));

  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: { code: 'NOT_FOUND', message: 'Not found.' } }, 404) : c.text('Not found', 404)));
  return app;
}

import type { Identity } from '@gatehouse-auth/core';
import { runOptionalAuth, runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
import { Hono } from 'hono';
import { expectTypeOf } from 'vitest';
import { optionalAuth, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'hono optionalAuth', guard: (auth, options) => optionalAuth(auth, options) });

runOptionalAuth({
  name: 'hono',
  serve(auth, ran) {
    const app = new Hono();
    // The same handler behind each guard, so the two can be compared; each guard types c.var.auth.
    app.get('/feed', optionalAuth(auth), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Identity<string> | null>();
      ran('feed');
      return c.json({ auth: c.var.auth });
    });
    app.get('/orders', requireAuth(auth), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Identity<string>>();
      ran('orders');
      return c.json({ auth: c.var.auth });
    });
    return { fetch: (path, init) => Promise.resolve(app.request(path, init)) };
  },
});

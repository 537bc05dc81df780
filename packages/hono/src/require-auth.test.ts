import { runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
import { Hono } from 'hono';
import { requireAuth, type GatehouseEnv } from './index.js';

runRequireAuthSharing({
  name: 'hono',
  // Each guard on a route of its own, as an app mounts it.
  guard(auth, options) {
    const app = new Hono<GatehouseEnv>();
    app.get('/orders', requireAuth(auth, options), (c) => c.json({ userId: c.var.auth.userId }));
    return app;
  },
  statusWithoutToken: async (app) => (await app.request('/orders')).status,
});

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runOptionalAuth, runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { optionalAuth, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'express optionalAuth', guard: (auth, options) => optionalAuth(auth, options) });

runOptionalAuth({
  name: 'express',
  async serve(auth, ran) {
    const app = express();
    // The same handler behind each guard, so the two can be compared.
    app.get('/feed', optionalAuth(auth), (req, res) => {
      ran('feed');
      res.json({ auth: req.auth ?? null });
    });
    app.get('/orders', requireAuth(auth), (req, res) => {
      ran('orders');
      res.json({ auth: req.auth ?? null });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      fetch: (path, init) => fetch(`${base}${path}`, init),
      close() {
        server.closeAllConnections();
        server.close();
      },
    };
  },
});

// Answers to bodies still arriving (413, requireAuth's 401) on @hono/node-server, over a real socket.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runOversizedUploads } from '@gatehouse-auth/core/http/testing';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { gatehouse, requireAuth, type GatehouseEnv } from './index.js';

runOversizedUploads({
  name: 'hono on @hono/node-server',
  async listen(auth) {
    const root = new Hono<GatehouseEnv>();
    root.route('/auth', gatehouse(auth));
    root.post('/protected', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
    const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      close: () =>
        new Promise<void>((resolve) => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    };
  },
});

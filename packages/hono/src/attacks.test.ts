import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import { runHttpAttacks, type MountedApp } from '@gatehouse/core/http/testing';
import { Hono } from 'hono';
import { gatehouse, requireAuth, type GatehouseEnv } from './index.js';

// The mounts of gatehouse.test.ts: in process with app.request(), and on a real @hono/node-server.
function app(auth: Auth, options: HttpOptions): Hono<GatehouseEnv> {
  const root = new Hono<GatehouseEnv>();
  root.route('/auth', gatehouse(auth, options));
  root.get('/protected', requireAuth(auth, options), (c) => c.json({ userId: c.var.auth.userId, sessionId: c.get('auth').sessionId }));
  return root;
}

const nodeBindings = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
runHttpAttacks({
  name: 'hono (app.request)',
  mount: (auth, options): MountedApp => ({ fetch: async (path, init) => app(auth, options).request(path, init, nodeBindings) }),
});

runHttpAttacks({
  name: 'hono on @hono/node-server',
  async mount(auth, options): Promise<MountedApp> {
    const server = serve({ fetch: app(auth, options).fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      fetch: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
      close: () =>
        new Promise<void>((resolve) => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    };
  },
});

// Test support, not part of the package (tsup builds only src/index.ts): how the HTTP suites
// (contract, attacks, fuzz) mount Gatehouse in Hono, shared by every *.test.ts here.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Auth } from '@gatehouse-auth/core';
import type { HttpOptions } from '@gatehouse-auth/core/http';
import type { MountedApp } from '@gatehouse-auth/core/http/testing';
import { Hono } from 'hono';
import { gatehouse, requireAuth, type GatehouseEnv } from '../index.js';

/** The bindings @hono/node-server hands each request as `c.env`, for `app.request()` from 127.0.0.1. */
export const nodeBindings = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

/** The app every mount serves: the sub-app under `basePath` and `GET /protected` behind `requireAuth`. */
function honoApp(auth: Auth, options: HttpOptions, basePath: string): Hono<GatehouseEnv> {
  const root = new Hono<GatehouseEnv>();
  root.route(basePath, gatehouse(auth, options));
  root.get('/protected', requireAuth(auth, options), (c) => c.json({ userId: c.var.auth.userId, sessionId: c.get('auth').sessionId }));
  return root;
}

/** An in-process mount over `app.request()`, with {@link nodeBindings}: the routes under `basePath` (default `/auth`). */
export function requestMount(auth: Auth, options: HttpOptions, basePath = '/auth'): MountedApp {
  const app = honoApp(auth, options, basePath);
  return { fetch: async (path, init) => app.request(path, init, nodeBindings) };
}

/** A mount on a real @hono/node-server on 127.0.0.1: the routes under `basePath` (default `/auth`). */
export async function nodeServerMount(auth: Auth, options: HttpOptions, basePath = '/auth'): Promise<MountedApp> {
  const server = serve({ fetch: honoApp(auth, options, basePath).fetch, port: 0, hostname: '127.0.0.1' });
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
}

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runAuthArgumentChecks } from '@gatehouse-auth/core/http/testing';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { gatehouse, optionalAuth, requireAuth } from './index.js';
import { express4 } from './test-support/mounts.js';

runAuthArgumentChecks({
  name: 'express',
  factories: {
    requireAuth: (value) => requireAuth(value as never),
    optionalAuth: (value) => optionalAuth(value as never),
    gatehouse: (value) => gatehouse(value as never),
  },
});

/** What an app gets from `app.get(path, requireAuth, …)` at its first request: the status, and the error its error handler saw. */
async function firstRequest(createApp: typeof express, mount: (app: express.Express) => void, path: string): Promise<{ status: number; error: unknown }> {
  const app = createApp();
  mount(app);
  let error: unknown;
  const errors: ErrorRequestHandler = (caught, _req, res, _next) => {
    error = caught;
    res.status(500).json({ error: 'internal' });
  };
  app.use(errors);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return { status: response.status, error };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('misuse of @gatehouse-auth/express says what to write', () => {
  describe.each([
    ['express 5', express],
    ['express 4', express4],
  ])('%s', (_name, createApp) => {
    for (const [factory, guard] of [
      ['requireAuth', requireAuth],
      ['optionalAuth', optionalAuth],
    ] as const) {
      it(`${factory} given as middleware uncalled fails the request with an error that says to call it, and never runs the route`, async () => {
        let ran = false;
        const { status, error } = await firstRequest(
          createApp,
          (app) =>
            app.get('/api/orders', guard as unknown as RequestHandler, (_req, res) => {
              ran = true;
              res.json({ orders: [] });
            }),
          '/api/orders',
        );
        expect(status).toBe(500);
        expect(ran).toBe(false);
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toContain(`${factory}(auth) needs the object createAuth() returned`);
        expect((error as Error).message).toContain(`not ${factory}.`);
      });
    }

    it('gatehouse given to app.use uncalled fails the request with an error that says to call it', async () => {
      const { status, error } = await firstRequest(createApp, (app) => app.use('/auth', gatehouse as unknown as RequestHandler), '/auth/openapi.json');
      expect(status).toBe(500);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain("app.use('/auth', gatehouse(auth))");
    });
  });
});

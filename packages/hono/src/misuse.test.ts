import { runAuthArgumentChecks } from '@gatehouse-auth/core/http/testing';
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { gatehouse, optionalAuth, requireAuth } from './index.js';

runAuthArgumentChecks({
  name: 'hono',
  factories: {
    requireAuth: (value) => requireAuth(value as never),
    optionalAuth: (value) => optionalAuth(value as never),
    gatehouse: (value) => gatehouse(value as never),
  },
});

/** The status of the first request to `path`, and the error the app's onError saw. */
async function firstRequest(app: Hono, path: string): Promise<{ status: number; error: unknown }> {
  let error: unknown;
  app.onError((caught, c) => {
    error = caught;
    return c.json({ error: 'internal' }, 500);
  });
  const response = await app.request(path);
  return { status: response.status, error };
}

describe('misuse of @gatehouse-auth/hono says what to write', () => {
  for (const [factory, guard] of [
    ['requireAuth', requireAuth],
    ['optionalAuth', optionalAuth],
  ] as const) {
    it(`${factory} given as middleware uncalled fails the request with an error that says to call it, and never runs the route`, async () => {
      const app = new Hono();
      let ran = false;
      app.get('/api/orders', guard as unknown as MiddlewareHandler, (c) => {
        ran = true;
        return c.json({ orders: [] });
      });
      const { status, error } = await firstRequest(app, '/api/orders');
      expect(status).toBe(500);
      expect(ran).toBe(false);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(`${factory}(auth) needs the object createAuth() returned`);
      expect((error as Error).message).toContain(`not ${factory}.`);
    });
  }

  it('gatehouse given to app.use uncalled fails the request with an error that says to call it', async () => {
    const app = new Hono();
    app.use('/auth/*', gatehouse as unknown as MiddlewareHandler);
    const { status, error } = await firstRequest(app, '/auth/openapi.json');
    expect(status).toBe(500);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("app.route('/auth', gatehouse(auth))");
  });

  it('gatehouse given to app.route uncalled is refused at declaration, naming the fix', () => {
    const app = new Hono();
    expect(() => app.route('/auth', gatehouse as unknown as Hono)).toThrow(TypeError);
    expect(() => app.route('/auth', gatehouse as unknown as Hono)).toThrow("app.route('/auth', gatehouse(auth))");
  });
});

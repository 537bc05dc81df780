// Hono on @hono/node-server, in one of several variants (BENCH_CONFIG.variant):
//   bare          GET /me answers a constant identity: the framework's own speed
//   gatehouse     GET /me behind @gatehouse-auth/hono's requireAuth(auth), returns c.get('auth')
//   gatehouse-login  POST /auth/login through @gatehouse-auth/hono's router (login storms)
//   core-login    POST /auth/login calling auth.login() directly, until @gatehouse-auth/hono is built
//   blocking-login  POST /auth/login with argon2 verifySync on the event loop (a reference)
//   jose          GET /me behind a small jose jwtVerify middleware
//   hono-jwt      GET /me behind hono/jwt
//   better-auth   better-auth's handler on /api/auth/* (get-session, sign-in/email)
// Every variant also serves GET /bare, the probe route of the event-loop scenario.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { AUDIENCE, CONSTANT_IDENTITY, ISSUER, SECRET, SECRET_BYTES, TOKEN_TYPE } from '../lib/fixtures.mjs';
import { announce, benchConfig, fail, installEventLoopMonitor } from './_serve.mjs';

const config = benchConfig();
const app = new Hono();
/** @type {Record<string, unknown>} */
let extra = {};
/** @type {() => Promise<void>} */
let close = async () => {};

app.get('/bare', (c) => c.json(CONSTANT_IDENTITY));

switch (config.variant) {
  case 'bare': {
    app.get('/me', (c) => c.json(CONSTANT_IDENTITY));
    break;
  }
  case 'gatehouse': {
    const { requireAuth } = await import('@gatehouse-auth/hono');
    const { createBenchAuth } = await import('../lib/gatehouse.mjs');
    const bench = await createBenchAuth(config.gatehouse);
    close = bench.close;
    extra = { token: bench.accessToken };
    app.get('/me', requireAuth(bench.auth), (c) => {
      /** @type {any} */
      const identity = c.get('auth');
      return c.json({ userId: identity.userId, sessionId: identity.sessionId, role: identity.role });
    });
    break;
  }
  case 'gatehouse-login': {
    const { gatehouse } = await import('@gatehouse-auth/hono');
    const { createBenchAuth } = await import('../lib/gatehouse.mjs');
    const bench = await createBenchAuth(config.gatehouse);
    close = bench.close;
    app.route('/auth', gatehouse(bench.auth));
    break;
  }
  case 'core-login': {
    // Used only while @gatehouse-auth/hono is not built: the same flow, without the adapter.
    const { createBenchAuth } = await import('../lib/gatehouse.mjs');
    const bench = await createBenchAuth(config.gatehouse);
    close = bench.close;
    app.post('/auth/login', async (c) => {
      const body = await c.req.json();
      const result = await bench.auth.login({ email: body.email, password: body.password, ip: '127.0.0.1' });
      return c.json({ data: result });
    });
    break;
  }
  case 'blocking-login': {
    // A reference, not a peer: the same argon2id verify, synchronously on the event loop, to
    // show what a blocked loop looks like in the same run.
    const argon2 = await import('@node-rs/argon2');
    const { ARGON2, USER } = await import('../lib/fixtures.mjs');
    const stored = await argon2.hash(USER.password, ARGON2);
    app.post('/auth/login', async (c) => {
      const body = await c.req.json();
      if (!argon2.verifySync(stored, String(body.password))) return c.json({ error: 'invalid' }, 401);
      return c.json({ data: { ok: true } });
    });
    break;
  }
  case 'jose': {
    const { jwtVerify } = await import('jose');
    app.use('/me', async function joseAuth(c, next) {
      const header = c.req.header('authorization');
      if (!header?.startsWith('Bearer ')) return c.json({ error: 'unauthorized' }, 401);
      try {
        const { payload } = await jwtVerify(header.slice(7), SECRET_BYTES, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: TOKEN_TYPE });
        /** @type {any} */ (c).set('auth', payload);
      } catch {
        return c.json({ error: 'unauthorized' }, 401);
      }
      await next();
    });
    app.get('/me', (c) => {
      /** @type {any} */
      const payload = /** @type {any} */ (c).get('auth');
      return c.json({ userId: payload.sub, sessionId: payload.sid, role: payload.role });
    });
    break;
  }
  case 'hono-jwt': {
    const { jwt } = await import('hono/jwt');
    app.use('/me', jwt({ secret: SECRET, alg: 'HS256', verification: { iss: ISSUER, aud: AUDIENCE, typ: TOKEN_TYPE } }));
    app.get('/me', (c) => {
      /** @type {any} */
      const payload = c.get('jwtPayload');
      return c.json({ userId: payload.sub, sessionId: payload.sid, role: payload.role });
    });
    break;
  }
  case 'better-auth': {
    const { createBetterAuth } = await import('../lib/better-auth.mjs');
    const bench = await createBetterAuth(config.betterAuth ?? {});
    close = bench.close;
    extra = { cookie: bench.cookie };
    app.on(['GET', 'POST'], '/api/auth/*', (c) => bench.auth.handler(c.req.raw));
    break;
  }
  default:
    fail(new Error(`unknown variant ${config.variant}`));
}

installEventLoopMonitor();
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port, extra));
process.on('SIGTERM', () => {
  server.close();
  close().finally(() => process.exit(0));
});

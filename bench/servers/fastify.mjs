// Fastify 5, in one of several variants (BENCH_CONFIG.variant):
//   bare          GET /me answers a constant identity: the framework's own speed
//   gatehouse     GET /me behind @gatehouse-auth/fastify's requireAuth(auth) preHandler, returns request.auth
//   fastify-jwt   GET /me behind @fastify/jwt (`request.jwtVerify()` in an onRequest hook)
//   jose          GET /me behind a jose jwtVerify preHandler
// Every variant also serves GET /bare.
import Fastify from 'fastify';
import { AUDIENCE, CONSTANT_IDENTITY, ISSUER, SECRET, SECRET_BYTES, TOKEN_TYPE } from '../lib/fixtures.mjs';
import { announce, benchConfig, fail, installEventLoopMonitor } from './_serve.mjs';

const config = benchConfig();
const app = Fastify({ logger: false });
/** @type {Record<string, unknown>} */
let extra = {};
/** @type {() => Promise<void>} */
let close = async () => {};

app.get('/bare', async () => CONSTANT_IDENTITY);

switch (config.variant) {
  case 'bare': {
    app.get('/me', async () => CONSTANT_IDENTITY);
    break;
  }
  case 'gatehouse': {
    const { gatehouse, requireAuth } = await import('@gatehouse-auth/fastify');
    const { createBenchAuth } = await import('../lib/gatehouse.mjs');
    const bench = await createBenchAuth(config.gatehouse);
    close = bench.close;
    extra = { token: bench.accessToken };
    await app.register(gatehouse, { auth: bench.auth, prefix: '/auth' });
    app.get('/me', { preHandler: requireAuth(bench.auth) }, async (request) => {
      /** @type {any} */
      const identity = /** @type {any} */ (request).auth;
      return { userId: identity.userId, sessionId: identity.sessionId, role: identity.role };
    });
    break;
  }
  case 'fastify-jwt': {
    const { default: fastifyJwt } = await import('@fastify/jwt');
    await app.register(fastifyJwt, { secret: SECRET, verify: { algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: AUDIENCE } });
    app.get(
      '/me',
      {
        onRequest: async function verifyJwt(request) {
          await request.jwtVerify();
        },
      },
      async (request) => {
        /** @type {any} */
        const payload = request.user;
        return { userId: payload.sub, sessionId: payload.sid, role: payload.role };
      },
    );
    break;
  }
  case 'jose': {
    const { jwtVerify } = await import('jose');
    app.decorateRequest('auth', null);
    app.get(
      '/me',
      {
        preHandler: async function joseAuth(request, reply) {
          const header = request.headers.authorization;
          if (!header?.startsWith('Bearer ')) return reply.code(401).send({ error: 'unauthorized' });
          try {
            const { payload } = await jwtVerify(header.slice(7), SECRET_BYTES, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: TOKEN_TYPE });
            /** @type {any} */ (request).auth = payload;
          } catch {
            return reply.code(401).send({ error: 'unauthorized' });
          }
        },
      },
      async (request) => {
        /** @type {any} */
        const payload = /** @type {any} */ (request).auth;
        return { userId: payload.sub, sessionId: payload.sid, role: payload.role };
      },
    );
    break;
  }
  default:
    fail(new Error(`unknown variant ${config.variant}`));
}

installEventLoopMonitor();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
announce(typeof address === 'object' && address ? address.port : 0, extra);
process.on('SIGTERM', () => {
  app.close().then(close).finally(() => process.exit(0));
});

// Express 5, in one of several variants (BENCH_CONFIG.variant):
//   bare          GET /me answers a constant identity: the framework's own speed
//   gatehouse     GET /me behind @gatehouse-auth/express's requireAuth(auth), returns req.auth
//   jose          GET /me behind a jose jwtVerify middleware
//   passport-jwt  GET /me behind passport.authenticate('jwt', { session: false })
// Every variant also serves GET /bare.
import express from 'express';
import { AUDIENCE, CONSTANT_IDENTITY, ISSUER, SECRET, SECRET_BYTES, TOKEN_TYPE } from '../lib/fixtures.mjs';
import { announce, benchConfig, fail, installEventLoopMonitor } from './_serve.mjs';

const config = benchConfig();
const app = express();
/** @type {Record<string, unknown>} */
let extra = {};
/** @type {() => Promise<void>} */
let close = async () => {};

app.get('/bare', (_req, res) => {
  res.json(CONSTANT_IDENTITY);
});

switch (config.variant) {
  case 'bare': {
    app.get('/me', (_req, res) => {
      res.json(CONSTANT_IDENTITY);
    });
    break;
  }
  case 'gatehouse': {
    const { requireAuth } = await import('@gatehouse-auth/express');
    const { createBenchAuth } = await import('../lib/gatehouse.mjs');
    const bench = await createBenchAuth(config.gatehouse);
    close = bench.close;
    extra = { token: bench.accessToken };
    app.get('/me', requireAuth(bench.auth), (req, res) => {
      /** @type {any} */
      const identity = /** @type {any} */ (req).auth;
      res.json({ userId: identity.userId, sessionId: identity.sessionId, role: identity.role });
    });
    break;
  }
  case 'jose': {
    const { jwtVerify } = await import('jose');
    app.get(
      '/me',
      function joseAuth(req, res, next) {
        const header = req.headers.authorization;
        if (!header?.startsWith('Bearer ')) {
          res.status(401).json({ error: 'unauthorized' });
          return;
        }
        jwtVerify(header.slice(7), SECRET_BYTES, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: TOKEN_TYPE }).then(
          ({ payload }) => {
            /** @type {any} */ (req).auth = payload;
            next();
          },
          () => {
            res.status(401).json({ error: 'unauthorized' });
          },
        );
      },
      (req, res) => {
        /** @type {any} */
        const payload = /** @type {any} */ (req).auth;
        res.json({ userId: payload.sub, sessionId: payload.sid, role: payload.role });
      },
    );
    break;
  }
  case 'passport-jwt': {
    const { default: passport } = await import('passport');
    const { Strategy, ExtractJwt } = await import('passport-jwt');
    passport.use(
      new Strategy(
        {
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          secretOrKey: SECRET,
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
        },
        (/** @type {any} */ payload, /** @type {Function} */ done) => done(null, payload),
      ),
    );
    app.use(passport.initialize());
    app.get('/me', passport.authenticate('jwt', { session: false }), (req, res) => {
      /** @type {any} */
      const payload = req.user;
      res.json({ userId: payload.sub, sessionId: payload.sid, role: payload.role });
    });
    break;
  }
  default:
    fail(new Error(`unknown variant ${config.variant}`));
}

installEventLoopMonitor();
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announce(typeof address === 'object' && address ? address.port : 0, extra);
});
process.on('SIGTERM', () => {
  server.close();
  close().finally(() => process.exit(0));
});

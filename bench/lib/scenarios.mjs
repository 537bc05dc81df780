// What the bench measures. HTTP scenarios are grouped by framework: every group has one bare
// route, measured in the same rounds as the group's protected routes, and each protected route
// is reported as a share of it. `quick: true` marks what `pnpm bench:quick` runs.

/**
 * @typedef {object} HttpScenario
 * @property {string} id
 * @property {'hono' | 'fastify' | 'express'} framework
 * @property {'bare' | 'gatehouse' | 'peer'} kind
 * @property {string} name Shown in the table.
 * @property {string} [mode] Gatehouse's mode (`stateless`, `sqlite`, `postgres`, …).
 * @property {string} script Server script under servers/.
 * @property {Record<string, unknown>} config BENCH_CONFIG for the server.
 * @property {string[]} [needs] Gatehouse packages it imports.
 * @property {boolean} [postgres] Needs the PostgreSQL server.
 * @property {string} path
 * @property {'token' | 'peer-token' | 'cookie'} credentials What the load sends.
 * @property {boolean} [quick]
 * @property {string} setup How it is configured, for docs/performance.md.
 */

/** @type {HttpScenario[]} */
export const HTTP_SCENARIOS = [];

/**
 * @param {'hono' | 'fastify' | 'express'} framework
 * @param {string} adapterNote
 */
function gatehouseScenarios(framework, adapterNote) {
  const script = `${framework}.mjs`;
  const base = { framework, kind: /** @type {const} */ ('gatehouse'), script, path: '/me', credentials: /** @type {const} */ ('token') };
  return [
    {
      ...base,
      id: `${framework}/gatehouse/stateless`,
      name: 'Gatehouse requireAuth',
      mode: 'stateless',
      config: { variant: 'gatehouse', gatehouse: { stateless: true } },
      needs: ['core', framework],
      quick: true,
      setup: `${adapterNote}; createAuth({ session: { stateless: true } }), default token cache (10,000); memory store`,
    },
    {
      ...base,
      id: `${framework}/gatehouse/sqlite`,
      name: 'Gatehouse requireAuth',
      mode: 'sqlite',
      config: { variant: 'gatehouse', gatehouse: { store: 'sqlite' } },
      needs: ['core', framework, 'kysely'],
      quick: framework === 'hono',
      setup: `${adapterNote}; default session check on kyselyStore over better-sqlite3 (file, WAL), default token cache`,
    },
    {
      ...base,
      id: `${framework}/gatehouse/postgres`,
      name: 'Gatehouse requireAuth',
      mode: 'postgres',
      config: { variant: 'gatehouse', gatehouse: { store: 'postgres' } },
      needs: ['core', framework, 'kysely'],
      postgres: true,
      setup: `${adapterNote}; default session check on kyselyStore over pg (Pool max 10, local PostgreSQL), default token cache`,
    },
  ];
}

HTTP_SCENARIOS.push(
  {
    id: 'hono/bare',
    framework: 'hono',
    kind: 'bare',
    name: 'bare route',
    script: 'hono.mjs',
    config: { variant: 'bare' },
    path: '/me',
    credentials: 'peer-token',
    quick: true,
    setup: 'Hono on @hono/node-server; c.json(constant identity)',
  },
  ...gatehouseScenarios('hono', '@gatehouse-auth/hono requireAuth(auth), handler returns c.get("auth")'),
  {
    id: 'hono/gatehouse/stateless-nocache',
    framework: 'hono',
    kind: 'gatehouse',
    name: 'Gatehouse requireAuth',
    mode: 'stateless, cacheSize 0',
    script: 'hono.mjs',
    config: { variant: 'gatehouse', gatehouse: { stateless: true, cacheSize: 0 } },
    needs: ['core', 'hono'],
    path: '/me',
    credentials: 'token',
    setup: 'as stateless, with accessToken.cacheSize: 0: every request verifies the signature with jose',
  },
  {
    id: 'hono/jose',
    framework: 'hono',
    kind: 'peer',
    name: 'jose middleware',
    script: 'hono.mjs',
    config: { variant: 'jose' },
    path: '/me',
    credentials: 'peer-token',
    setup: 'jose 6 jwtVerify(token, secret, { algorithms: [HS256], issuer, audience, typ }) in app.use',
  },
  {
    id: 'hono/hono-jwt',
    framework: 'hono',
    kind: 'peer',
    name: 'hono/jwt',
    script: 'hono.mjs',
    config: { variant: 'hono-jwt' },
    path: '/me',
    credentials: 'peer-token',
    setup: "hono/jwt jwt({ secret, alg: 'HS256', verification: { iss, aud, typ } })",
  },
  {
    id: 'hono/better-auth/get-session',
    framework: 'hono',
    kind: 'peer',
    name: 'better-auth get-session',
    script: 'hono.mjs',
    config: { variant: 'better-auth', betterAuth: { hasher: 'scrypt' } },
    path: '/api/auth/get-session',
    credentials: 'cookie',
    setup: 'better-auth 1.7 on better-sqlite3 (file, WAL), handler on /api/auth/*, session cookie from sign-in; rate limit off',
  },
  {
    id: 'hono/better-auth/get-session-cookie-cache',
    framework: 'hono',
    kind: 'peer',
    name: 'better-auth get-session',
    mode: 'cookie cache',
    script: 'hono.mjs',
    config: { variant: 'better-auth', betterAuth: { hasher: 'scrypt', cookieCache: true } },
    path: '/api/auth/get-session',
    credentials: 'cookie',
    setup: 'as above with session.cookieCache { enabled: true, maxAge: 300 }',
  },
  {
    id: 'fastify/bare',
    framework: 'fastify',
    kind: 'bare',
    name: 'bare route',
    script: 'fastify.mjs',
    config: { variant: 'bare' },
    path: '/me',
    credentials: 'peer-token',
    quick: true,
    setup: 'Fastify 5, logger off; async handler returns a constant identity',
  },
  ...gatehouseScenarios('fastify', "@gatehouse-auth/fastify plugin, GET /me with { preHandler: requireAuth(auth) }, handler returns request.auth"),
  {
    id: 'fastify/fastify-jwt',
    framework: 'fastify',
    kind: 'peer',
    name: '@fastify/jwt',
    script: 'fastify.mjs',
    config: { variant: 'fastify-jwt' },
    path: '/me',
    credentials: 'peer-token',
    setup: '@fastify/jwt 10 { secret, verify: { algorithms: [HS256], allowedIss, allowedAud } }, request.jwtVerify() in onRequest',
  },
  {
    id: 'fastify/jose',
    framework: 'fastify',
    kind: 'peer',
    name: 'jose middleware',
    script: 'fastify.mjs',
    config: { variant: 'jose' },
    path: '/me',
    credentials: 'peer-token',
    setup: 'jose 6 jwtVerify in a preHandler (same options as on Hono)',
  },
  {
    id: 'express/bare',
    framework: 'express',
    kind: 'bare',
    name: 'bare route',
    script: 'express.mjs',
    config: { variant: 'bare' },
    path: '/me',
    credentials: 'peer-token',
    quick: true,
    setup: 'Express 5 defaults; res.json(constant identity)',
  },
  ...gatehouseScenarios('express', '@gatehouse-auth/express requireAuth(auth), handler returns req.auth'),
  {
    id: 'express/jose',
    framework: 'express',
    kind: 'peer',
    name: 'jose middleware',
    script: 'express.mjs',
    config: { variant: 'jose' },
    path: '/me',
    credentials: 'peer-token',
    setup: 'jose 6 jwtVerify in a route middleware (same options as on Hono)',
  },
  {
    id: 'express/passport-jwt',
    framework: 'express',
    kind: 'peer',
    name: 'passport-jwt',
    script: 'express.mjs',
    config: { variant: 'passport-jwt' },
    path: '/me',
    credentials: 'peer-token',
    setup: 'passport 0.7 + passport-jwt 4 { fromAuthHeaderAsBearerToken, secretOrKey, algorithms: [HS256], issuer, audience }, session: false',
  },
);

/**
 * @typedef {object} StormScenario
 * @property {string} id
 * @property {string} name
 * @property {'gatehouse' | 'peer' | 'reference'} kind
 * @property {Record<string, unknown>} config
 * @property {string[]} [needs]
 * @property {string} path
 * @property {boolean} [quick]
 * @property {string} setup
 */

/**
 * Login storms: POST the bench user's email and password as fast as `stormConnections` allow,
 * while a second client asks GET /bare 100 times a second on the same server; the server
 * reports its own event-loop delay for the window.
 *
 * @param {{ kysely: boolean, honoAdapter: boolean }} available Whether @gatehouse-auth/kysely (SQLite, like
 *   better-auth; else the memory store) and @gatehouse-auth/hono (its router; else `auth.login` on a
 *   plain Hono route) are usable.
 * @returns {StormScenario[]}
 */
export function stormScenarios(available) {
  const store = available.kysely ? 'sqlite' : 'memory';
  const needs = available.kysely ? ['core', 'kysely'] : ['core'];
  return [
    available.honoAdapter
      ? {
          id: 'login/gatehouse',
          name: 'Gatehouse POST /auth/login',
          kind: 'gatehouse',
          config: { variant: 'gatehouse-login', gatehouse: { store } },
          needs: [...needs, 'hono'],
          path: '/auth/login',
          quick: true,
          setup: `@gatehouse-auth/hono router on Hono; argon2id m=19456 t=2 p=1 (default); ${available.kysely ? 'kyselyStore on better-sqlite3 (file, WAL)' : 'memory store (@gatehouse-auth/kysely not built)'}; rate limits off`,
        }
      : {
          id: 'login/gatehouse',
          name: 'Gatehouse auth.login',
          kind: 'gatehouse',
          config: { variant: 'core-login', gatehouse: { store } },
          needs,
          path: '/auth/login',
          quick: true,
          setup: `auth.login() called from a plain Hono route (@gatehouse-auth/hono not built yet); argon2id m=19456 t=2 p=1 (default); ${available.kysely ? 'kyselyStore on better-sqlite3 (file, WAL)' : 'memory store (@gatehouse-auth/kysely not built)'}; rate limits off`,
        },
    {
      id: 'login/better-auth-scrypt',
      name: 'better-auth sign-in/email',
      kind: 'peer',
      config: { variant: 'better-auth', betterAuth: { hasher: 'scrypt' } },
      path: '/api/auth/sign-in/email',
      quick: true,
      setup: 'better-auth 1.7 defaults: scrypt (node:crypto, N=16384 r=16 p=1); better-sqlite3 (file, WAL); rate limit off',
    },
    {
      id: 'login/better-auth-argon2',
      name: 'better-auth sign-in/email',
      kind: 'peer',
      config: { variant: 'better-auth', betterAuth: { hasher: 'argon2' } },
      path: '/api/auth/sign-in/email',
      setup: 'as above with emailAndPassword.password { hash, verify } from @node-rs/argon2 at m=19456 t=2 p=1',
    },
    {
      id: 'login/blocking-reference',
      name: 'reference: argon2 verifySync on the event loop',
      kind: 'reference',
      config: { variant: 'blocking-login' },
      path: '/auth/login',
      setup: 'Hono route calling @node-rs/argon2 verifySync (m=19456 t=2 p=1) on the event loop: what a blocked loop looks like on this machine',
    },
  ];
}

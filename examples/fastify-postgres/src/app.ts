import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createAuth, type Auth, type Mailer, type PasswordHasher } from '@gatehouse-auth/core';
import { gatehouse, requireAuth } from '@gatehouse-auth/fastify';
import { kyselyRateLimitStore, kyselyStore, migrateToLatest } from '@gatehouse-auth/kysely';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';

/** What {@link createApp} needs: a database and Gatehouse's settings. */
export interface AppOptions {
  /** A Kysely instance on PostgreSQL; Gatehouse migrates its tables into it at start. */
  db: Kysely<any>;
  /** HS256 secret of at least 32 bytes. */
  secret: string;
  /** Base URL of the app; emailed links are built from it. */
  appUrl: string;
  /** Where verification and reset emails go. */
  mailer: Mailer;
  /** Password hasher (default: Gatehouse's argon2id). Tests pass a cheap one. */
  hasher?: PasswordHasher;
  /** Fastify's logger (default off). */
  logger?: boolean;
}

/** The app and the Gatehouse instance it registered. */
export interface App {
  app: FastifyInstance;
  auth: Auth;
}

/**
 * A Fastify app on PostgreSQL with Gatehouse under `/auth`, a route of its own behind
 * `requireAuth(auth)`, and OpenAPI docs from @fastify/swagger: the JSON at `/docs/json`, the UI
 * at `/docs`.
 */
export async function createApp(options: AppOptions): Promise<App> {
  await migrateToLatest(options.db);
  const auth = createAuth({
    store: kyselyStore(options.db),
    rateLimitStore: kyselyRateLimitStore(options.db),
    mailer: options.mailer,
    secret: options.secret,
    appUrl: options.appUrl,
    ...(options.hasher ? { hasher: options.hasher } : {}),
  });

  const app = Fastify({ logger: options.logger ?? false });

  // @fastify/swagger collects the routes registered after it, Gatehouse's included: each of them
  // carries a JSON schema made from the same zod schemas that validate its requests.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'fastify-postgres example', version: '1.0.0' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(gatehouse, { auth, prefix: '/auth' });

  app.get(
    '/me',
    {
      preHandler: requireAuth(auth),
      schema: {
        summary: 'The signed-in user',
        tags: ['app'],
        security: [{ bearerAuth: [] }],
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, email: { type: 'string' }, emailVerified: { type: 'boolean' } },
            required: ['id', 'email', 'emailVerified'],
          },
        },
      },
    },
    async (request) => {
      // `requireAuth(auth)` ran first, so `request.auth` is the caller's identity.
      const user = await auth.getProfile({ userId: request.auth!.userId });
      return { id: user.id, email: user.email, emailVerified: user.emailVerified };
    },
  );

  return { app, auth };
}

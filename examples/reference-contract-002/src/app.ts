import { createAuth, type Auth, type Mailer, type PasswordHasher, type RateLimitStore, type Store } from '@gatehouse/core';
import { gatehouse } from '@gatehouse/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { contract002AuthConfig, contract002HttpOptions, type contract002Profile } from './contract-002.js';
import type { z } from 'zod';

/** What {@link createApp} needs. */
export interface AppOptions {
  store: Store;
  /** Shared counters for the rate limits (default: in-process memory). */
  rateLimitStore?: RateLimitStore;
  mailer: Mailer;
  /** `JWT_SECRET_KEY`: HS256 secret of at least 32 bytes. */
  secret: string;
  /** Public URL of this server: the emailed links start with it (reset: `<appUrl>/reset-password?token=…`). */
  appUrl: string;
  /** Where the contract's routes live (default `/v1/auth`, from the document's base URL). */
  basePath?: string;
  /** Origins allowed by CORS, with credentials (default: none, same-origin only). */
  corsOrigins?: readonly string[];
  /** `JWT_ACCESS_TOKEN_EXPIRES`, seconds. */
  accessTokenTtl?: number;
  /** `JWT_REFRESH_TOKEN_EXPIRES`, seconds. */
  refreshTokenTtl?: number;
  /** Password hasher (default: Gatehouse's argon2id). Tests pass a cheap one. */
  hasher?: PasswordHasher;
}

/** The app and the Gatehouse instance it mounted. */
export interface App {
  app: Express;
  auth: Auth<z.output<typeof contract002Profile>>;
}

/** "Allowed origins must be configured, credentials must be included": a small CORS allow-list. */
function cors(origins: readonly string[]) {
  const allowed = new Set(origins);
  return function corsAllowList(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      res.vary('Origin');
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
        res.setHeader('access-control-allow-headers', 'Authorization, Content-Type, Accept');
        res.setHeader('access-control-max-age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

/** An Express server that answers reference contract 002 under `basePath`. */
export function createApp(options: AppOptions): App {
  const basePath = options.basePath ?? '/v1/auth';
  const auth = createAuth({
    ...contract002AuthConfig({
      basePath,
      ...(options.accessTokenTtl === undefined ? {} : { accessTokenTtl: options.accessTokenTtl }),
      ...(options.refreshTokenTtl === undefined ? {} : { refreshTokenTtl: options.refreshTokenTtl }),
    }),
    store: options.store,
    ...(options.rateLimitStore ? { rateLimitStore: options.rateLimitStore } : {}),
    mailer: options.mailer,
    secret: options.secret,
    appUrl: options.appUrl,
    ...(options.hasher ? { hasher: options.hasher } : {}),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(cors(options.corsOrigins ?? []));
  app.use(basePath, gatehouse(auth, contract002HttpOptions));
  // Anything else: the contract's 404 body.
  app.use((_req, res) => {
    res.status(404).json({ status: 'error', message: 'Resource not found' });
  });
  return { app, auth };
}

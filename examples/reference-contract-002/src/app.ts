import type { Auth } from '@gatehouse-auth/core';
import { contract002 } from '@gatehouse-auth/core/contracts';
import { gatehouse } from '@gatehouse-auth/express';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** What {@link createApp} needs besides the Gatehouse instance. */
export interface AppOptions {
  /** Origins allowed by CORS, with credentials (default: none, same-origin only). */
  corsOrigins?: readonly string[];
}

/** "Allowed origins must be configured, credentials must be included": a small CORS allow-list. */
function cors(origins: readonly string[]): RequestHandler {
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

/**
 * An Express server that answers reference contract 002 at `/v1/auth`, for an `auth` made with
 * `createAuth({ ...contract002.auth, store, mailer, secret, appUrl })`.
 */
export function createApp<P>(auth: Auth<P, string | number>, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(cors(options.corsOrigins ?? []));
  // Every route of the document, by configuration: the preset's paths, fields and envelopes.
  app.use(contract002.basePath, gatehouse(auth, contract002.http));
  // Anything else: the document's 404 body.
  app.use((_req, res) => {
    res.status(404).json({ status: 'error', message: 'Resource not found' });
  });
  return app;
}

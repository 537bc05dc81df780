import type { Auth } from '@gatehouse-auth/core';
import { contract004 } from '@gatehouse-auth/core/contracts';
import { gatehouse } from '@gatehouse-auth/express';
import express, { type Express } from 'express';

/**
 * An Express server that answers reference contract 004 at `/auth/…/`, for an `auth` made with
 * `createAuth({ ...contract004.auth, store, mailer, secret, appUrl })`.
 */
export function createApp<P>(auth: Auth<P, string | number>): Express {
  const app = express();
  app.disable('x-powered-by');
  // Every route of the document, by configuration: the preset's paths, fields, statuses and bodies.
  app.use(contract004.basePath, gatehouse(auth, contract004.http));
  // Anything else: Django REST Framework's 404 body.
  app.use((_req, res) => {
    res.status(404).json({ detail: 'Not found.' });
  });
  return app;
}

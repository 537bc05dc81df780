// Test support, not part of the package (tsup builds only src/index.ts): how the HTTP suites
// (contract, attacks, fuzz) mount Gatehouse in Express, shared by every *.test.ts here.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Auth } from '@gatehouse-auth/core';
import type { HttpOptions } from '@gatehouse-auth/core/http';
import type { ContractMount, MountedApp } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { gatehouse, requireAuth } from '../index.js';

/** Express 4, from an npm alias; it has the same API (and typings) as Express 5 as far as we use it. */
export const express4 = (await import('express4' as string)).default as typeof express;

/** Options of {@link expressMount}. */
export interface ExpressMountOptions {
  /** Whether the app puts its own `express.json()` in front of the routes. */
  bodyParser: boolean;
}

/** A mount on a real server on 127.0.0.1: the routes under `basePath` (default `/auth`) and `GET /protected`, in an app made by `createApp` (Express 5 or 4). */
export function expressMount(createApp: typeof express, options: ExpressMountOptions): ContractMount {
  return async function mount(auth: Auth, httpOptions: HttpOptions, basePath = '/auth'): Promise<MountedApp> {
    const app = createApp();
    if (options.bodyParser) app.use(createApp.json({ limit: '1mb' }));
    app.use(basePath, gatehouse(auth, httpOptions));
    app.get('/protected', requireAuth(auth, httpOptions), (req, res) => {
      res.json({ userId: req.auth?.userId, sessionId: req.auth?.sessionId });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      fetch: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  };
}

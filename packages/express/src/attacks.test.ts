import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import { runHttpAttacks, type MountedApp } from '@gatehouse/core/http/testing';
import express from 'express';
import { gatehouse, requireAuth } from './index.js';

// Express 4 comes from an npm alias; it has the same API (and typings) as far as we use it.
const express4 = (await import('express4' as string)).default as typeof express;

// The mount of gatehouse.test.ts: a real server on 127.0.0.1, with or without the app's own JSON parser.
function mountWith(createApp: typeof express, options: { bodyParser: boolean }) {
  return async function mount(auth: Auth, httpOptions: HttpOptions): Promise<MountedApp> {
    const app = createApp();
    if (options.bodyParser) app.use(createApp.json({ limit: '1mb' }));
    app.use('/auth', gatehouse(auth, httpOptions));
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

runHttpAttacks({ name: 'express 5', mount: mountWith(express, { bodyParser: false }) });
runHttpAttacks({ name: 'express 5 after express.json()', mount: mountWith(express, { bodyParser: true }) });
runHttpAttacks({ name: 'express 4', mount: mountWith(express4, { bodyParser: false }) });
runHttpAttacks({ name: 'express 4 after express.json()', mount: mountWith(express4, { bodyParser: true }) });

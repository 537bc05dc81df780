// Answers to bodies still arriving (413, requireAuth's 401) on Express 5, with and without
// express.json() in front of the routes, and on Express 4, over a real socket.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runOversizedUploads } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { gatehouse, requireAuth } from './index.js';
import { express4 } from './test-support/mounts.js';

const mounts = [
  ['5', express, false],
  ['5', express, true],
  ['4', express4, false],
] as const;

for (const [version, createApp, bodyParser] of mounts) {
  runOversizedUploads({
    name: `express ${version}${bodyParser ? ' after express.json()' : ''}`,
    async listen(auth) {
      const app = createApp();
      if (bodyParser) app.use('/auth', createApp.json({ limit: '1mb' }));
      app.use('/auth', gatehouse(auth));
      app.post('/protected', requireAuth(auth), (req, res) => {
        res.json({ userId: req.auth?.userId });
      });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  });
}

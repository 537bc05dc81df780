// The fuzz suite over Express 5 and 4, with and without express.json() in front of the routes.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import { runHttpFuzz, type MountedApp } from '@gatehouse/core/http/testing';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { argon2Hasher, createAuth, memoryStore } from '@gatehouse/core';
import { gatehouse, requireAuth } from './index.js';

// Express 4 comes from an npm alias; it has the same API (and typings) as far as we use it.
const express4 = (await import('express4' as string)).default as typeof express;

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

runHttpFuzz({ name: 'express 5', mount: mountWith(express, { bodyParser: false }), runs: 75 });
runHttpFuzz({ name: 'express 5 after express.json()', mount: mountWith(express, { bodyParser: true }), runs: 75 });
runHttpFuzz({ name: 'express 4', mount: mountWith(express4, { bodyParser: false }), runs: 75 });
runHttpFuzz({ name: 'express 4 after express.json()', mount: mountWith(express4, { bodyParser: true }), runs: 75 });

describe('@gatehouse/express behind express.json()', () => {
  // express.json() inflates gzip, deflate and br bodies; a body that is not what its
  // Content-Encoding says fails with a zlib error (status 400, `code` Z_DATA_ERROR or a brotli
  // code, no body-parser `type`), which the router's error handler passes on to Express: the
  // client gets Express's HTML error page, with the stack trace outside production.
  for (const [name, createApp] of [['5', express], ['4', express4]] as const) {
    it(`answers a corrupt compressed body with the MALFORMED_BODY envelope on Express ${name}`, async () => {
      const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) }) as Auth;
      const app = await mountWith(createApp, { bodyParser: true })(auth, {});
      try {
        // Express 4's body-parser does not know br: that one is an unsupported encoding (415).
        for (const encoding of name === '5' ? ['gzip', 'deflate', 'br'] : ['gzip', 'deflate']) {
          const response = await app.fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: '{"email":"ada@example.com"}' });
          const text = await response.text();
          expect(text, encoding).not.toMatch(/\bat |node_modules|Error:/);
          expect({ status: response.status, body: JSON.parse(text) as unknown }, encoding).toEqual({ status: 400, body: { error: { code: 'MALFORMED_BODY', message: expect.any(String) } } });
        }
      } finally {
        await app.close?.();
      }
    });
  }
});

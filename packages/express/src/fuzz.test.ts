// The fuzz suite over Express 5 and 4, with and without express.json() in front of the routes.
import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse-auth/core';
import { runHttpFuzz } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { expressMount, express4 } from './test-support/mounts.js';

runHttpFuzz({ name: 'express 5', mount: expressMount(express, { bodyParser: false }), runs: 75 });
runHttpFuzz({ name: 'express 5 after express.json()', mount: expressMount(express, { bodyParser: true }), runs: 75 });
runHttpFuzz({ name: 'express 4', mount: expressMount(express4, { bodyParser: false }), runs: 75 });
runHttpFuzz({ name: 'express 4 after express.json()', mount: expressMount(express4, { bodyParser: true }), runs: 75 });

describe('@gatehouse-auth/express behind express.json()', () => {
  // express.json() inflates gzip, deflate and br bodies; a body that is not what its
  // Content-Encoding says fails with a zlib error (status 400, `code` Z_DATA_ERROR or a brotli
  // code, no body-parser `type`), which the router's error handler passes on to Express: the
  // client gets Express's HTML error page, with the stack trace outside production.
  for (const [name, createApp] of [['5', express], ['4', express4]] as const) {
    it(`answers a corrupt compressed body with the MALFORMED_BODY envelope on Express ${name}`, async () => {
      const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) }) as Auth;
      const app = await expressMount(createApp, { bodyParser: true })(auth, {});
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

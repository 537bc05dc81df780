// The fuzz suite over the Fastify plugin, in process with inject().
import { argon2Hasher, createAuth, memoryStore } from '@gatehouse-auth/core';
import { runHttpFuzz } from '@gatehouse-auth/core/http/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse } from './index.js';
import { injectMount } from './test-support/mounts.js';

// Malformed percent-encodings are left out here: Fastify's router answers them itself (see below).
runHttpFuzz({ name: 'fastify', mount: injectMount, runs: 200, malformedPercentEncoding: false });

describe('@gatehouse-auth/fastify: inputs the fuzz suite leaves out', () => {
  // Fastify's router refuses a malformed percent-encoding (`%zz`) before any route, hook or
  // error handler of the plugin runs, and answers in its own format
  // (`{ error, code: 'FST_ERR_BAD_URL', message, statusCode }`). Only the app can change that, with
  // Fastify's `frameworkErrors` option. Marked `fails` while the plugin offers no way to do it.
  it.fails('KNOWN GAP: a malformed percent-encoding below the prefix gets the error envelope', async () => {
    const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) });
    const app = Fastify();
    await app.register(gatehouse, { auth, prefix: '/auth' });
    await app.ready();
    const response = await app.inject({ method: 'GET', url: '/auth/sessions/%zz' });
    await app.close();
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});

// The fuzz suite over the Fastify plugin, in process with inject().
import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import { runHttpFuzz, type MountedApp } from '@gatehouse/core/http/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse } from './index.js';

async function mount(auth: Auth, options: HttpOptions): Promise<MountedApp> {
  const app = Fastify();
  await app.register(gatehouse, { auth, prefix: '/auth', ...options });
  app.get('/protected', { preHandler: app.authenticate }, async (request) => ({ userId: request.auth?.userId, sessionId: request.auth?.sessionId }));
  await app.ready();
  return {
    async fetch(path, init = {}) {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(init.body as Uint8Array);
      const response = await app.inject({
        method: (init.method ?? 'GET') as 'GET',
        url: path,
        headers,
        remoteAddress: '127.0.0.1',
        ...(body === undefined ? {} : { payload: body }),
      });
      const out = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) out.append(name, String(item));
      }
      const empty = response.statusCode === 204 || response.statusCode === 304 || response.body === '';
      return new Response(empty ? null : response.body, { status: response.statusCode, headers: out });
    },
    close: () => app.close(),
  };
}

// Malformed percent-encodings are left out here: Fastify's router answers them itself (see below).
runHttpFuzz({ name: 'fastify', mount, runs: 200, malformedPercentEncoding: false });

describe('@gatehouse/fastify: inputs the fuzz suite leaves out', () => {
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

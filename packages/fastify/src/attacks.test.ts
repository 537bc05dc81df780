import type { Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import { runHttpAttacks, type MountedApp } from '@gatehouse/core/http/testing';
import Fastify from 'fastify';
import { gatehouse } from './index.js';

// The mount of gatehouse.test.ts: Fastify's inject(), from 127.0.0.1.
async function mount(auth: Auth, options: HttpOptions): Promise<MountedApp> {
  const app = Fastify();
  await app.register(gatehouse, { auth, prefix: '/auth', ...options });
  app.get('/protected', { preHandler: app.authenticate }, async (request) => ({ userId: request.auth?.userId, sessionId: request.auth?.sessionId }));
  await app.ready();
  return {
    async fetch(path, init = {}) {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const response = await app.inject({
        method: (init.method ?? 'GET') as 'GET',
        url: path,
        headers,
        remoteAddress: '127.0.0.1',
        ...(init.body === undefined || init.body === null ? {} : { payload: init.body as string }),
      });
      const out = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) out.append(name, String(item));
      }
      return new Response(response.statusCode === 204 || response.statusCode === 303 || response.body === '' ? null : response.body, { status: response.statusCode, headers: out });
    },
    close: () => app.close(),
  };
}

runHttpAttacks({ name: 'fastify', mount });

// Test support, not part of the package (tsup builds only src/index.ts): how the HTTP suites
// (contract, attacks, fuzz) mount Gatehouse in Fastify, shared by every *.test.ts here.
import type { Auth } from '@gatehouse-auth/core';
import type { HttpOptions } from '@gatehouse-auth/core/http';
import type { MountedApp } from '@gatehouse-auth/core/http/testing';
import Fastify from 'fastify';
import { gatehouse, requireAuth } from '../index.js';

/** An in-process mount over Fastify's inject(), from 127.0.0.1: the plugin under `basePath` (default `/auth`) and `GET /protected` behind `requireAuth(auth, options)`. */
export async function injectMount(auth: Auth, options: HttpOptions, basePath = '/auth'): Promise<MountedApp> {
  const app = Fastify();
  await app.register(gatehouse, { auth, prefix: basePath, ...options });
  app.get('/protected', { preHandler: requireAuth(auth, options) }, async (request) => ({ userId: request.auth?.userId, sessionId: request.auth?.sessionId }));
  await app.ready();
  return {
    async fetch(path, init = {}) {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      // The suites send strings; the fuzz suite also sends raw bytes.
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
      // A Response cannot carry a body, even an empty one, on 204 and 304.
      const empty = response.statusCode === 204 || response.statusCode === 304 || response.body === '';
      return new Response(empty ? null : response.body, { status: response.statusCode, headers: out });
    },
    close: () => app.close(),
  };
}

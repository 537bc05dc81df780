// Answers to bodies still arriving (413, requireAuth's 401) on Fastify, over a real socket:
// Fastify's own body limit on the plugin's routes, and requireAuth as an onRequest hook (before
// Fastify reads the body).
import type { AddressInfo } from 'node:net';
import { runOversizedUploads } from '@gatehouse-auth/core/http/testing';
import Fastify from 'fastify';
import { gatehouse, requireAuth } from './index.js';

runOversizedUploads({
  name: 'fastify',
  async listen(auth) {
    const app = Fastify();
    await app.register(gatehouse, { auth, prefix: '/auth' });
    app.post('/protected', { onRequest: requireAuth(auth) }, async (request) => ({ userId: request.auth?.userId }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  },
});

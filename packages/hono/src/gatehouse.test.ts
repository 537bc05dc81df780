import { argon2Hasher, createAuth, memoryStore } from '@gatehouse-auth/core';
import { runHttpContract } from '@gatehouse-auth/core/http/testing';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { gatehouse } from './index.js';
import { nodeBindings, nodeServerMount, requestMount } from './test-support/mounts.js';

runHttpContract({ name: 'hono (app.request)', mount: requestMount });
runHttpContract({ name: 'hono on @hono/node-server', mount: nodeServerMount });

describe('@gatehouse-auth/hono', () => {
  it('works below a mount path with parameters', async () => {
    const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }), emailVerification: { requiredForLogin: false } });
    const root = new Hono();
    root.route('/tenants/:tenant/auth', gatehouse(auth));
    const response = await root.request('/tenants/acme/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9' }),
    }, nodeBindings);
    expect(response.status).toBe(201);
    const document = (await (await root.request('/tenants/acme/auth/openapi.json')).json()) as { servers: { url: string }[] };
    expect(document.servers).toEqual([{ url: '/tenants/acme/auth' }]);
  });

  it('refuses the auth routes with 503 CLIENT_ADDRESS_UNKNOWN where it cannot learn the client address', async () => {
    const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), logger: { warn() {}, error() {} } });
    const root = new Hono();
    root.route('/auth', gatehouse(auth));
    const response = await root.request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9' }) });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CLIENT_ADDRESS_UNKNOWN');
  });

  it('uses clientAddress on runtimes other than Node', async () => {
    const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }), emailVerification: { requiredForLogin: false } });
    const root = new Hono();
    root.route('/auth', gatehouse(auth, { clientAddress: () => '198.51.100.4' }));
    const registered = (await (
      await root.request('/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9' }) })
    ).json()) as { data: { tokens: { accessToken: string } } };
    const sessions = (await (await root.request('/auth/sessions', { headers: { authorization: `Bearer ${registered.data.tokens.accessToken}` } })).json()) as { data: { sessions: { ip: string }[] } };
    expect(sessions.data.sessions[0]?.ip).toBe('198.51.100.4');
  });
});

// Internal to runHttpContract: the public documents (JWKS, OpenAPI) and the options that shape
// the routes (paths, casing, field aliases, trailing slashes, required headers).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../suite-app.js';
import { body, type ContractSetup } from './harness.js';

/** Registers the contract of the public documents and the path options for one adapter. */
export function pathsAndDocumentsContract(setup: ContractSetup): void {
  describe('public documents', () => {
    it('GET /.well-known/jwks.json is 404 with an HS256 secret and serves the public keys with a key set', async () => {
      const hs = await setup();
      expect((await hs.call('GET', '/auth/.well-known/jwks.json')).status).toBe(404);
      const { privateKey } = generateKeyPairSync('ed25519');
      const t = await setup({}, { secret: undefined, keys: [{ kid: 'k1', privateKey }] });
      const response = await t.call('GET', '/auth/.well-known/jwks.json');
      expect(response.status).toBe(200);
      const jwks = await body(response);
      expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'k1', kty: 'OKP', crv: 'Ed25519' })]);
      expect(jwks.keys[0]).not.toHaveProperty('d');
    });

    it('GET /openapi.json describes every route, at the paths served', async () => {
      const t = await setup({ paths: { getProfile: '/me' } });
      const response = await t.call('GET', '/auth/openapi.json');
      expect(response.status).toBe(200);
      const document = await body(response);
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/register', '/login', '/token/refresh', '/me', '/profile', '/sessions/{id}', '/verify-email/{token}']));
      expect(document.paths['/me'].get.operationId).toBe('getProfile');
    });
  });

  describe('paths and options', () => {
    it('tolerates trailing slashes', async () => {
      const t = await setup();
      const registered = await t.call('POST', '/auth/register/', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(registered.status).toBe(201);
      const login = await t.call('POST', '/auth/login/', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(login.status).toBe(200);
      const { data } = await body(login);
      expect((await t.call('GET', '/auth/profile/', { token: data.tokens.accessToken })).status).toBe(200);
    });

    it('applies paths, casing and field aliases', async () => {
      const t = await setup({ casing: 'snake', paths: { getProfile: '/me', refresh: '/refresh' }, routes: { refresh: { fields: { refreshToken: 'refresh' } } } });
      await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD, first_name: 'Ada' } });
      const login = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
      expect(login.data.tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      const me = await body(await t.call('GET', '/auth/me', { token: login.data.tokens.access_token }));
      expect(me.data.user).toMatchObject({ first_name: 'Ada', email_verified: false });
      expect((await t.call('GET', '/auth/profile', { token: login.data.tokens.access_token })).status).toBe(405);
      const refreshed = await t.call('POST', '/auth/refresh', { body: { refresh: login.data.tokens.refresh_token } });
      expect(refreshed.status).toBe(200);
      const missing = await body(await t.call('POST', '/auth/refresh', { body: {} }));
      expect(missing.error.fields[0].field).toBe('refresh');
    });

    it('requires the configured headers', async () => {
      const t = await setup({ requiredHeaders: { 'api-token': 'app-token-1', channel: ['web', 'ios'] } });
      const missing = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
      expect(missing.status).toBe(400);
      expect((await body(missing)).error.fields.map((issue: { field: string }) => issue.field)).toEqual(['api-token', 'channel']);
      const ok = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD }, headers: { 'Api-Token': 'app-token-1', channel: 'web' } });
      expect(ok.status).toBe(201);
      expect((await t.call('GET', '/auth/openapi.json')).status).toBe(200);
      for (const wrong of ['app-token-', 'app-token-12', 'APP-TOKEN-1', '']) {
        const refused = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers: { 'Api-Token': wrong, channel: 'web' } });
        expect(refused.status).toBe(400);
        expect((await body(refused)).error.fields.map((issue: { field: string }) => issue.field)).toEqual(['api-token']);
      }
    });

    it('warns once, saying what to set, when the default emailed links would miss the router (mounted elsewhere)', async () => {
      const elsewhere = await setup({}, {}, '/api/auth');
      expect((await elsewhere.call('POST', '/api/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(201);
      await elsewhere.call('GET', '/api/auth/openapi.json');
      expect(elsewhere.warnings).toEqual([
        expect.stringContaining("Set emailVerification.linkPath: '/api/auth/verify-email' and emailChange.linkPath: '/api/auth/confirm-email-change' in createAuth"),
      ]);
      const home = await setup();
      await home.call('GET', '/auth/openapi.json');
      expect(home.warnings).toEqual([]);
      const chosen = await setup({}, { emailVerification: { linkPath: '/verify' }, emailChange: { linkPath: '/confirm-email' } }, '/api/auth');
      await chosen.call('GET', '/api/auth/openapi.json');
      expect(chosen.warnings).toEqual([]);
    });

    it('hands the request headers to the request and response mappers', async () => {
      const t = await setup({
        requiredHeaders: { channel: ['web', 'ios'] },
        routes: { register: { response: (data, { header }) => ({ id: data.user.id, channel: header('Channel') ?? null }) } },
      });
      const registered = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD }, headers: { channel: 'ios' } });
      expect((await body(registered)).data).toEqual({ id: expect.anything(), channel: 'ios' });
    });
  });
}

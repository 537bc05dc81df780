import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAuth } from '../create-auth.js';
import { memoryStore } from '../memory/memory-store.js';
import { createHttpHandler } from './handler.js';
import { DEFAULT_PATHS, type HttpOptions, type RouteId } from './options.js';

function handler(options: HttpOptions = {}, profile?: z.ZodObject) {
  const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', ...(profile ? { profile } : {}) });
  return createHttpHandler(auth, options);
}

async function validate(document: Record<string, unknown>): Promise<void> {
  const result = await new Validator().validate(document);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
}

function operations(document: Record<string, any>): { path: string; method: string; operationId: string }[] {
  return Object.entries(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operationId: operation.operationId })),
  );
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document with the default options', async () => {
    const document = handler().openapi('/auth');
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/auth' }]);
    await validate(document);
  });

  it('describes every route the handler serves, at its method and path, and nothing else', () => {
    const http = handler();
    const served = http.routes.map((route) => ({ path: route.path.replace(/:([^/]+)/g, '{$1}'), method: route.method, operationId: route.id }));
    expect(operations(http.openapi()).sort((a, b) => a.operationId.localeCompare(b.operationId))).toEqual(served.sort((a, b) => a.operationId.localeCompare(b.operationId)));
    expect(new Set(served.map((route) => route.operationId))).toEqual(new Set(Object.keys(DEFAULT_PATHS) as RouteId[]));
  });

  it('follows paths, methods, casing, aliases, confirmation fields and required headers', async () => {
    const http = handler({
      casing: 'snake',
      passwordConfirmation: true,
      paths: { getProfile: '/me', changePassword: 'PATCH /change-password', replaceProfile: false },
      routes: { refresh: { fields: { refreshToken: 'refresh' } } },
      requiredHeaders: { 'api-token': 'x' },
    });
    const document = http.openapi() as Record<string, any>;
    await validate(document);
    expect(document.paths['/me'].get.operationId).toBe('getProfile');
    expect(document.paths['/profile'].put).toBeUndefined();
    expect(document.paths['/change-password'].patch.requestBody.content['application/json'].schema.required).toEqual(['current_password', 'new_password', 'new_password_confirmation']);
    expect(Object.keys(document.paths['/token/refresh'].post.requestBody.content['application/json'].schema.properties)).toEqual(['refresh']);
    expect(document.paths['/register'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('first_name');
    const login = document.paths['/login'].post;
    expect(login.parameters).toEqual([{ name: 'api-token', in: 'header', required: true, schema: { type: 'string' } }]);
    expect(login.responses['200'].content['application/json'].schema.properties.data.properties.tokens.properties).toHaveProperty('access_token');
  });

  it('carries the app’s profile fields in the user schema and the register body', async () => {
    const http = handler({}, z.object({ nickname: z.string().min(2).max(20), age: z.number().int().optional() }));
    const document = http.openapi() as Record<string, any>;
    await validate(document);
    const register = document.paths['/register'].post.requestBody.content['application/json'].schema;
    expect(register.required).toEqual(['email', 'password', 'nickname']);
    const user = document.paths['/profile'].get.responses['200'].content['application/json'].schema.properties.data.properties.user;
    expect(Object.keys(user.properties)).toEqual(expect.arrayContaining(['id', 'email', 'nickname', 'age', 'createdAt']));
    expect(user.properties).not.toHaveProperty('passwordHash');
  });
});

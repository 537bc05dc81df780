// A value of a unique profile field (`uniqueProfileFields`) that another account holds, as the
// HTTP contract answers it: VALIDATION_FAILED with a field issue on the field, as the client
// spells it.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuthConfig } from '../config.js';
import { createAuth } from '../create-auth.js';
import { fakeClock } from '../memory/fake-clock.js';
import { memoryStore } from '../memory/memory-store.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import type { ProfileSchema } from '../profile.js';
import { PASSWORD, TEST_SECRET } from '../test-support/auth-fixtures.js';
import { createFetchHandler } from './fetch-handler.js';
import type { HttpOptions } from './options.js';

interface Answer {
  status: number;
  json: any;
}

function app(config: Partial<AuthConfig<ProfileSchema>>, options: HttpOptions = {}): (method: string, path: string, body: unknown, token?: string) => Promise<Answer> {
  const auth = createAuth({
    store: memoryStore(),
    secret: TEST_SECRET,
    clock: fakeClock(Date.UTC(2026, 0, 1)),
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    emailVerification: { requiredForLogin: false },
    rateLimits: false,
    ...config,
  } as AuthConfig);
  const handler = createFetchHandler(auth, { ...options, basePath: '/auth' });
  return async (method, path, body, token) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await handler(new Request(`https://api.example.com/auth${path}`, { method, headers, body: JSON.stringify(body) }), { ip: '192.0.2.1' });
    return { status: response.status, json: await response.json() };
  };
}

describe('unique profile fields over HTTP', () => {
  it('answers a taken username on register with 422 VALIDATION_FAILED and a "taken" issue on username; no account is made', async () => {
    const send = app({ uniqueProfileFields: ['username'] });
    expect((await send('POST', '/register', { email: 'ada@example.com', password: PASSWORD, username: 'Ada' })).status).toBe(201);
    const again = await send('POST', '/register', { email: 'eve@example.com', password: PASSWORD, username: ' ADA ' });
    expect(again).toEqual({
      status: 422,
      json: { error: { code: 'VALIDATION_FAILED', message: 'The request is invalid.', fields: [{ field: 'username', code: 'taken', message: 'This value is already taken.' }] } },
    });
    expect((await send('POST', '/login', { email: 'eve@example.com', password: PASSWORD })).status).toBe(401);
  });

  it('answers a taken username on a profile update the same way, and keeps the profile', async () => {
    const send = app({ uniqueProfileFields: ['username'] });
    await send('POST', '/register', { email: 'ada@example.com', password: PASSWORD, username: 'ada' });
    const bob = await send('POST', '/register', { email: 'bob@example.com', password: PASSWORD, username: 'bob' });
    const token: string = bob.json.data.tokens.accessToken;
    const patch = await send('PATCH', '/profile', { username: 'ADA', firstName: 'Robert' }, token);
    expect(patch.status).toBe(422);
    expect(patch.json.error.fields).toEqual([{ field: 'username', code: 'taken', message: 'This value is already taken.' }]);
    const user = (await send('GET', '/profile', undefined, token)).json.data.user;
    expect(user.username).toBe('bob');
    expect(user).not.toHaveProperty('firstName');
  });

  it('spells the field as the client does: snake_case with casing "snake"', async () => {
    const profile = z.object({ displayName: z.string().min(1).max(50) });
    const send = app({ profile, uniqueProfileFields: ['displayName'] }, { casing: 'snake' });
    expect((await send('POST', '/register', { email: 'ada@example.com', password: PASSWORD, display_name: 'Ada' })).status).toBe(201);
    const again = await send('POST', '/register', { email: 'eve@example.com', password: PASSWORD, display_name: 'ada' });
    expect(again.status).toBe(422);
    expect(again.json.error.fields).toEqual([{ field: 'display_name', code: 'taken', message: 'This value is already taken.' }]);
  });

  it('fits a DRF-style contract (reference contract 004): 400 with { username: [message], detail }', async () => {
    const options: HttpOptions = {
      casing: 'snake',
      statuses: { VALIDATION_FAILED: 400 },
      formatError: (error) => {
        const byField: Record<string, string[]> = {};
        for (const issue of error.fields ?? []) (byField[issue.field] ??= []).push(issue.message);
        return { ...byField, detail: error.message };
      },
    };
    const send = app({ uniqueProfileFields: ['username'], emailVerification: { method: 'code', requiredForLogin: true } }, options);
    expect((await send('POST', '/register', { email: 'ada@example.com', password: PASSWORD, username: 'ada' })).status).toBe(201);
    // Taken username, whether the email is new or Ada's own: the same answer.
    for (const email of ['eve@example.com', 'ada@example.com']) {
      expect(await send('POST', '/register', { email, password: PASSWORD, username: 'Ada' })).toEqual({
        status: 400,
        json: { username: ['This value is already taken.'], detail: 'The request is invalid.' },
      });
    }
  });
});

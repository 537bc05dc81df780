import { describe, expect, it } from 'vitest';
import { testAuth } from '../test-support/auth-fixtures.js';
import { createFetchHandler } from './fetch-handler.js';

// JSON text with the escape \ud800 written out: JSON.parse turns it into a lone surrogate.
const BODY_WITH_LONE_SURROGATE = '{"email":"ada@example.com","password":"Correct-Horse-42\\ud800"}';

function setup(): (path: string, body: string) => Promise<Response> {
  const { auth } = testAuth({ emailVerification: { requiredForLogin: false } });
  const handle = createFetchHandler(auth, { basePath: '/auth' });
  return (path, body) =>
    handle(new Request(`http://127.0.0.1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), { ip: '192.0.2.1' });
}

describe('fetch handler: a password with a lone surrogate (bug: it collapsed to U+FFFD in the hasher)', () => {
  it('the test body really carries a lone surrogate once parsed', () => {
    const password = (JSON.parse(BODY_WITH_LONE_SURROGATE) as { password: string }).password;
    expect(password.endsWith('\ud800')).toBe(true);
    expect(/\p{Surrogate}/u.test(password)).toBe(true);
  });

  it.each(['/auth/register', '/auth/login'])('POST %s answers 422 VALIDATION_FAILED with the password field', async (path) => {
    const post = setup();
    const response = await post(path, BODY_WITH_LONE_SURROGATE);
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { code: string; fields: Array<{ field: string; code: string; message: string }> } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields[0]).toEqual({ field: 'password', code: 'invalid_unicode', message: expect.stringMatching(/Unicode/) });
  });

  it('a well-formed password still registers and logs in', async () => {
    const post = setup();
    const body = '{"email":"ada@example.com","password":"Correct-Horse-42-\\ud83d\\udd12"}';
    expect((await post('/auth/register', body)).status).toBe(201);
    expect((await post('/auth/login', body)).status).toBe(200);
  });
});

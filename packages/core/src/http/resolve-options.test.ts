import { describe, expect, it } from 'vitest';
import { createAuth } from '../create-auth.js';
import { memoryStore } from '../memory/memory-store.js';
import { createHttpHandler } from './handler.js';
import type { HttpOptions } from './options.js';

const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com' });
const noAppUrl = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x') });

describe('HTTP options are checked at creation', () => {
  const cases: [string, HttpOptions, RegExp][] = [
    ['an unknown route in paths', { paths: { nope: '/x' } as HttpOptions['paths'] }, /paths\.nope: not a route/],
    ['a relative path', { paths: { login: 'login' } }, /paths\.login: must be a path/],
    ['an unknown method', { paths: { login: 'FETCH /login' } }, /paths\.login/],
    ['two routes on one method and path', { paths: { login: '/register' } }, /login and register both answer POST \/register|register and login/],
    ['an unknown casing', { casing: 'kebab' as 'camel' }, /casing/],
    ['a tiny body limit', { bodyLimit: 10 }, /bodyLimit/],
    ['a bad trusted proxy', { trustProxy: ['loopback'] }, /trustProxy: "loopback"/],
    ['a cookie name without __Host-', { refreshCookie: { name: 'refresh' } }, /refreshCookie\.name/],
    ['an origin with a path', { refreshCookie: { allowedOrigins: ['https://app.example.com/app'] } }, /allowedOrigins/],
    ['a redirect to another origin', { linkRedirect: { success: 'https://evil.example/' } }, /linkRedirect\.success/],
    ['a status that is not an error', { statuses: { VALIDATION_FAILED: 200 } }, /statuses\.VALIDATION_FAILED/],
    ['a mapper that is not a function', { routes: { login: { response: 'x' as never } } }, /routes\.login\.response/],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(() => createHttpHandler(auth, options)).toThrow(TypeError);
      expect(() => createHttpHandler(auth, options)).toThrow(message);
    });
  }

  it('needs allowed origins for cookies when there is no appUrl', () => {
    expect(() => createHttpHandler(noAppUrl, { refreshCookie: true })).toThrow(/allowedOrigins.*appUrl/);
    expect(() => createHttpHandler(noAppUrl, { refreshCookie: { allowedOrigins: ['https://app.example.com'] } })).not.toThrow();
  });

  it('moves the link and PUT routes with their parents unless told otherwise', () => {
    const http = createHttpHandler(auth, { paths: { verifyEmail: '/verify', updateProfile: '/me' } });
    const path = (id: string) => http.routes.find((route) => route.id === id)?.path;
    expect(path('verifyEmailLink')).toBe('/verify/:token');
    expect(path('replaceProfile')).toBe('/me');
    expect(path('getProfile')).toBe('/profile');
  });
});

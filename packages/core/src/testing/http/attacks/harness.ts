// Internal to runHttpAttacks: the app every attack file drives, with a client that registers
// and logs in over HTTP, and the assertion every refused bearer token must pass.
import { expect } from 'vitest';
import type { AuthConfig } from '../../../config.js';
import type { HttpOptions } from '../../../http/options.js';
import { PASSWORD, mountSuiteApp, type ContractMount, type SuiteApp } from '../suite-app.js';
import { payloadOf } from './forge.js';

export const ACCESS_TTL_MS = 15 * 60_000;
export const GRACE_MS = 10_000;

export type Json = Record<string, any>;

/** A logged-in session as a client holds it, with the ids read from the access token. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
  sessionId: string;
}

export interface Harness extends SuiteApp {
  /** Registers `email` over HTTP (201 expected) and returns the user id. */
  register(email?: string, password?: string): Promise<string>;
  /** Logs in over HTTP (200 expected). */
  signIn(email?: string, password?: string): Promise<Session>;
  /** Registers, then logs in. */
  login(email?: string): Promise<Session>;
}

/** Mounts a fresh app for one test: what every attack file is given. */
export type AttackSetup = (options?: HttpOptions, config?: Partial<AuthConfig<any>>) => Promise<Harness>;

export async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

/** The setup of one adapter's attacks: a fresh app over `mount`, closed when the test ends. */
export function attackSetup(mount: ContractMount): AttackSetup {
  return async function setup(options: HttpOptions = {}, config: Partial<AuthConfig<any>> = {}): Promise<Harness> {
    const { auth, clock, mailer, errors, warnings, call } = await mountSuiteApp(mount, options, config);
    const register: Harness['register'] = async (email = 'ada@example.com', password = PASSWORD) => {
      const response = await call('POST', '/auth/register', { body: { email, password } });
      expect(response.status).toBe(201);
      return (await json(response)).data.user.id as string;
    };
    const signIn: Harness['signIn'] = async (email = 'ada@example.com', password = PASSWORD) => {
      const response = await call('POST', '/auth/login', { body: { email, password } });
      expect(response.status).toBe(200);
      const { accessToken, refreshToken } = (await json(response)).data.tokens as { accessToken: string; refreshToken: string };
      const claims = payloadOf(accessToken);
      return { accessToken, refreshToken, userId: claims.sub as string, sessionId: claims.sid as string };
    };
    const login: Harness['login'] = async (email = 'ada@example.com') => {
      await register(email);
      return signIn(email);
    };
    return { auth, clock, mailer, errors, warnings, call, register, signIn, login };
  };
}

/** The status `GET /protected` answers `token` with. */
export async function status(t: Harness, token: string): Promise<number> {
  return (await t.call('GET', '/protected', { token })).status;
}

/**
 * Asserts what every refused bearer token must get: 401, an RFC 6750 `WWW-Authenticate: Bearer`
 * challenge, and the error envelope with nothing else in it.
 */
export async function expectRefused(response: Response, label: string, codes: readonly string[] = ['TOKEN_INVALID']): Promise<void> {
  expect(response.status, label).toBe(401);
  expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer(?:$| )/);
  const body = await json(response);
  expect(body, label).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(codes, `${label}: ${body.error.code}`).toContain(body.error.code);
}

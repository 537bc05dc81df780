// Internal to the suites of @gatehouse-auth/core/http/testing: one Gatehouse over memory ports and
// a fake clock, mounted by an adapter, with a small client for it.
import { onTestFinished } from 'vitest';
import type { AuthConfig } from '../../config.js';
import { createAuth, type Auth } from '../../create-auth.js';
import type { HttpOptions } from '../../http/options.js';
import { fakeClock, type FakeClock } from '../../memory/fake-clock.js';
import { memoryMailer, type MemoryMailer } from '../../memory/memory-mailer.js';
import { memoryStore } from '../../memory/memory-store.js';
import { argon2Hasher } from '../../password/argon2-hasher.js';
import type { Logger } from '../../ports/logger.js';

/** What a mounted app gives the suite: a `fetch` for paths on it, and a way to stop it. */
export interface MountedApp {
  /** Sends a request to the app; `path` starts with `/`, e.g. `/auth/login`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Frees what the mount holds (a listening server); called after each test. */
  close?(): Promise<void> | void;
}

/**
 * Mounts Gatehouse in a fresh app of the adapter's framework: the routes under `basePath`
 * (default `/auth`) with `options`, and `GET /protected` behind the adapter's
 * `requireAuth(auth, options)` answering `{ userId, sessionId }` from the identity. Requests must
 * reach the app from the loopback address 127.0.0.1 (the suite checks client-address resolution
 * against it).
 */
export type ContractMount = (auth: Auth, options: HttpOptions, basePath?: string) => MountedApp | Promise<MountedApp>;

export const SECRET = 'test-secret-'.padEnd(32, 'x');
export const APP_URL = 'https://app.example.com';
export const PASSWORD = 'Correct-Horse-9';
export const START = Date.UTC(2026, 0, 1, 12);

/** What one request of a suite sends. */
export interface CallInit {
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  token?: string;
}

/** A mounted Gatehouse, its ports, and a client for it. */
export interface SuiteApp {
  auth: Auth;
  clock: FakeClock;
  mailer: MemoryMailer;
  /** Errors the logger received: a suite checks that unexpected ones reached it. */
  errors: unknown[];
  /** Warnings the logger received, as messages. */
  warnings: string[];
  call(method: string, path: string, init?: CallInit): Promise<Response>;
}

/** Waits for the app's background work: the emails that flows send after answering. */
export function settle(app: Pick<SuiteApp, 'auth'>): Promise<void> {
  return app.auth.settled();
}

/** The http(s) URLs in a text, HTML entities for `&` undone. */
export function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((match) => match[0].replace(/&amp;/g, '&'));
}

/** The token in the first link of the newest message to `to` (query `token`, or the last path segment), once background work is done. */
export async function mailedToken(app: Pick<SuiteApp, 'auth' | 'mailer'>, to: string): Promise<string> {
  await settle(app);
  const link = urlsIn(app.mailer.lastTo(to)?.text ?? '')[0];
  if (!link) throw new Error(`no link mailed to ${to}`);
  const url = new URL(link);
  return url.searchParams.get('token') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
}

/** The 6-character code standing alone on a line of the newest message to `to`, once background work is done. */
export async function mailedCode(app: Pick<SuiteApp, 'auth' | 'mailer'>, to: string): Promise<string> {
  await settle(app);
  const code = /^[A-Z0-9]{6}$/m.exec(app.mailer.lastTo(to)?.text ?? '')?.[0];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
}

/** Mounts a fresh Gatehouse (cheap hashing, verification not required) at `mountPath` (default `/auth`) and closes it when the test ends. */
export async function mountSuiteApp(mount: ContractMount, options: HttpOptions = {}, config: Partial<AuthConfig<any>> = {}, mountPath?: string): Promise<SuiteApp> {
  const clock = fakeClock(START);
  const mailer = memoryMailer({ now: () => clock.now() });
  const errors: unknown[] = [];
  const warnings: string[] = [];
  const logger: Logger = { warn: (message) => void warnings.push(message), error: (_message, details) => void errors.push(details?.error) };
  const auth = createAuth({
    store: memoryStore(),
    mailer,
    secret: SECRET,
    appUrl: APP_URL,
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    clock,
    logger,
    emailVerification: { requiredForLogin: false },
    ...config,
  } as AuthConfig) as Auth;
  const app = await mount(auth, options, mountPath);
  onTestFinished(async () => {
    await app.close?.();
  });
  const call: SuiteApp['call'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    let payload: string | undefined = init.raw;
    if (init.body !== undefined) payload = JSON.stringify(init.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    return app.fetch(path, { method, headers, redirect: 'manual', ...(payload === undefined ? {} : { body: payload }) });
  };
  return { auth, clock, mailer, errors, warnings, call };
}

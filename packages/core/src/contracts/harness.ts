// Test-only helpers for the presets' own tests: a preset's auth object over memory adapters, a
// fake clock and a fast hasher, and the Fetch handler mounted at the preset's base path. (The
// client scripts written from the documents, with nothing but the preset, are the
// `runReferenceContracts` kit in testing/http.)
import type { AuthConfig } from '../config.js';
import { createAuth, type Auth } from '../create-auth.js';
import { fakeClock, type FakeClock } from '../memory/fake-clock.js';
import { memoryMailer, type MemoryMailer } from '../memory/memory-mailer.js';
import { memoryStore } from '../memory/memory-store.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import { createFetchHandler } from '../http/fetch-handler.js';
import type { HttpOptions } from '../http/options.js';
import type { ContractPreset } from './preset.js';

export interface ContractApp {
  auth: Auth;
  clock: FakeClock;
  mailer: MemoryMailer;
  /** Sends JSON (or nothing) and returns the status, headers and parsed JSON body. */
  send(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; token?: string }): Promise<{ status: number; headers: Headers; json: any }>;
  /** The token of the newest emailed link to `to`. */
  mailedToken(to: string): Promise<string>;
  /** The newest emailed code to `to`. */
  mailedCode(to: string): Promise<string>;
}

export function contractApp(preset: ContractPreset<any>, overrides: { http?: HttpOptions; auth?: Partial<AuthConfig> } = {}): ContractApp {
  const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
  const mailer = memoryMailer({ now: () => clock.now() });
  const auth = createAuth({
    store: memoryStore(),
    mailer,
    secret: 'test-secret-'.padEnd(32, 'x'),
    appUrl: 'https://app.example.com',
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    clock,
    ...preset.auth,
    ...overrides.auth,
  } as AuthConfig) as Auth;
  const handler = createFetchHandler(auth, { ...preset.http, ...overrides.http, basePath: preset.basePath });
  async function lastMail(to: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    const text = mailer.lastTo(to)?.text;
    if (text === undefined) throw new Error(`nothing was mailed to ${to}`);
    return text;
  }
  return {
    auth,
    clock,
    mailer,
    async send(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const request = new Request(`https://api.example.com${path}`, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
      const response = await handler(request, { ip: '192.0.2.1' });
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) };
    },
    async mailedToken(to) {
      const link = /https?:\/\/\S+/.exec(await lastMail(to))?.[0] ?? '';
      const url = new URL(link);
      return url.searchParams.get('token') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
    },
    async mailedCode(to) {
      const code = /^[A-Z0-9]{6}$/m.exec(await lastMail(to))?.[0];
      if (!code) throw new Error(`no code mailed to ${to}`);
      return code;
    },
  };
}

/** The sorted keys of an object, to compare with the fields a contract documents. */
export function keys(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

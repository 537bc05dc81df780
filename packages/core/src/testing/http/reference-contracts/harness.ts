// Internal to runReferenceContracts: an app made of a preset and nothing else (a memory store, a
// memory mailer, a secret and the app's address), mounted where the preset says, and the small
// client a mobile team would script against the document.
import { expect, onTestFinished } from 'vitest';
import type { ContractPreset } from '../../../contracts/preset.js';
import { createAuth, type Auth } from '../../../create-auth.js';
import { memoryMailer, type MemoryMailer } from '../../../memory/memory-mailer.js';
import { memoryStore } from '../../../memory/memory-store.js';
import { APP_URL, SECRET, type ContractMount } from '../suite-app.js';

/** An ISO 8601 UTC date, with or without fractional seconds. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** What one request sends: a JSON body, extra headers, a bearer token. */
export interface SendInit {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

/** What came back: the status, the headers and the parsed JSON body (`null` when empty). */
export interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

/** One app serving a document, and a client for it. */
export interface ReferenceApp {
  auth: Auth;
  mailer: MemoryMailer;
  send(method: string, path: string, init?: SendInit): Promise<Answer>;
  /** The text of the newest email to `to`, once the emails sent after answering are out. */
  mailTo(to: string): Promise<string>;
}

/** Options of {@link referenceApp}. */
export interface ReferenceAppOptions {
  /** Headers the client sends on every call (003's `Api-Token` and `channel`). */
  headers?: Record<string, string>;
}

/**
 * Serves `preset` the way its documentation says an app does: `createAuth({ ...preset.auth,
 * store, mailer, secret, appUrl })` mounted at `preset.basePath` with `preset.http`, and nothing
 * else (no clock, no hasher). Closed when the test ends.
 */
export async function referenceApp(mount: ContractMount, preset: ContractPreset<any>, options: ReferenceAppOptions = {}): Promise<ReferenceApp> {
  const mailer = memoryMailer();
  const auth = createAuth({ ...preset.auth, store: memoryStore(), mailer, secret: SECRET, appUrl: APP_URL }) as unknown as Auth;
  const app = await mount(auth, preset.http, preset.basePath);
  onTestFinished(async () => {
    await app.close?.();
  });
  return {
    auth,
    mailer,
    async send(method, path, init = {}) {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...init.headers };
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const response = await app.fetch(path, { method, headers, redirect: 'manual', ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
      const text = await response.text();
      let json: unknown = null;
      if (text !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
        }
      }
      return { status: response.status, headers: response.headers, json };
    },
    async mailTo(to) {
      await auth.settled();
      const text = mailer.lastTo(to)?.text;
      if (text === undefined) throw new Error(`nothing was mailed to ${to}`);
      return text;
    },
  };
}

/** The sorted keys of an object, to compare with the fields a document lists. */
export function keys(value: unknown): string[] {
  if (value === null || typeof value !== 'object') throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return Object.keys(value).sort();
}

/** The http(s) links in a mail's text, `&amp;` undone. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((match) => match[0].replace(/&amp;/g, '&'));
}

/** The token of the first link in a mail: its `token` query parameter, or else its last path segment. */
export function linkToken(text: string): string {
  const link = linksIn(text)[0];
  if (link === undefined) throw new Error(`no link in the mail: ${text}`);
  const url = new URL(link);
  return url.searchParams.get('token') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
}

/** The code in a mail: a line that matches `shape` as a whole, or else the first such word. */
export function codeIn(text: string, shape: RegExp): string {
  const lines = text.split('\n').map((line) => line.trim());
  const code = lines.find((line) => shape.test(line)) ?? text.split(/[^A-Za-z0-9]+/).find((word) => shape.test(word));
  if (code === undefined) throw new Error(`no code shaped ${shape} in the mail: ${text}`);
  return code;
}

/** How long a JWT access token lives, in seconds (`exp - iat`). */
export function jwtLifetime(token: string): number {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error(`not a JWT: ${token}`);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iat?: number; exp?: number };
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') throw new Error('the JWT has no iat or exp');
  return claims.exp - claims.iat;
}

/** Expects the status, showing the body when it is another. */
export function expectStatus(answer: Answer, status: number): void {
  expect(answer.status, `answered ${answer.status}: ${JSON.stringify(answer.json)}`).toBe(status);
}

/** Expects a 2xx, for the answers whose status a document does not give. */
export function expectSuccess(answer: Answer): void {
  expect(answer.status >= 200 && answer.status < 300, `answered ${answer.status}: ${JSON.stringify(answer.json)}`).toBe(true);
}

/** Expects a 4xx, for the refusals whose status a document does not give. */
export function expectRefusal(answer: Answer): void {
  expect(answer.status >= 400 && answer.status < 500, `answered ${answer.status}: ${JSON.stringify(answer.json)}`).toBe(true);
}

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argon2Hasher, createAuth, memoryStore, type AuthEvent } from '@gatehouse-auth/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { webhookMailer, webhookSignature, type WebhookMailBody } from './webhook-mailer.js';

// A local webhook receiver for the tests: it records each POST and answers with `status`.
interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookMailBody;
}
const received: Received[] = [];
const waiters: Array<(message: Received) => void> = [];
let status = 204;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(status).end();
      if (status >= 300) return;
      const raw = Buffer.concat(chunks).toString('utf8');
      const message = { headers: req.headers, raw, body: JSON.parse(raw) as WebhookMailBody };
      received.push(message);
      waiters.splice(0).forEach((wake) => wake(message));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mail`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  status = 204;
});

/** The next message to `to` that the receiver gets (or already got). */
function nextMessageTo(to: string): Promise<Received> {
  const already = received.find((message) => message.body.to === to);
  if (already) return Promise.resolve(already);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message to ${to} arrived`)), 5000);
    const wait = (message: Received): void => {
      if (message.body.to !== to) {
        waiters.push(wait);
        return;
      }
      clearTimeout(timer);
      resolve(message);
    };
    waiters.push(wait);
  });
}

const signingSecret = 'test-webhook-signing-secret';
const cheapHasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 });

describe('webhookMailer', () => {
  it('POSTs the message as JSON, signed with HMAC-SHA256 of the exact body', async () => {
    const mailer = webhookMailer({ url, signingSecret, headers: { 'x-api-key': 'k-123' } });
    await mailer.send({ to: 'ada@example.com', subject: 'Hello', text: 'Hi Ada', html: '<p>Hi Ada</p>' });
    const [message] = received;
    expect(message?.body).toEqual({ to: 'ada@example.com', subject: 'Hello', text: 'Hi Ada', html: '<p>Hi Ada</p>' });
    expect(message?.headers['content-type']).toBe('application/json');
    expect(message?.headers['x-api-key']).toBe('k-123');
    expect(message?.headers['x-webhook-signature']).toBe(webhookSignature(message?.raw ?? '', signingSecret));
  });

  it('rejects when the webhook does not answer 2xx, without the message in the error', async () => {
    status = 500;
    const mailer = webhookMailer({ url });
    const error = await mailer.send({ to: 'ada@example.com', subject: 'Secret link', text: 'https://x/t', html: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('webhookMailer: the webhook answered 500');
  });

  it('refuses invalid options at once, with a TypeError that says how to fix them', () => {
    expect(() => webhookMailer({ url: 'ftp://example.com' })).toThrow(TypeError);
    expect(() => webhookMailer({ url: 'not a url' })).toThrow(/absolute http\(s\) URL/);
    expect(() => webhookMailer({ url, signingSecret: 'short' })).toThrow(/at least 16/);
    expect(() => webhookMailer({ url, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('delivers the verification email of auth.register to the webhook, link included', async () => {
    const auth = createAuth({
      store: memoryStore(),
      mailer: webhookMailer({ url, signingSecret }),
      secret: 'test-secret-of-at-least-32-bytes-long!',
      appUrl: 'https://app.example.com',
      hasher: cheapHasher,
    });
    const { user } = await auth.register({ email: 'grace@example.com', password: 'Compiler-Pioneer-1952' });
    const message = await nextMessageTo('grace@example.com');
    expect(message.body.subject).toMatch(/confirm/i);
    const link = /https:\/\/app\.example\.com\/auth\/verify-email\/\S+/.exec(message.body.text)?.[0];
    expect(link).toBeDefined();
    // The link works: its token verifies the address.
    const token = decodeURIComponent(new URL(link as string).pathname.split('/').pop() ?? '');
    expect((await auth.verifyEmail({ token })).user).toMatchObject({ id: user.id, emailVerified: true });
  });

  it('a webhook that is down does not fail registration: Gatehouse reports mail.failed', async () => {
    status = 503;
    const events: AuthEvent[] = [];
    const auth = createAuth({
      store: memoryStore(),
      mailer: webhookMailer({ url }),
      secret: 'test-secret-of-at-least-32-bytes-long!',
      appUrl: 'https://app.example.com',
      hasher: cheapHasher,
      onEvent: (event) => void events.push(event),
    });
    const { user } = await auth.register({ email: 'linus@example.com', password: 'Kernel-Hacker-1991' });
    await expect.poll(() => events.map((event) => event.type)).toContain('mail.failed');
    expect(events.find((event) => event.type === 'mail.failed')).toMatchObject({ userId: user.id, template: 'verification' });
    expect(received).toEqual([]);
  });
});

describe('custom-mailer example app', () => {
  // @hono/node-server's bindings, where Gatehouse reads the client address for rate limits.
  const nodeBindings = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

  it('register over HTTP, follow the link from the webhook, login, then the protected /me', async () => {
    const { app } = createApp({
      mailer: webhookMailer({ url, signingSecret }),
      secret: 'test-secret-of-at-least-32-bytes-long!',
      appUrl: 'http://localhost:3000',
      hasher: cheapHasher,
    });
    async function call(method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<{ status: number; json: any }> {
      const headers: Record<string, string> = {};
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      const response = await app.request(path, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) }, nodeBindings);
      const text = await response.text();
      return { status: response.status, json: text === '' ? null : JSON.parse(text) };
    }
    const email = 'ada@example.com';
    const password = 'Analytical-Engine-1843';
    expect((await call('POST', '/auth/register', { body: { email, password } })).status).toBe(201);

    const message = await nextMessageTo(email);
    const link = /http:\/\/localhost:3000\S+/.exec(message.body.text)?.[0] ?? '';
    expect((await call('GET', new URL(link).pathname)).status).toBe(200);

    const login = await call('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect((await call('GET', '/me')).status).toBe(401);
    expect(await call('GET', '/me', { token: login.json.data.tokens.accessToken })).toMatchObject({ status: 200, json: { userId: login.json.data.user.id } });
  });
});

// Test support, not part of the package: bodies far over the limit sent over a real socket by
// clients that keep writing while the server decides, and the suite that runs them against an
// adapter. The same file sits in packages/express, packages/fastify and packages/hono; its place
// is core's HTTP test kit (@gatehouse/core/http/testing), next to the attack suite.
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { createAuth, memoryStore, type Auth } from '@gatehouse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the client saw: the answer's status and JSON body, and the socket error it got, if any. */
export interface UploadOutcome {
  status: number | null;
  body: unknown;
  /** e.g. `ECONNRESET` or `EPIPE`; `null` when the exchange ended cleanly. */
  error: string | null;
}

/** How {@link uploadOversized} writes its body. */
export interface UploadOptions {
  /** Size of the JSON body. */
  bytes: number;
  /** Bytes per write (256 KiB when absent), each sent once the socket took the one before. */
  chunkBytes?: number;
  /** Pause between writes, in milliseconds: a slow writer. */
  pauseMs?: number;
  /** Send `Transfer-Encoding: chunked` instead of `Content-Length`. */
  chunked?: boolean;
  /**
   * Ask for a persistent connection (as Node's global agent and browsers do) rather than
   * `Connection: close`: then the client goes on writing after the answer, as it must to reuse
   * the connection, and sends a second request on it afterwards.
   */
  keepAlive?: boolean;
}

/** A login body of exactly `bytes` bytes (a huge password). */
function loginBody(bytes: number): Buffer {
  const head = '{"email":"ada@example.com","password":"';
  const tail = '"}';
  return Buffer.from(`${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`);
}

function errorCode(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message);
}

/**
 * POSTs an oversized JSON body to `http://127.0.0.1:{port}{path}` with `node:http` on a
 * connection of its own, writing all of it whatever the server answers meanwhile (unless the
 * connection closes), and resolves once the exchange is over: the connection closed, or (kept
 * alive) the answer read, the body written and a small second request answered.
 *
 * Node's client says nothing when a kept-alive connection closes after the answer but before the
 * body is written, or resets under the next request: both count as errors here, as they are
 * for other clients (undici, browsers).
 */
export function uploadOversized(port: number, path: string, options: UploadOptions): Promise<UploadOutcome> {
  const body = loginBody(options.bytes);
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  if (options.chunked !== true) headers['content-length'] = body.byteLength;
  return new Promise<UploadOutcome>((resolve) => {
    let status: number | null = null;
    let text = '';
    let error: string | null = null;
    const agent = options.keepAlive === true ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent });
    const closed = once(req, 'close').catch(() => undefined);
    let answered = false;
    let written = false;
    let settled = false;
    let closeAnnounced = false;
    function settle(): void {
      if (settled) return;
      settled = true;
      if (agent) agent.destroy();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Kept as text: the assertion shows it.
      }
      resolve({ status, body: parsed, error });
    }
    // Kept alive, the connection does not close: done once the answer is read, the body written
    // and a second request answered, on the same connection unless the server closed it cleanly.
    function settleWhenDone(): void {
      if (!answered || !written || !agent) return;
      const second = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 2 }, agent });
      second.on('error', (cause) => {
        error ??= `second request: ${errorCode(cause)}`;
        settle();
      });
      second.on('response', (res) => {
        res.resume();
        res.on('end', settle);
      });
      second.end('{}');
    }
    req.on('error', (cause) => {
      error ??= errorCode(cause);
    });
    req.on('response', (res) => {
      status = res.statusCode ?? null;
      closeAnnounced = /\bclose\b/i.test(String(res.headers.connection ?? ''));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', (cause) => {
        error ??= errorCode(cause);
      });
      res.on('aborted', () => {
        error ??= 'aborted';
      });
      res.on('end', () => {
        answered = true;
        settleWhenDone();
      });
    });
    req.on('finish', () => {
      written = true;
      settleWhenDone();
    });
    req.on('close', () => {
      if (!agent) {
        setTimeout(settle, 20);
      } else if (!written) {
        // Kept alive, the connection closed under the upload: the server cut it.
        if (!closeAnnounced) error ??= 'closed before the body was written';
        settle();
      }
    });
    // Each write waits until the socket took the chunk: the client really is still writing
    // when the answer comes, not done at once with 2 MB queued in user space.
    function send(chunk: Buffer): Promise<unknown> {
      return Promise.race([new Promise((done) => req.write(chunk, done)), closed]);
    }
    void (async () => {
      const step = options.chunkBytes ?? 256 * 1024;
      for (let offset = 0; offset < body.byteLength && !req.destroyed; offset += step) {
        await send(body.subarray(offset, offset + step));
        if (options.pauseMs !== undefined) await new Promise((wake) => setTimeout(wake, options.pauseMs));
      }
      if (!req.destroyed) req.end();
    })();
  });
}

/**
 * The same upload as a client that writes its whole request before it reads anything (as Python's
 * http.client, many SDKs and scripts do), on a raw socket: a connection reset while it writes
 * (EPIPE, ECONNRESET) loses it the answer, whatever the server had sent.
 */
export function writeThenRead(port: number, path: string, options: Pick<UploadOptions, 'bytes' | 'chunkBytes' | 'pauseMs'>): Promise<UploadOutcome> {
  const body = loginBody(options.bytes);
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.byteLength}\r\n\r\n`;
  return new Promise<UploadOutcome>((resolve) => {
    // Half-open allowed: a client that is not reading yet does not notice the server's FIN either.
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const received: Buffer[] = [];
    let error: string | null = null;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (cause) => {
      error ??= errorCode(cause);
    });
    const closed = once(socket, 'close').catch(() => undefined);
    function send(chunk: Buffer | string): Promise<unknown> {
      return Promise.race([new Promise((done) => socket.write(chunk, done)), closed]);
    }
    function outcome(): UploadOutcome {
      const text = Buffer.concat(received).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const payload = text.slice(text.indexOf('\r\n\r\n') + 4);
      let parsed: unknown = payload;
      try {
        parsed = JSON.parse(payload);
      } catch {
        // Kept as text: the assertion shows it.
      }
      return { status: status === undefined ? null : Number(status), body: parsed, error };
    }
    /** The answer is in once its headers and Content-Length bytes of body have arrived. */
    function answered(): boolean {
      const text = Buffer.concat(received).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
      return end !== -1 && length !== undefined && text.length - end - 4 >= Number(length);
    }
    void (async () => {
      await once(socket, 'connect').catch(() => undefined);
      await send(head);
      const step = options.chunkBytes ?? 256 * 1024;
      for (let offset = 0; offset < body.byteLength && !socket.destroyed; offset += step) {
        await send(body.subarray(offset, offset + step));
        if (options.pauseMs !== undefined) await new Promise((wake) => setTimeout(wake, options.pauseMs));
      }
      // Only now does it read: wait for the whole answer (or the end), then hang up.
      const deadline = Date.now() + 5_000;
      while (!answered() && !socket.destroyed && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 5));
      // A little longer, so that a reset the server sends on its way out is seen too.
      await new Promise((wake) => setTimeout(wake, 20));
      socket.end();
      await Promise.race([closed, new Promise((wake) => setTimeout(wake, 1_000))]);
      socket.destroy();
      resolve(outcome());
    })();
  });
}

/** The same upload with `fetch` (undici: a pooled keep-alive connection, one write of the body). */
export async function fetchOversized(port: number, path: string, bytes: number): Promise<UploadOutcome> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody(bytes) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Kept as text: the assertion shows it.
    }
    return { status: response.status, body: parsed, error: null };
  } catch (error) {
    return { status: null, body: null, error: errorCode((error as { cause?: unknown }).cause ?? error) };
  }
}

/** An app listening on 127.0.0.1: the Gatehouse routes under `/auth` and `POST /protected` behind `requireAuth`. */
export interface ListeningApp {
  port: number;
  close(): Promise<void>;
}

/** Options of {@link runOversizedUploads}. */
export interface OversizedUploadOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /** Starts the app, with `requireAuth(auth)` in front of `POST /protected` (where the body is not read yet). */
  listen(auth: Auth): Promise<ListeningApp>;
}

const MB2 = 2 * 1024 * 1024;

/** The outcomes that are not `status` with the error envelope of `code`, or that saw a socket error. */
function failures(outcomes: UploadOutcome[], status: number, code: string): UploadOutcome[] {
  return outcomes.filter((outcome) => outcome.status !== status || (outcome.body as { error?: { code?: unknown } } | null)?.error?.code !== code || outcome.error !== null);
}

async function inSequence(count: number, send: () => Promise<UploadOutcome>): Promise<UploadOutcome[]> {
  const outcomes: UploadOutcome[] = [];
  for (let i = 0; i < count; i += 1) outcomes.push(await send());
  return outcomes;
}

/**
 * Bug: an answer sent while the body was still arriving (a 413, a 401 from `requireAuth`) reached
 * many clients as ECONNRESET or EPIPE, or reset the kept-alive connection under their next
 * request. Every client here must read the answer in the error envelope, and see no socket error.
 */
export function runOversizedUploads({ name, listen }: OversizedUploadOptions): void {
  describe(`${name}: answers to bodies still arriving, over a real socket`, () => {
    let app: ListeningApp;
    beforeAll(async () => {
      const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', logger: { warn() {}, error() {} }, rateLimits: { perIp: { limit: 10_000, window: '1m' } } }) as Auth;
      app = await listen(auth);
    });
    afterAll(() => app?.close());

    const slow = { chunkBytes: 64 * 1024, pauseMs: 25 };
    const cases: Array<[string, UploadOptions]> = [
      ['Content-Length, kept alive', { bytes: MB2, keepAlive: true }],
      ['Content-Length, Connection: close', { bytes: MB2 }],
      ['chunked, kept alive', { bytes: MB2, chunked: true, keepAlive: true }],
    ];
    for (const [framing, options] of cases) {
      it(`answers 20 bodies of 2 MB (${framing}) with the 413 envelope`, async () => {
        const outcomes = await inSequence(20, () => uploadOversized(app.port, '/auth/login', options));
        const failed = failures(outcomes, 413, 'PAYLOAD_TOO_LARGE');
        expect(failed, `${failed.length}/20 failed`).toEqual([]);
      });
    }

    it('answers 20 bodies of 2 MB from clients that write everything before reading with the 413 envelope', async () => {
      const outcomes = await inSequence(20, () => writeThenRead(app.port, '/auth/login', { bytes: MB2, chunkBytes: 64 * 1024 }));
      const failed = failures(outcomes, 413, 'PAYLOAD_TOO_LARGE');
      expect(failed, `${failed.length}/20 failed`).toEqual([]);
    });

    it('answers 20 bodies of 2 MB sent by fetch with the 413 envelope', async () => {
      const outcomes = await inSequence(20, () => fetchOversized(app.port, '/auth/login', MB2));
      const failed = failures(outcomes, 413, 'PAYLOAD_TOO_LARGE');
      expect(failed, `${failed.length}/20 failed`).toEqual([]);
    });

    it('answers slow writers (64 KiB every 25 ms) with the 413 envelope', async () => {
      const outcomes = await Promise.all([
        uploadOversized(app.port, '/auth/login', { bytes: MB2, ...slow, keepAlive: true }),
        uploadOversized(app.port, '/auth/login', { bytes: MB2, ...slow, keepAlive: true }),
        uploadOversized(app.port, '/auth/login', { bytes: MB2, ...slow, keepAlive: true, chunked: true }),
        uploadOversized(app.port, '/auth/login', { bytes: MB2, ...slow, chunked: true }),
        writeThenRead(app.port, '/auth/login', { bytes: MB2, ...slow }),
        writeThenRead(app.port, '/auth/login', { bytes: MB2, ...slow }),
      ]);
      const failed = failures(outcomes, 413, 'PAYLOAD_TOO_LARGE');
      expect(failed, `${failed.length}/6 failed`).toEqual([]);
    });

    it('answers bodies still arriving at requireAuth with the 401 envelope', async () => {
      const outcomes = [
        ...(await inSequence(10, () => uploadOversized(app.port, '/protected', { bytes: MB2, keepAlive: true }))),
        ...(await inSequence(10, () => writeThenRead(app.port, '/protected', { bytes: MB2, chunkBytes: 64 * 1024 }))),
        ...(await Promise.all([
          uploadOversized(app.port, '/protected', { bytes: MB2, ...slow, keepAlive: true }),
          writeThenRead(app.port, '/protected', { bytes: MB2, ...slow }),
          fetchOversized(app.port, '/protected', MB2),
        ])),
      ];
      const failed = failures(outcomes, 401, 'UNAUTHENTICATED');
      expect(failed, `${failed.length}/23 failed`).toEqual([]);
    });
  });
}

// Internal to runOversizedUploads: clients that send bodies far over the limit over a real
// socket and keep writing while the server decides, each reporting what it saw: node:http with
// and without keep-alive, a raw socket that writes everything before it reads, and fetch.
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

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
      const deadline = performance.now() + 5_000;
      while (!answered() && !socket.destroyed && performance.now() < deadline) await new Promise((wake) => setTimeout(wake, 5));
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

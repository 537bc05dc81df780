import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, type Auth } from '../../create-auth.js';
import { memoryStore } from '../../memory/memory-store.js';
import { fetchOversized, uploadOversized, writeThenRead, type UploadOptions, type UploadOutcome } from './oversized-upload/clients.js';
import { APP_URL, SECRET } from './suite-app.js';

/** An app listening on 127.0.0.1, started by {@link OversizedUploadOptions.listen}. */
export interface ListeningApp {
  /** The port it listens on. */
  port: number;
  /** Stops it, ending the connections still open; called after the suite's last test. */
  close(): Promise<void>;
}

/** Options of {@link runOversizedUploads}. */
export interface OversizedUploadOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /**
   * Starts a real server on 127.0.0.1 (any free port) with the Gatehouse routes under `/auth`,
   * and `requireAuth(auth)` in front of `POST /protected` (where the body is not read yet).
   */
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
 * Bodies of 2 MB sent over a real socket to an adapter on a listening server, by clients that
 * keep writing while it answers: `node:http` with `Content-Length` or chunked, kept alive or not,
 * clients that write the whole request before reading (as many SDKs and scripts do), `fetch`,
 * and slow writers. Every one must read the 413 (or, at `requireAuth`, the 401) in the error
 * envelope, with no connection reset or broken pipe, and a kept-alive connection must carry the
 * next request. Call it inside a test file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { once } from 'node:events';
 * import type { AddressInfo } from 'node:net';
 * import { runOversizedUploads } from '@gatehouse-auth/core/http/testing';
 * runOversizedUploads({
 *   name: 'my-framework',
 *   async listen(auth) {
 *     const server = myApp(auth).listen(0, '127.0.0.1');
 *     await once(server, 'listening');
 *     return { port: (server.address() as AddressInfo).port, close: () => new Promise((done) => server.close(() => done())) };
 *   },
 * });
 * ```
 */
export function runOversizedUploads({ name, listen }: OversizedUploadOptions): void {
  // The bug it guards against: an answer sent while the body was still arriving reached many
  // clients as ECONNRESET or EPIPE, or reset the kept-alive connection under their next request.
  describe(`${name}: answers to bodies still arriving, over a real socket`, () => {
    let app: ListeningApp;
    beforeAll(async () => {
      const auth = createAuth({ store: memoryStore(), secret: SECRET, appUrl: APP_URL, logger: { warn() {}, error() {} }, rateLimits: { perIp: { limit: 10_000, window: '1m' } } }) as Auth;
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

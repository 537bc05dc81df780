// An answer sent while the client is still writing its body, followed by closing the connection,
// makes the server's TCP stack reset the connection for the bytes still arriving; the client
// then often loses the answer (ECONNRESET or EPIPE instead of the 413). So before answering such
// a request, its rest is read and thrown away, within bounds: a client that writes forever is cut
// off all the same. For adapters: each calls it before answering a request whose body it did
// not read to the end.

/** The most read and thrown away: as much as @hono/node-server drains after an answer. */
const DRAIN_BYTES = 64 * 1024 * 1024;

/** How long the rest may take to arrive: a slow client's upload, not an endless one. */
const DRAIN_MS = 30_000;

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return chunk.length;
  return (chunk as { byteLength?: number } | null)?.byteLength ?? 0;
}

/**
 * Reads the rest of a request body and throws it away (at most 64 MiB, for at most 30 s), so
 * that an early answer (a 413, a refused token) reaches a client that has finished writing
 * instead of a connection reset. For adapter authors.
 *
 * @returns `true` once the body ended; `false` when it went on past the bounds or failed (answer
 * with `Connection: close` then: the connection cannot be reused).
 * @example
 * ```ts
 * import { drainBody } from '@gatehouse-auth/core/http';
 * // in a Node request listener, before writing a 413:
 * // const reusable = await drainBody(req[Symbol.asyncIterator]());
 * ```
 */
export async function drainBody(rest: AsyncIterator<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(resolve, DRAIN_MS, null);
  });
  let bytes = 0;
  try {
    for (;;) {
      const next = rest.next();
      // Left pending when time runs out; the stream may still fail later.
      next.catch(() => undefined);
      const step = await Promise.race([next, expired]);
      if (step === null) return false;
      if (step.done === true) return true;
      bytes += byteLength(step.value);
      if (bytes > DRAIN_BYTES) return false;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

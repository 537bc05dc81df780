// An answer sent while the client is still writing its body, followed by closing the connection,
// makes the server's TCP stack reset the connection for the bytes still arriving; the client
// then often loses the answer (ECONNRESET or EPIPE instead of the 413). So before answering such
// a request, its rest is read and thrown away, within bounds: a client that writes forever is cut
// off all the same. (The same file sits in each adapter; its place is core/http, next to readBody.)

/** The most read and thrown away: as much as @hono/node-server drains after an answer. */
const DRAIN_BYTES = 64 * 1024 * 1024;

/** How long the rest may take to arrive: a slow client's upload, not an endless one. */
const DRAIN_MS = 30_000;

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return chunk.length;
  return (chunk as { byteLength?: number } | null)?.byteLength ?? 0;
}

/**
 * Reads the rest of a request body and throws it away, so that the answer reaches a client that
 * has finished writing. Resolves `true` once the body ended, `false` when it went on past the
 * bounds or failed (then the connection cannot be reused).
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

import type { HttpRequestBody } from './types.js';

/**
 * Reads a request body, but never more than `limit` bytes: past it, reading stops and the
 * result is `{ problem: 'too_large' }`, so a huge or endless body costs no memory (answer it
 * with `Connection: close`: the rest is never read). For adapters whose framework hands over
 * the raw stream (a Node request, a Fetch body).
 *
 * @example
 * ```ts
 * import { createHttpHandler, readBody } from '@gatehouse-auth/core/http';
 * // in a Node request listener:
 * // const body = await readBody(req, http.bodyLimit);
 * // const response = await http.handle({ method: req.method, path: req.url, headers: req.headers, body, ip: req.socket.remoteAddress });
 * ```
 */
export async function readBody(source: AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> | null | undefined, limit: number): Promise<HttpRequestBody | undefined> {
  if (source === null || source === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const add = (chunk: Uint8Array | string): boolean => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) return false;
    chunks.push(bytes);
    return true;
  };
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!add(value)) {
        await reader.cancel().catch(() => undefined);
        return { problem: 'too_large' };
      }
    }
  } else {
    // Iterated by hand: leaving a `for await` early would destroy a Node request, and its socket
    // with it, before the 413 could be written.
    const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) break;
      if (!add(value)) return { problem: 'too_large' };
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

// Target 6: the memory rate-limit store and the verified-token cache under a flood of distinct
// keys. Run with --expose-gc: heap is read after a full collection, before and after.
//   rate-limit store: `hit()` with N distinct keys (default 1,000,000), default maxKeys
//   token cache:      `authenticate()` with N distinct valid tokens, default cacheSize
// Each is compared with its bound: the rate-limit store documents "100,000 keys, about 30 MB";
// the token cache documents only its entry count, so its bound is the one stated in
// docs/performance.md (see TOKEN_CACHE_BOUND_BYTES).
import { createHmac } from 'node:crypto';
import { AUDIENCE, ISSUER, SECRET_BYTES } from '../lib/fixtures.mjs';
import { missingPackage } from '../lib/gatehouse.mjs';
import { done, options } from './_measure.mjs';

export const RATE_LIMIT_BOUND_BYTES = 32 * 1024 * 1024;
export const TOKEN_CACHE_BOUND_BYTES = 16 * 1024 * 1024;

const { rateLimitKeys = 1_000_000, tokenKeys = 1_000_000, timeLimitMs = 60_000 } = options();
const gc = /** @type {() => void} */ (globalThis.gc);
if (typeof gc !== 'function') throw new Error('run with --expose-gc');

function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** @type {Record<string, any>} */
const result = { skipped: {} };
const reason = missingPackage('core');
if (reason) {
  result.skipped['rate-limit-store'] = reason;
  result.skipped['token-cache'] = reason;
  done(result);
}
const core = await import('@gatehouse-auth/core');

{
  const store = core.memoryRateLimitStore();
  const before = heap();
  const now = new Date();
  const start = performance.now();
  let peak = 0;
  for (let i = 0; i < rateLimitKeys; i += 1) {
    await store.hit(`login:user${i}@bench.example|198.51.${(i >> 8) & 255}.${i & 255}`, 60_000, now);
    if ((i & 0x3ffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  }
  const seconds = (performance.now() - start) / 1000;
  const retained = heap() - before;
  result['rate-limit-store'] = {
    keys: rateLimitKeys,
    retainedBytes: retained,
    peakBytes: Math.max(peak, retained),
    boundBytes: RATE_LIMIT_BOUND_BYTES,
    hitsPerSecond: rateLimitKeys / seconds,
    bound: 'maxKeys 100,000 (default), documented as about 30 MB',
  };
  // Keep `store` reachable until after the measurement.
  if (!store) throw new Error('unreachable');
}

{
  const { createBenchAuth } = await import('../lib/gatehouse.mjs');
  const bench = await createBenchAuth({ stateless: true, seedUser: false });
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  /** @param {number} i */
  const makeToken = (i) => {
    const id = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const payload = Buffer.from(
      JSON.stringify({ sid: id, role: 'user', sub: id, iss: ISSUER, aud: AUDIENCE, iat, exp: iat + 3600, jti: id }),
    ).toString('base64url');
    const input = `${header}.${payload}`;
    return `${input}.${createHmac('sha256', SECRET_BYTES).update(input).digest('base64url')}`;
  };
  const before = heap();
  const start = performance.now();
  let count = 0;
  let peak = 0;
  // Every distinct token costs a full jose verification (that is what a miss is), so on a slow
  // machine the flood stops at the time limit and reports how many keys it reached.
  while (count < tokenKeys && performance.now() - start < timeLimitMs) {
    await bench.auth.authenticate(makeToken(count));
    count += 1;
    if ((count & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  }
  const seconds = (performance.now() - start) / 1000;
  const retained = heap() - before;
  result['token-cache'] = {
    keys: count,
    requestedKeys: tokenKeys,
    retainedBytes: retained,
    peakBytes: Math.max(peak, retained),
    boundBytes: TOKEN_CACHE_BOUND_BYTES,
    missesPerSecond: count / seconds,
    bound: `accessToken.cacheSize ${bench.auth.config.accessToken.cacheSize.toLocaleString('en-US')} (default)`,
  };
}

done(result);

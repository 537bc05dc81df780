// Target 2: `auth.authenticate()` in process, on a cache hit and a cache miss, against the
// ceilings measured in the same process and run: node:crypto's raw HMAC-SHA256 verify of the
// same token, and jose's HS256 jwtVerify with the same checks Gatehouse makes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import { AUDIENCE, ISSUER, SECRET_BYTES, TOKEN_TYPE, peerToken } from '../lib/fixtures.mjs';
import { missingPackage } from '../lib/gatehouse.mjs';
import { done, interleave, opsPerSecondAsync, opsPerSecondSync, options } from './_measure.mjs';

const { rounds = 3, ms = 1000, warmupMs = 300 } = options();
const token = await peerToken();
const dot = token.lastIndexOf('.');
const signingInput = token.slice(0, dot);
const signature = token.slice(dot + 1);

/** The least work that proves an HS256 signature: one HMAC and a constant-time compare. */
function rawVerify() {
  const expected = createHmac('sha256', SECRET_BYTES).update(signingInput).digest();
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
if (!rawVerify()) throw new Error('raw HMAC verify rejected the token');

const joseOptions = { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: TOKEN_TYPE };

/** @type {Record<string, (ms: number) => Promise<number> | number>} */
const subjects = {
  'hmac-raw': (t) => opsPerSecondSync(rawVerify, t),
  'jose-verify': (t) => opsPerSecondAsync(() => jwtVerify(token, SECRET_BYTES, joseOptions), t),
};

const skipped = missingPackage('core');
/** @type {Record<string, string>} */
const notes = {};
if (!skipped) {
  const { createBenchAuth } = await import('../lib/gatehouse.mjs');
  // The same token string as the peers: stateless mode, so no session lookup is involved.
  const hit = await createBenchAuth({ stateless: true, seedUser: false });
  const miss = await createBenchAuth({ stateless: true, cacheSize: 0, seedUser: false });
  const session = await createBenchAuth({ stateless: false });
  await hit.auth.authenticate(token);
  await miss.auth.authenticate(token);
  subjects['authenticate-hit'] = (t) => opsPerSecondAsync(() => hit.auth.authenticate(token), t);
  subjects['authenticate-miss'] = (t) => opsPerSecondAsync(() => miss.auth.authenticate(token), t);
  subjects['authenticate-session-memory'] = (t) => opsPerSecondAsync(() => session.auth.authenticate(session.accessToken), t);
  notes['authenticate-hit'] = 'stateless, default cache (10,000), the same token every call';
  notes['authenticate-miss'] = 'stateless, accessToken.cacheSize: 0, so every call verifies with jose';
  notes['authenticate-session-memory'] = 'default session check on the memory store, cache hit';
}

const results = await interleave(subjects, { rounds, ms, warmupMs });
done({ opsPerSecond: results, skipped: skipped ? { authenticate: skipped } : {}, notes, tokenLength: token.length });

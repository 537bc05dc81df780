// Target 3 in process: Gatehouse's login and register against raw @node-rs/argon2 verify and
// hash at the same parameters (m=19456, t=2, p=1), each with two calls in flight so that both
// cores (libuv's thread pool) are used, measured interleaved in one process.
import { hash, verify } from '@node-rs/argon2';
import { ARGON2, USER } from '../lib/fixtures.mjs';
import { missingPackage } from '../lib/gatehouse.mjs';
import { done, interleave, opsPerSecondAsync, options } from './_measure.mjs';

const { rounds = 3, ms = 2000, concurrency = 2, warmupMs = 300 } = options();
const stored = await hash(USER.password, ARGON2);

/** @type {Record<string, (ms: number) => Promise<number>>} */
const subjects = {
  'argon2-verify': (t) => opsPerSecondAsync(() => verify(stored, USER.password), t, concurrency),
  'argon2-hash': (t) => opsPerSecondAsync(() => hash(USER.password, ARGON2), t, concurrency),
};
/** @type {Record<string, string>} */
const skipped = {};
const single = { hashMs: 0 };
{
  const start = performance.now();
  for (let i = 0; i < 5; i += 1) await hash(USER.password, ARGON2);
  single.hashMs = (performance.now() - start) / 5;
}

const reason = missingPackage('core');
if (reason) {
  skipped.login = reason;
  skipped.register = reason;
} else {
  const { createBenchAuth } = await import('../lib/gatehouse.mjs');
  const bench = await createBenchAuth({ store: 'memory' });
  const run = `${process.pid}-${Date.now().toString(36)}`;
  subjects.login = (t) => opsPerSecondAsync(() => bench.auth.login({ email: USER.email, password: USER.password, ip: '127.0.0.1' }), t, concurrency);
  subjects.register = (t) =>
    opsPerSecondAsync((i) => bench.auth.register({ email: `user-${run}-${i}-${Math.random().toString(36).slice(2)}@bench.example`, password: USER.password, ip: '127.0.0.1' }), t, concurrency);
}

const results = await interleave(subjects, { rounds, ms, warmupMs });
done({ opsPerSecond: results, skipped, singleHashMs: single.hashMs, concurrency });

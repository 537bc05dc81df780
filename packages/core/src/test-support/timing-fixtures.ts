// Test-only helpers for the enumeration-timing tests of core and of the SQL stores (not
// exported from the package): answer times of a route for a known and an unknown address,
// sampled interleaved, compared by their medians.
import { createAuth, type Auth } from '../create-auth.js';
import { createFetchHandler } from '../http/fetch-handler.js';
import { fakeClock } from '../memory/fake-clock.js';
import { memoryMailer } from '../memory/memory-mailer.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import type { Store } from '../ports/store.js';

/** The median of some numbers (0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A Fetch handler, as `createFetchHandler` returns it. */
export type FetchHandler = (request: Request, info?: { ip?: string }) => Promise<Response>;

/** Options of {@link timeKnownAndUnknown}. */
export interface KnownAndUnknownOptions {
  fetchHandler: FetchHandler;
  /** The full path, e.g. `/auth/password/reset`; each request POSTs `{ email, ...fields() }` to it. */
  path: string;
  /** The address of the account the known requests ask about. */
  known: string;
  /** More fields for each request's body, e.g. a password for a login (none by default). */
  fields?(): Record<string, unknown>;
  /**
   * Runs after every request, untimed: waits for the background work a request started, so
   * that it neither lands in the next request's time nor piles up (nothing to wait for by default).
   */
  between?(): Promise<void>;
  /** Pairs run first and not counted (default 5): lazy work, JIT, connection pools. */
  warmUp?: number;
  /** Timed pairs (default 101). */
  samples?: number;
}

/** What {@link timeKnownAndUnknown} measured. */
export interface KnownAndUnknownTimings {
  medians: { known: number; unknown: number };
  /** Median for the unknown address over median for the known one. */
  ratio: number;
  /** Every status answered. */
  statuses: Set<number>;
  /** Every distinct body answered. */
  bodies: Set<string>;
  /** The medians and the ratio, for an assertion's message. */
  summary: string;
}

/**
 * Times POSTs of `{ email, ...fields() }` for a known address and for fresh unknown ones, interleaved (the
 * order within each pair alternates, so a burst of load on the machine moves both sides alike),
 * and compares their medians.
 */
export async function timeKnownAndUnknown(options: KnownAndUnknownOptions): Promise<KnownAndUnknownTimings> {
  const { fetchHandler, path, known } = options;
  const warmUp = options.warmUp ?? 5;
  const samples = options.samples ?? 101;
  const statuses = new Set<number>();
  const bodies = new Set<string>();
  let n = 0;

  async function request(email: string): Promise<number> {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, ...options.fields?.() }) };
    const built = new Request(`http://127.0.0.1${path}`, init);
    const started = performance.now();
    const response = await fetchHandler(built, { ip: '127.0.0.1' });
    const body = await response.text();
    const elapsed = performance.now() - started;
    statuses.add(response.status);
    bodies.add(body);
    await options.between?.();
    // Every request starts on a fresh turn of the event loop, whether or not \`between\` had
    // anything to wait for: otherwise the side that leaves no work behind would start its
    // successor in the same turn, and on sub-millisecond answers that alone moves a median.
    await new Promise((resolve) => setImmediate(resolve));
    return elapsed;
  }
  const unknown = (): Promise<number> => request(`nobody-${n++}@example.com`);
  const knownOne = (): Promise<number> => request(known);

  for (let i = 0; i < warmUp; i++) {
    await unknown();
    await knownOne();
  }
  const times = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < samples; i++) {
    if (i % 2 === 0) {
      times.unknown.push(await unknown());
      times.known.push(await knownOne());
    } else {
      times.known.push(await knownOne());
      times.unknown.push(await unknown());
    }
  }
  const medians = { known: median(times.known), unknown: median(times.unknown) };
  const ratio = medians.unknown / medians.known;
  const summary = `POST ${path} medians: known address ${medians.known.toFixed(3)} ms, unknown address ${medians.unknown.toFixed(3)} ms, ratio ${ratio.toFixed(3)}`;
  return { medians, ratio, statuses, bodies, summary };
}

/** A Gatehouse for the timing tests, mounted as a Fetch handler, with two accounts. */
export interface TimingApp {
  auth: Auth;
  fetchHandler: FetchHandler;
  /** A verified, active account: the one a reset is asked for. */
  verified: string;
  /** An account whose address is not verified yet: the one a resend is asked for. */
  unverified: string;
  /** Waits for the background work the requests so far started. */
  settle(): Promise<void>;
}

/**
 * A Gatehouse over `store` with a memory mailer, no rate limits (they would end the sampling
 * early) and verification required for login, mounted under `/auth`.
 */
export async function timingApp(store: Store): Promise<TimingApp> {
  const auth = createAuth({
    store,
    mailer: memoryMailer(),
    secret: 'test-secret-'.padEnd(32, 'x'),
    appUrl: 'https://app.example.com',
    clock: fakeClock(Date.UTC(2026, 0, 1, 12)),
    // Neither route hashes: a cheap hasher keeps the set-up short.
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    rateLimits: false,
    emailVerification: { requiredForLogin: true },
  });
  const settle = (): Promise<void> => auth.settled();
  const verified = 'grace@example.com';
  const unverified = 'ada@example.com';
  const { user } = await auth.register({ email: verified, password: 'Correct-Horse-42' });
  await auth.register({ email: unverified, password: 'Correct-Horse-42' });
  await settle();
  const now = auth.context.clock.now();
  await store.updateUser(user.id, { emailVerifiedAt: now, status: 'active', updatedAt: now });
  return { auth, fetchHandler: createFetchHandler(auth, { basePath: '/auth' }), verified, unverified, settle };
}

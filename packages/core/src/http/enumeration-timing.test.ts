import { describe, expect, it } from 'vitest';
import { createAuth } from '../create-auth.js';
import { fakeClock } from '../memory/fake-clock.js';
import { memoryStore } from '../memory/memory-store.js';
import { timeKnownAndUnknown, timingApp, type TimingApp } from '../test-support/timing-fixtures.js';
import { createFetchHandler } from './fetch-handler.js';

const PASSWORD = 'Correct-Horse-9';
const WARM_UP = 3;
const SAMPLES = 25;

describe('login timing does not tell accounts apart (statistical)', () => {
  // A statistical test: medians of interleaved samples, so a burst of load on the machine moves
  // both sides alike; one retry absorbs the rare run where it does not.
  it('answers an unknown address and a wrong password for a real account in the same time, with the default argon2id hasher (ratio of medians 0.8–1.25)', { retry: 1, timeout: 30_000 }, async () => {
    // The default hasher (argon2id m=19456 KiB, t=2, p=1); no rate limits or lockout, which would end the sampling early.
    const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), clock: fakeClock(Date.UTC(2026, 0, 1, 12)), rateLimits: false, emailVerification: { requiredForLogin: false } });
    const fetchHandler = createFetchHandler(auth, { basePath: '/auth' });
    await auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect((await auth.context.store.findUserByEmail('ada@example.com'))?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    // Every request a wrong password of its own; the warm-up computes the dummy hash (on the first unknown address) and lets the JIT settle.
    let guess = 0;
    const timings = await timeKnownAndUnknown({ fetchHandler, path: '/auth/login', known: 'ada@example.com', fields: () => ({ password: `Wrong-Horse-${guess++}` }), warmUp: WARM_UP, samples: SAMPLES });
    expect([...timings.statuses], 'always 401').toEqual([401]);
    expect(timings.bodies.size, 'one body for both').toBe(1);
    expect(timings.ratio, timings.summary).toBeGreaterThanOrEqual(0.8);
    expect(timings.ratio, timings.summary).toBeLessThanOrEqual(1.25);
  });
});

describe('reset and resend timing do not tell accounts apart (statistical, memory store)', () => {
  // The token write and the email happen after the answer; before, only a real account's
  // answer waited for the write. The SQL stores run the same comparison in
  // packages/kysely/src/enumeration-timing.test.ts. Answers take a fraction of a millisecond
  // here, so more samples than for login.
  const routes = [
    { path: '/auth/password/reset', known: (app: TimingApp): string => app.verified, who: 'a real account' },
    { path: '/auth/resend-verification', known: (app: TimingApp): string => app.unverified, who: 'an unverified account' },
  ];
  for (const route of routes) {
    it(`answers POST ${route.path.slice('/auth'.length)} for an unknown address and ${route.who} in the same time (ratio of medians 0.8–1.25)`, { retry: 1, timeout: 30_000 }, async () => {
      const app = await timingApp(memoryStore());
      const timings = await timeKnownAndUnknown({ fetchHandler: app.fetchHandler, path: route.path, known: route.known(app), between: app.settle, samples: 301 });
      expect([...timings.statuses], 'always 200').toEqual([200]);
      expect(timings.bodies.size, 'one body for both').toBe(1);
      expect(timings.ratio, timings.summary).toBeGreaterThanOrEqual(0.8);
      expect(timings.ratio, timings.summary).toBeLessThanOrEqual(1.25);
    });
  }
});

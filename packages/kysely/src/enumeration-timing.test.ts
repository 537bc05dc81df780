// Enumeration by timing, over SQL: POST /password/reset and POST /resend-verification answer
// an unknown address and a real account in the same time on Kysely over SQLite (a file, as
// deployed) and PostgreSQL. The memory store's run is in core's http/enumeration-timing.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeKnownAndUnknown, timingApp, type TimingApp } from '../../core/src/test-support/timing-fixtures.js';
import { kyselyStore, migrateToLatest } from './index.js';
import { createTestDatabase, type TestDatabase } from './test-support/databases.js';

const LABELS = { 'sqlite-file': 'SQLite', postgres: 'PostgreSQL' } as const;

describe.each(['sqlite-file', 'postgres'] as const)('reset and resend timing do not tell accounts apart (statistical, %s)', (kind) => {
  let database: TestDatabase;
  let app: TimingApp;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateToLatest(database.db);
    app = await timingApp(kyselyStore(database.db));
  });

  afterAll(async () => {
    await app?.settle();
    await database?.destroy();
  });

  const routes = [
    { path: '/auth/password/reset', known: (): string => app.verified, who: 'a real account' },
    { path: '/auth/resend-verification', known: (): string => app.unverified, who: 'an unverified account' },
  ];
  for (const route of routes) {
    it(`answers POST ${route.path} for an unknown address and ${route.who} in the same time on ${LABELS[kind]} (ratio of medians 0.8–1.25)`, { retry: 1, timeout: 60_000 }, async () => {
      const timings = await timeKnownAndUnknown({ fetchHandler: app.fetchHandler, path: route.path, known: route.known(), between: app.settle });
      expect([...timings.statuses], 'always 200').toEqual([200]);
      expect(timings.bodies.size, 'one body for both').toBe(1);
      const summary = `${LABELS[kind]}: ${timings.summary}`;
      expect(timings.ratio, summary).toBeGreaterThanOrEqual(0.8);
      expect(timings.ratio, summary).toBeLessThanOrEqual(1.25);
    });
  }
});

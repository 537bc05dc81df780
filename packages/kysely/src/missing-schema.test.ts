// A store over a database that was never migrated: every route answers 503, so the log must say
// what to run. Checked on the three databases, with their own wording of "no such table".
import { createAuth } from '@gatehouse-auth/core';
import { afterEach, describe, expect, it } from 'vitest';
import { kyselyStore } from './index.js';
import { createTestDatabase, type TestDatabase } from './test-support/databases.js';

let open: TestDatabase | undefined;
afterEach(async () => {
  await open?.destroy();
  open = undefined;
});

describe.each(['sqlite-memory', 'postgres', 'mysql'] as const)('a store on an unmigrated %s database', (kind) => {
  it('fails with SERVICE_UNAVAILABLE and logs that migrateToLatest(db) must run', async () => {
    open = await createTestDatabase(kind);
    const errors: string[] = [];
    const auth = createAuth({
      store: kyselyStore(open.db),
      secret: 'x'.repeat(16) + 'y'.repeat(16),
      emailVerification: { requiredForLogin: false },
      logger: { warn() {}, error: (message) => void errors.push(message) },
    });
    await expect(auth.login({ email: 'ada@example.com', password: 'Correct-Horse-9' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(errors[0]).toMatch(/failed: a Gatehouse table is missing: run migrateToLatest\(db\)/);
  });
});

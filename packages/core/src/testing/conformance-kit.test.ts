import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunnerTask } from 'vitest';
import { startVitest } from 'vitest/node';
import { runRateLimitStoreConformance, runStoreConformance } from './index.js';

/** Full names ("suite > test") of the tests in `tasks` that ended in `state`. */
function testsIn(tasks: readonly RunnerTask[], state: 'pass' | 'fail', prefix = ''): string[] {
  return tasks.flatMap((task) => {
    const name = prefix === '' ? task.name : `${prefix} > ${task.name}`;
    if (task.type === 'suite') return testsIn(task.tasks, state, name);
    return task.result?.state === state ? [name] : [];
  });
}

describe('the conformance kit', () => {
  it('fails stores that break a contract, on the test that names the contract', async () => {
    const exitCode = process.exitCode;
    const vitest = await startVitest(
      'test',
      [],
      {
        root: fileURLToPath(new URL('./fixtures', import.meta.url)),
        config: false,
        include: ['broken-stores.fixture.ts'],
        watch: false,
        reporters: [{}],
        typecheck: { enabled: false },
      },
      // Keep the nested run's cache out of the source tree.
      { cacheDir: join(tmpdir(), 'gatehouse-conformance-kit-vite') },
    );
    const files = vitest.state.getFiles();
    await vitest.close();
    process.exitCode = exitCode;

    const failed = testsIn(files.flatMap((file) => file.tasks), 'fail');
    const failedIn = (suite: string): string[] => failed.filter((name) => name.startsWith(`${suite} > `));
    expect(failedIn('Store conformance: find-then-update consume')).toEqual([
      'Store conformance: find-then-update consume > one-time tokens > of 20 concurrent consumeOneTimeToken calls for one token, exactly one gets the record',
    ]);
    expect(failedIn('Store conformance: code verdict from a read')).toEqual([
      'Store conformance: code verdict from a read > one-time codes (checkOneTimeCode) > is exact under concurrency: 10 parallel checks of a 5-try code (one right, the rest wrong) judge at most 5, consume at most one, and count each try once',
      'Store conformance: code verdict from a read > one-time codes (checkOneTimeCode) > of 20 parallel checks with the right code, exactly one consumes it and the others get none',
    ]);
    expect(failedIn('Store conformance: check-then-update user')).toEqual([
      'Store conformance: check-then-update user > conditional user updates (updateUser with expect) > of 10 concurrent pending → active updates that expect pending, exactly one applies and its profile is the one stored',
    ]);
    expect(failedIn('Store conformance: check-then-claim unique values')).toEqual([
      'Store conformance: check-then-claim unique values > unique profile values (the unique option of createUser and updateUser) > of 10 concurrent createUser calls with one value, exactly one succeeds and the others are refused (taken) and not created',
      'Store conformance: check-then-claim unique values > unique profile values (the unique option of createUser and updateUser) > of 10 concurrent updateUser calls of different users to one value, exactly one applies',
    ]);
    expect(failedIn('Store conformance: case-sensitive email')).toEqual([
      'Store conformance: case-sensitive email > users > finds a user by email compared case-insensitively',
    ]);
    // Truncated Dates break every exact comparison of a user; the round-trip test names the cause.
    expect(failedIn('Store conformance: seconds only')).toContain(
      'Store conformance: seconds only > users > round-trips every field: Dates to the millisecond, nulls, and a nested JSON profile',
    );
    // Integer ids: a string where a number belongs, and an id given twice.
    expect(failedIn('Store conformance: ids as strings')).toContain(
      'Store conformance: ids as strings > user ids (integer) > createUser with id null returns the id it assigned, and the user is stored under it as a number',
    );
    expect(failedIn('Store conformance: reused ids')).toEqual([
      'Store conformance: reused ids > user ids (integer) > never gives the id of a deleted user to a new one',
    ]);
    expect(failedIn('RateLimitStore conformance: read-then-write hit')).toEqual([
      'RateLimitStore conformance: read-then-write hit > is atomic: 30 concurrent hits on one key return the counts 1..30, each exactly once',
    ]);
    // Everything else passes: the suites test one contract at a time.
    expect(testsIn(files.flatMap((file) => file.tasks), 'pass').length).toBeGreaterThan(100);
  }, 60_000);

  it('refuses options without a name or a createStore, saying what to give', () => {
    expect(() => runStoreConformance({ name: '', createStore: () => ({}) as never })).toThrow(/give a `name`/);
    expect(() => runStoreConformance({ name: 'x' } as never)).toThrow(/give `createStore`/);
    expect(() => runRateLimitStoreConformance({ name: 'x' } as never)).toThrow(/give `createStore`/);
    expect(() => runStoreConformance({ name: 'x', createStore: () => ({}) as never, userIds: 'bigint' as never })).toThrow(/`userIds` must be 'string' or 'integer'/);
  });
});

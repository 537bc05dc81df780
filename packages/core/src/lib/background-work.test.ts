import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../test-support/mail-fixtures.js';
import { backgroundWork } from './background-work.js';

/** Lets every queued microtask run, but no macrotask. */
async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe('backgroundWork', () => {
  it('runs deferred work only after the current turn, so even synchronous work cannot delay an answer built in microtasks', async () => {
    const { defer, settled } = backgroundWork(recordingLogger());
    const order: string[] = [];
    // A flow that defers work and answers; the work blocks like a synchronous driver would.
    const answer = (async () => {
      await Promise.resolve();
      defer('blocking write', async () => {
        const until = performance.now() + 20;
        while (performance.now() < until) {
          // better-sqlite3 does its I/O inside the call, like this.
        }
        order.push('work');
      });
      return 'answer';
    })().then((value) => order.push(value));
    await answer;
    await drainMicrotasks();
    expect(order).toEqual(['answer']);
    await settled();
    expect(order).toEqual(['answer', 'work']);
  });

  it('logs a failure with its label, never rejects, and waits for work deferred while waiting', async () => {
    const logger = recordingLogger();
    const { defer, settled } = backgroundWork(logger);
    const done: string[] = [];
    defer('first', async () => {
      defer('second', async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        done.push('second');
      });
      throw new Error('store down');
    });
    await expect(settled()).resolves.toBeUndefined();
    expect(done).toEqual(['second']);
    expect(logger.entries).toEqual([
      { level: 'error', message: 'gatehouse: background work failed', details: { work: 'first', error: expect.objectContaining({ message: 'store down' }) } },
    ]);
  });

  it('survives a logger that throws', async () => {
    const { defer, settled } = backgroundWork({
      warn() {},
      error() {
        throw new Error('logger down');
      },
    });
    defer('failing', async () => {
      throw new Error('store down');
    });
    await expect(settled()).resolves.toBeUndefined();
  });

  it('resolves at once when nothing is pending', async () => {
    await expect(backgroundWork(recordingLogger()).settled()).resolves.toBeUndefined();
  });
});

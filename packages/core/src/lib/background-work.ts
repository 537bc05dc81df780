import type { Logger } from '../ports/logger.js';

/** Work a flow starts after its answer, tracked until it has finished. */
export interface BackgroundWork {
  /** Runs `work` once the current request has been answered (see {@link backgroundWork}); a failure is logged, never thrown. */
  defer(label: string, work: () => Promise<void>): void;
  /** Resolves once nothing is pending, work deferred while waiting included. Never rejects. */
  settled(): Promise<void>;
}

// The earliest turn of the event loop after the current one. Not a microtask
// (`queueMicrotask`, `Promise.then`, `process.nextTick`): the flow that defers is about to
// resolve, and the HTTP layer builds and writes its answer in the microtasks that follow. Work
// queued as a microtask would be queued ahead of them, and a synchronous driver such as
// better-sqlite3 does its whole write inside the call, so the answer would still wait for the
// write, and only for accounts that exist. `setImmediate` runs once the microtask queue has
// drained, that is after the answer has been handed to the socket (the fetch handler and the
// adapters write it without awaiting any I/O). `setTimeout(0)` stands in where a runtime has
// no `setImmediate`.
const nextTurn: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => void setImmediate(run) : (run) => void setTimeout(run, 0);

/**
 * Tracks the work an instance defers. Deferred work must bound itself (stores and the mailer
 * are called with timeouts) and report its own failures as events (`deliver` reports
 * `mail.failed`); anything that still escapes is logged here, so nothing is lost silently.
 */
export function backgroundWork(logger: Logger): BackgroundWork {
  // A count and the waiters, rather than a promise per job: `defer` runs on the answer's path,
  // so it does as little as it can there.
  let pending = 0;
  let waiting: (() => void)[] = [];

  async function run(label: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      try {
        logger.error('gatehouse: background work failed', { work: label, error });
      } catch {
        // A broken logger must not turn into an unhandled rejection.
      }
    } finally {
      pending -= 1;
      if (pending === 0) {
        const wake = waiting;
        waiting = [];
        for (const resolve of wake) resolve();
      }
    }
  }

  function defer(label: string, work: () => Promise<void>): void {
    pending += 1;
    nextTurn(() => void run(label, work));
  }

  function settled(): Promise<void> {
    // Work deferred while waiting (by other work, or by a request) counts too: it is pending
    // before what deferred it has finished.
    if (pending === 0) return Promise.resolve();
    return new Promise((resolve) => waiting.push(resolve));
  }

  return { defer, settled };
}

// Helpers for the server scripts. A server script runs as its own process, started by the
// runner (lib/harness.mjs): it reads its settings from BENCH_CONFIG, listens on 127.0.0.1
// port 0, and prints one JSON line `{"ready":true,"port":…}` (plus the token it wants the load
// to send). It answers two IPC messages for the event-loop monitor: `eld:reset`, `eld:read`.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** @returns {Record<string, any>} */
export function benchConfig() {
  return JSON.parse(process.env.BENCH_CONFIG ?? '{}');
}

/**
 * Tells the runner the server is up.
 *
 * @param {number} port
 * @param {Record<string, unknown>} [extra] e.g. `{ headers }` the load must send.
 */
export function announce(port, extra = {}) {
  process.stdout.write(`${JSON.stringify({ ready: true, port, ...extra })}\n`);
}

/** Reports a start-up failure to the runner and exits. */
export function fail(/** @type {unknown} */ error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stdout.write(`${JSON.stringify({ ready: false, error: message })}\n`);
  process.exit(1);
}

/**
 * Samples this process's event-loop delay (1 ms resolution) on request, and answers the runner
 * over IPC: `{ type: 'eld:reset' }` starts a window, `{ type: 'eld:read' }` ends it and returns
 * its percentiles in ms. Off between windows, so an idle server never wakes up.
 */
export function installEventLoopMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  process.on('message', (/** @type {any} */ message) => {
    if (message?.type === 'eld:reset') {
      histogram.reset();
      histogram.enable();
      process.send?.({ type: 'eld:reset:done' });
    } else if (message?.type === 'eld:read') {
      histogram.disable();
      const ms = (/** @type {number} */ ns) => Math.round((ns / 1e6) * 100) / 100;
      process.send?.({
        type: 'eld',
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
      });
    }
  });
  // The IPC channel must not keep a server alive once the runner is gone.
  process.on('disconnect', () => process.exit(0));
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

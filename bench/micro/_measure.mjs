// Time-bounded measurement helpers for the in-process benchmarks. Each subject runs for a fixed
// time per round, and rounds go subject by subject (a, b, c, a, b, c, …) so that any drift of
// the machine lands on every subject alike.

/**
 * Ops per second of a synchronous function, run in batches until `ms` have passed.
 *
 * @param {() => unknown} fn
 * @param {number} ms
 */
export function opsPerSecondSync(fn, ms) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 1000; i += 1) fn();
    ops += 1000;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/**
 * Ops per second of an async function called by `concurrency` loops until `ms` have passed;
 * calls in flight at the deadline are waited for and counted.
 *
 * @param {(i: number) => Promise<unknown>} fn
 * @param {number} ms
 * @param {number} [concurrency]
 */
export async function opsPerSecondAsync(fn, ms, concurrency = 1) {
  let ops = 0;
  let i = 0;
  const start = performance.now();
  const deadline = start + ms;
  async function loop() {
    while (performance.now() < deadline) {
      await fn(i++);
      ops += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  return (ops * 1000) / (performance.now() - start);
}

/**
 * Runs `rounds` interleaved rounds over the subjects and returns each subject's per-round ops/s.
 *
 * @param {Record<string, (ms: number) => Promise<number> | number>} subjects
 * @param {{ rounds: number, ms: number, warmupMs?: number }} options
 * @returns {Promise<Record<string, number[]>>}
 */
export async function interleave(subjects, options) {
  /** @type {Record<string, number[]>} */
  const results = {};
  for (const [name, run] of Object.entries(subjects)) {
    results[name] = [];
    if (options.warmupMs) await run(options.warmupMs);
  }
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [name, run] of Object.entries(subjects)) results[name].push(await run(options.ms));
  }
  return results;
}

/** Prints the result document and exits (one JSON line on stdout is the protocol). */
export function done(/** @type {unknown} */ result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** @returns {Record<string, any>} */
export function options() {
  return JSON.parse(process.argv[2] ?? '{}');
}

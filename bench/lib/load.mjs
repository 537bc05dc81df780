// The load generator. Always run as its own process (see `runLoad` in ./harness.mjs), so it
// never shares an event loop with the server it measures:
//
//   node bench/lib/load.mjs '<json options>'
//
// Options: { url, connections, duration, warmup?, method?, headers?, body?, uniqueEmails?, probe? }.
// `warmup` (seconds) runs the same load first, unrecorded, in the same process.
// `uniqueEmails: true` rewrites `__N__` in the body with a counter, so every request registers
// a new address. `probe: { url, rate }` runs a second, rate-limited client at the same time
// (a bare route's latency while the main client storms another route).
// Prints one JSON line: { main: Summary, probe?: Summary }.
import autocannon from 'autocannon';

/**
 * @typedef {object} Summary
 * @property {number} rps Mean requests per second over the run.
 * @property {number} total Requests completed.
 * @property {number} non2xx Responses outside 2xx.
 * @property {number} errors Socket errors and timeouts.
 * @property {{ p50: number, p99: number, max: number }} latency Milliseconds.
 */

const options = JSON.parse(process.argv[2] ?? '{}');

/**
 * @param {object} spec
 * @returns {Promise<import('autocannon').Result>}
 */
function run(spec) {
  /** @type {Record<string, unknown>} */
  const request = {};
  if (spec.uniqueEmails) {
    let counter = 0;
    const prefix = `${process.pid}-${Date.now().toString(36)}`;
    request.setupRequest = (/** @type {any} */ req) => {
      counter += 1;
      return { ...req, body: String(spec.body).replaceAll('__N__', `${prefix}-${counter}`) };
    };
  }
  return autocannon({
    url: spec.url,
    connections: spec.connections ?? 50,
    duration: spec.duration ?? 3,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    body: spec.body,
    pipelining: 1,
    timeout: 10,
    overallRate: spec.rate,
    warmup: spec.warmup ? { connections: spec.connections ?? 50, duration: spec.warmup } : undefined,
    requests: spec.uniqueEmails ? [request] : undefined,
  });
}

/** @returns {Summary} */
function summarize(/** @type {any} */ result) {
  return {
    rps: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}

const jobs = [run(options)];
if (options.probe) {
  jobs.push(run({ url: options.probe.url, connections: 1, duration: options.duration, rate: options.probe.rate }));
}
const [main, probe] = await Promise.all(jobs);
process.stdout.write(`${JSON.stringify({ main: summarize(main), probe: probe ? summarize(probe) : undefined })}\n`);

#!/usr/bin/env node
// Gatehouse's benchmarks: ratios against baselines and peers measured side by side in one run.
//
//   pnpm bench            every scenario, several rounds; writes bench/results/latest.json,
//                         bench/results/chart.svg and the generated part of docs/performance.md
//   pnpm bench:quick      one short round of fewer scenarios (< 60 s); one line per target;
//                         writes bench/results/quick.json (not committed)
//
// Options: --rounds N, --duration S (seconds per HTTP round), --connections N, --only REGEX
// (scenario ids), --no-build (do not build stale Gatehouse packages), --no-docs.
//
// Servers and the load generator (autocannon) each run in their own process on 127.0.0.1;
// nothing here is a timed test: every figure that matters is a ratio to a baseline measured in
// the same run, in interleaved rounds (bare, protected, peer, bare, protected, peer, …).
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGatehouse } from './lib/build.mjs';
import { peerToken, USER } from './lib/fixtures.mjs';
import { BENCH_DIR, REPO_DIR, missingPackage, resetPostgres, waitForBuilds } from './lib/gatehouse.mjs';
import { canNice, canPin, checkRoute, niceness, runJSON, runLoad, spread, startServer } from './lib/harness.mjs';
import { printTable, targetLines } from './lib/report.mjs';
import { HTTP_SCENARIOS, stormScenarios } from './lib/scenarios.mjs';
import { writeChart } from './lib/svg.mjs';
import { writePerformanceDoc } from './lib/docs.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});
const quick = args.quick ?? false;
const settings = {
  mode: quick ? 'quick' : 'full',
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  // autocannon counts whole seconds.
  duration: Math.max(1, Math.round(Number(args.duration ?? (quick ? 2 : 5)))),
  warmup: 1,
  connections: Number(args.connections ?? 50),
  stormDuration: quick ? 2 : 5,
  stormConnections: 8,
  probeRate: 100,
  pinned: canPin,
  niceness: canNice ? niceness : 0,
};
const only = args.only ? new RegExp(args.only) : null;
let started = performance.now();
const log = (/** @type {string} */ line) => process.stderr.write(`· ${line}\n`);

/** @type {Record<string, any>} */
const results = {
  version: 1,
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  },
  settings,
  http: [],
  storms: [],
  micro: {},
  skipped: [],
};

if (loadavg()[0] > availableParallelism()) {
  log(`warning: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores: other work is running, and the figures will be noisy`);
}

// ---------------------------------------------------------------------------------------------
// Gatehouse packages: build what is stale, then note what cannot be used.
// The quick run builds only what is missing (a fresh clone), to stay under a minute.
const buildFailures = args['no-build'] ? {} : buildGatehouse({ log, onlyMissing: quick });
process.env.BENCH_BUILD_FAILURES = JSON.stringify(buildFailures);
// The clock of the run starts after the build, which is not part of what is measured.
started = performance.now();
const unavailable = (/** @type {string[]} */ needs) => {
  for (const short of needs) {
    const reason = missingPackage(short);
    if (reason) return reason;
  }
  return null;
};
const skip = (/** @type {string} */ id, /** @type {string} */ why) => {
  const reason = why.replace(/\s+/g, ' ').trim().slice(0, 400);
  results.skipped.push({ id, reason });
  log(`skipped ${id}: ${reason}`);
};

// ---------------------------------------------------------------------------------------------
// Scenarios that can run, and their servers, all started at once (each in its own process; the
// servers sit idle, and their event-loop monitors off, until their turn comes).
const selected = HTTP_SCENARIOS.filter((s) => (!quick || s.quick) && (!only || only.test(s.id)));
await waitForBuilds(['core', 'kysely', 'hono', 'fastify', 'express']);
let postgresReason = /** @type {string | null} */ (null);
if (selected.some((s) => s.postgres && !unavailable(s.needs ?? []))) {
  postgresReason = await resetPostgres();
}
const peerAuthorization = `Bearer ${await peerToken()}`;
const httpRunnable = selected.filter((s) => {
  const reason = unavailable(s.needs ?? []) ?? (s.postgres ? postgresReason : null);
  if (reason) skip(s.id, reason);
  return !reason;
});
for (const framework of ['hono', 'fastify', 'express']) {
  const group = httpRunnable.filter((s) => s.framework === framework);
  if (group.length > 0 && !group.some((s) => s.kind !== 'bare')) {
    for (const s of group) {
      skip(s.id, 'nothing in its group to compare with');
      httpRunnable.splice(httpRunnable.indexOf(s), 1);
    }
  }
}
const storms = stormScenarios({ kysely: !unavailable(['core', 'kysely']), honoAdapter: !unavailable(['core', 'hono']) }).filter((s) => {
  if ((quick && !s.quick) || (only && !only.test(s.id))) return false;
  const reason = unavailable(s.needs ?? []);
  if (reason) skip(s.id, reason);
  return !reason;
});
const loginBody = JSON.stringify({ email: USER.email, password: USER.password });
// better-auth refuses a POST whose Origin is not trusted (CSRF check); its baseURL's origin is.
const loginHeaders = { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' };

log(`starting ${httpRunnable.length + storms.length} servers`);
/**
 * @template {{ id: string }} S
 * @param {S} scenario
 * @param {{ script: string, config: Record<string, unknown>, pin: boolean }} spec
 * @param {(server: import('./lib/harness.mjs').Server) => { url: string, init: { method?: string, headers: Record<string, string>, body?: string } }} route
 */
async function launch(scenario, spec, route) {
  try {
    const server = await startServer(spec);
    const { url, init } = route(server);
    const problem = await checkRoute(url, init);
    if (problem) {
      await server.stop();
      skip(scenario.id, `its route does not answer 2xx: ${problem}`);
      return null;
    }
    return { scenario, server, url, headers: init.headers, rounds: /** @type {any[]} */ ([]) };
  } catch (error) {
    skip(scenario.id, `server failed to start: ${/** @type {Error} */ (error).message}`);
    return null;
  }
}
const [httpLive, stormLive] = await Promise.all([
  Promise.all(
    httpRunnable.map((scenario) =>
      launch(scenario, { script: scenario.script, config: scenario.config, pin: true }, (server) => ({
        url: `http://127.0.0.1:${server.port}${scenario.path}`,
        init: {
          headers:
            scenario.credentials === 'cookie'
              ? { cookie: server.info.cookie }
              : { authorization: scenario.credentials === 'token' ? `Bearer ${server.info.token}` : peerAuthorization },
        },
      })),
    ),
  ),
  Promise.all(
    // Not pinned: argon2 runs on libuv's thread pool and needs both cores.
    storms.map((scenario) =>
      launch(scenario, { script: 'hono.mjs', config: scenario.config, pin: false }, (server) => ({
        url: `http://127.0.0.1:${server.port}${scenario.path}`,
        init: { method: 'POST', headers: loginHeaders, body: loginBody },
      })),
    ),
  ),
]);

// ---------------------------------------------------------------------------------------------
// HTTP: protected routes against their framework's bare route, in interleaved rounds.
for (const framework of /** @type {const} */ (['hono', 'fastify', 'express'])) {
  const live = httpLive.filter((entry) => entry !== null && entry.scenario.framework === framework).map((entry) => /** @type {NonNullable<typeof entry>} */ (entry));
  if (live.length === 0) continue;
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const entry of live) {
      const { main } = await runLoad(
        { url: entry.url, connections: settings.connections, duration: settings.duration, warmup: round === 0 ? settings.warmup : 0, headers: entry.headers },
        { pin: true },
      );
      entry.rounds.push(main);
      log(`${framework} round ${round + 1}/${settings.rounds} ${entry.scenario.id}: ${Math.round(main.rps)} req/s${main.non2xx ? `, ${main.non2xx} non-2xx` : ''}`);
    }
  }
  await Promise.all(live.map((entry) => entry.server.stop()));
  const bare = live.find((entry) => entry.scenario.kind === 'bare');
  for (const entry of live) {
    const { scenario } = entry;
    const rps = entry.rounds.map((r) => r.rps);
    const total = entry.rounds.reduce((sum, r) => sum + r.total, 0);
    const non2xx = entry.rounds.reduce((sum, r) => sum + r.non2xx, 0);
    const errors = entry.rounds.reduce((sum, r) => sum + r.errors, 0);
    const ratios = bare && entry !== bare ? entry.rounds.map((r, i) => r.rps / bare.rounds[i].rps) : null;
    const invalid = non2xx + errors > total * 0.01 ? `${non2xx} non-2xx and ${errors} errors of ${total} requests` : null;
    results.http.push({
      id: scenario.id,
      framework,
      kind: scenario.kind,
      name: scenario.name,
      mode: scenario.mode ?? null,
      setup: scenario.setup,
      rps: { ...spread(rps), rounds: rps },
      ratio: ratios && !invalid ? { ...spread(ratios), rounds: ratios } : null,
      p99Ms: spread(entry.rounds.map((r) => r.latency.p99)).median,
      non2xx,
      errors,
      invalid,
    });
    if (invalid) log(`${scenario.id} is not reported as a ratio: ${invalid}`);
    if (!bare && entry.scenario.kind !== 'bare') log(`${scenario.id}: its bare route could not be measured, so no ratio`);
  }
}

// ---------------------------------------------------------------------------------------------
// Login storms: sign-in throughput, and the same server's event-loop delay meanwhile.
{
  const live = stormLive.filter((entry) => entry !== null).map((entry) => /** @type {NonNullable<typeof entry>} */ (entry));
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const entry of live) {
      await entry.server.resetEventLoopDelay();
      const { main, probe } = await runLoad({
        url: entry.url,
        method: 'POST',
        headers: loginHeaders,
        body: loginBody,
        connections: settings.stormConnections,
        duration: settings.stormDuration,
        probe: { url: `http://127.0.0.1:${entry.server.port}/bare`, rate: settings.probeRate },
      });
      const eld = await entry.server.readEventLoopDelay();
      entry.rounds.push({ main, probe, eld });
      log(`login storm round ${round + 1}/${settings.rounds} ${entry.scenario.id}: ${main.rps.toFixed(1)} logins/s, event-loop p99 ${eld.p99} ms, probe p99 ${probe?.latency.p99} ms`);
    }
  }
  await Promise.all(live.map((entry) => entry.server.stop()));
  for (const entry of live) {
    const total = entry.rounds.reduce((sum, r) => sum + r.main.total, 0);
    const failed = entry.rounds.reduce((sum, r) => sum + r.main.non2xx + r.main.errors, 0);
    results.storms.push({
      id: entry.scenario.id,
      kind: entry.scenario.kind,
      name: entry.scenario.name,
      setup: entry.scenario.setup,
      rps: { ...spread(entry.rounds.map((r) => r.main.rps)), rounds: entry.rounds.map((r) => r.main.rps) },
      eventLoopP99Ms: spread(entry.rounds.map((r) => r.eld.p99)),
      eventLoopMaxMs: spread(entry.rounds.map((r) => r.eld.max)),
      probeP99Ms: spread(entry.rounds.map((r) => r.probe.latency.p99)),
      failed,
      invalid: total === 0 ? 'no login completed within a round' : failed > total * 0.01 ? `${failed} failed of ${total} logins` : null,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// In-process benchmarks, each in a fresh process.
/**
 * @param {string} name
 * @param {string} script
 * @param {Record<string, unknown>} options
 * @param {{ nodeArgs?: string[], timeoutMs?: number }} [extra]
 */
async function micro(name, script, options, extra = {}) {
  if (only && !only.test(name)) return;
  await waitForBuilds(['core', 'kysely', 'hono']);
  log(`${name}: running`);
  try {
    results.micro[name] = await runJSON(join(BENCH_DIR, 'micro', script), [JSON.stringify(options)], extra);
  } catch (error) {
    results.micro[name] = { skipped: `failed: ${/** @type {Error} */ (error).message}` };
  }
  const skipped = results.micro[name].skipped;
  if (typeof skipped === 'string') skip(name, skipped);
  else for (const [what, reason] of Object.entries(skipped ?? {})) skip(`${name}/${what}`, String(reason));
}

// Short rounds, many of them: interleaving finely is what cancels the machine's drift.
await micro('tokens', 'tokens.mjs', { rounds: quick ? 3 : 8, ms: quick ? 200 : 1000, warmupMs: quick ? 100 : 300 });
await micro('passwords', 'passwords.mjs', { rounds: quick ? 3 : 8, ms: quick ? 300 : 1500, concurrency: 2, warmupMs: quick ? 150 : 300 });
await micro('refresh-sqlite', 'refresh.mjs', { store: 'sqlite', rounds: quick ? 3 : 6, ms: quick ? 300 : 1000, warmupMs: quick ? 100 : 300 });
if (!quick) await micro('refresh-postgres', 'refresh.mjs', { store: 'postgres', rounds: 6, ms: 1000, warmupMs: 300 });
await micro(
  'memory',
  'memory.mjs',
  quick ? { rateLimitKeys: 150_000, tokenKeys: 15_000, timeLimitMs: 4000 } : { rateLimitKeys: 1_000_000, tokenKeys: 1_000_000, timeLimitMs: 90_000 },
  { nodeArgs: ['--expose-gc'], timeoutMs: 400_000 },
);
await micro('footprint', 'footprint.mjs', { samples: quick ? 2 : 7 });

// ---------------------------------------------------------------------------------------------
results.machine.loadAverageAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
results.seconds = Math.round((performance.now() - started) / 100) / 10;
results.targets = targetLines(results);

if (!quick) printTable(results);
process.stdout.write('\n');
for (const target of results.targets) process.stdout.write(`${target.line}\n`);
for (const target of results.targets.filter((t) => t.unreliable)) process.stdout.write(`unreliable: ${target.line.replace(/ ratio=.*/, '')}: ${target.unreliable}\n`);
for (const { id, reason } of results.skipped) process.stdout.write(`skipped: ${id}: ${reason}\n`);
process.stdout.write(`${settings.mode} run took ${results.seconds} s (load average ${results.machine.loadAverageAtStart[0]} at the start, ${results.machine.loadAverageAtEnd[0]} at the end, ${results.machine.cores} cores)\n`);

const resultsDir = join(BENCH_DIR, 'results');
mkdirSync(resultsDir, { recursive: true });
if (quick || only) {
  writeFileSync(join(resultsDir, quick ? 'quick.json' : 'partial.json'), `${JSON.stringify(results, null, 2)}\n`);
} else {
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeChart(results, join(resultsDir, 'chart.svg'));
  if (!args['no-docs']) writePerformanceDoc(results, join(REPO_DIR, 'docs', 'performance.md'));
  log('wrote bench/results/latest.json, bench/results/chart.svg' + (args['no-docs'] ? '' : ' and docs/performance.md'));
}

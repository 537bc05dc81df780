// The printed table and the one-line-per-target summary, both read from the results document.
import { spread } from './harness.mjs';

/** @param {number | null | undefined} x @param {number} [digits] */
export function fixed(x, digits = 2) {
  return x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);
}

/** @param {number} x */
export function count(x) {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(1);
}

/** @param {{ median: number, min: number, max: number }} s @param {(x: number) => string} [f] */
export function range(s, f = count) {
  return s.min === s.max ? f(s.median) : `${f(s.min)}–${f(s.max)}`;
}

/**
 * Per-round ratios a[i] / b[i] of two subjects measured in the same interleaved rounds.
 *
 * @param {number[] | undefined} a
 * @param {number[] | undefined} b
 */
export function pairedRatio(a, b) {
  if (!a?.length || !b?.length) return null;
  return spread(a.map((x, i) => x / b[Math.min(i, b.length - 1)]));
}

/**
 * @typedef {object} TargetLine
 * @property {number} target The issue's target number (1–6).
 * @property {string} line `<target> <framework> <mode> … ratio=<x.xx>`
 * @property {number | null} ratio
 * @property {string | null} goal e.g. `>= 0.90`
 * @property {boolean | null} met
 * @property {string | null} [unreliable] Why the figure should not be trusted (rounds too far apart).
 */

/**
 * @param {Record<string, any>} results
 * @returns {TargetLine[]}
 */
export function targetLines(results) {
  /** @type {TargetLine[]} */
  const lines = [];
  const skippedIds = new Map(results.skipped.map((/** @type {any} */ s) => [s.id, s.reason]));
  /**
   * @param {number} target @param {string} text @param {number | null} ratio
   * @param {{ atLeast?: number, below?: number }} [goal]
   */
  const add = (target, text, ratio, goal = {}) => {
    const goalText = goal.atLeast !== undefined ? `>= ${fixed(goal.atLeast)}` : goal.below !== undefined ? `< ${fixed(goal.below)}` : null;
    const met =
      ratio === null ? null : goal.atLeast !== undefined ? ratio >= goal.atLeast : goal.below !== undefined ? ratio < goal.below : null;
    lines.push({ target, line: `${text} ratio=${ratio === null ? 'skipped' : fixed(ratio)}`, ratio, goal: goalText, met });
  };

  // 1. Protected route as a share of the same framework's bare route.
  const goals = /** @type {Record<string, Record<string, number>>} */ ({
    stateless: { hono: 0.9, fastify: 0.9, express: 0.95 },
    sqlite: { hono: 0.7, fastify: 0.7, express: 0.7 },
  });
  const wanted = results.settings.mode === 'quick' ? ['hono/stateless', 'fastify/stateless', 'express/stateless', 'hono/sqlite'] : null;
  for (const framework of ['hono', 'fastify', 'express']) {
    for (const mode of ['stateless', 'sqlite', 'postgres']) {
      if (wanted && !wanted.includes(`${framework}/${mode}`)) continue;
      const id = `${framework}/gatehouse/${mode}`;
      const entry = results.http.find((/** @type {any} */ h) => h.id === id);
      if (!entry && !skippedIds.has(id)) continue;
      const goal = goals[mode]?.[framework];
      add(1, `protected-route ${framework} ${mode}`, entry?.ratio?.median ?? null, goal === undefined ? {} : { atLeast: goal });
      const r = entry?.ratio;
      // A protected route cannot be faster than its bare route; rounds that far apart mean the
      // machine was busy with something else.
      if (r && (r.median > 1.05 || (r.rounds.length > 1 && (r.max - r.min) / r.median > 0.5))) {
        lines[lines.length - 1].unreliable = `rounds from ${fixed(r.min)} to ${fixed(r.max)}`;
      }
    }
  }

  // 2. authenticate() in process against node:crypto's raw HMAC verify.
  const tokens = results.micro.tokens?.opsPerSecond;
  if (tokens || results.micro.tokens) {
    for (const [kind, key] of [['hit', 'authenticate-hit'], ['miss', 'authenticate-miss']]) {
      const ratio = pairedRatio(tokens?.[key], tokens?.['hmac-raw']);
      const ops = tokens?.[key] ? spread(tokens[key]).median : null;
      add(2, `authenticate in-process ${kind} ops/s=${ops === null ? 'n/a' : Math.round(ops)} hmac-ops/s=${tokens?.['hmac-raw'] ? Math.round(spread(tokens['hmac-raw']).median) : 'n/a'}`, ratio?.median ?? null);
    }
  }

  // 3. Login and register against raw argon2; the event loop during a login storm.
  const passwords = results.micro.passwords?.opsPerSecond;
  if (passwords || results.micro.passwords) {
    for (const [flow, raw] of [['login', 'argon2-verify'], ['register', 'argon2-hash']]) {
      const ratio = pairedRatio(passwords?.[flow], passwords?.[raw]);
      const ops = passwords?.[flow] ? spread(passwords[flow]).median : null;
      const rawOps = passwords?.[raw] ? spread(passwords[raw]).median : null;
      add(3, `${flow} in-process argon2id ops/s=${fixed(ops, 1)} raw-${raw.slice(7)}-ops/s=${fixed(rawOps, 1)}`, ratio?.median ?? null, { atLeast: 0.9 });
    }
  }
  const hashMs = results.micro.passwords?.singleHashMs ?? null;
  const rawVerify = passwords?.['argon2-verify'] ? spread(passwords['argon2-verify']).median : null;
  const gatehouseStorm = results.storms.find((/** @type {any} */ s) => s.id === 'login/gatehouse');
  if (gatehouseStorm || skippedIds.has('login/gatehouse')) {
    const peers = results.storms
      .filter((/** @type {any} */ s) => s.kind !== 'gatehouse')
      .map((/** @type {any} */ s) => `${s.id.slice(6)}=${fixed(s.eventLoopP99Ms.median, 1)}ms`)
      .join(' ');
    const p99 = gatehouseStorm && !gatehouseStorm.invalid ? gatehouseStorm.eventLoopP99Ms.median : null;
    add(3, `login-storm hono event-loop-p99=${fixed(p99, 1)}ms ${peers} one-hash=${fixed(hashMs, 1)}ms`, p99 !== null && hashMs ? p99 / hashMs : null, { below: 1 });
  }
  for (const storm of results.storms.filter((/** @type {any} */ s) => s.kind !== 'reference')) {
    const ratio = storm.invalid || !rawVerify ? null : storm.rps.median / rawVerify;
    add(3, `login-http ${storm.id.slice(6)} logins/s=${fixed(storm.rps.median, 1)} raw-verify-ops/s=${fixed(rawVerify, 1)}`, ratio, storm.kind === 'gatehouse' ? { atLeast: 0.9 } : {});
  }

  // 4. Refresh: rotations per second and statements per flow.
  for (const store of ['sqlite', 'postgres']) {
    const refresh = results.micro[`refresh-${store}`];
    if (!refresh) continue;
    const ratio = pairedRatio(refresh.opsPerSecond?.['gatehouse-refresh'], refresh.opsPerSecond?.['kysely-minimal-rotate']);
    const ops = refresh.opsPerSecond ? spread(refresh.opsPerSecond['gatehouse-refresh']).median : null;
    const q = refresh.queriesPerFlow;
    const queries = q
      ? `login:${q.login},refresh:${q.refresh},authenticate:${q['authenticate (first use, cache miss)']}/${q['authenticate (cached token)']},logout:${q.logout}`
      : 'n/a';
    add(4, `refresh ${store} ops/s=${ops === null ? 'n/a' : Math.round(ops)} queries=${queries}`, ratio?.median ?? null);
  }

  // 5. Footprint against better-auth.
  const footprint = results.micro.footprint;
  if (footprint) {
    const mine = footprint.importMs?.gatehouse;
    const theirs = footprint.importMs?.['better-auth'];
    const label = footprint.modules?.gatehouse?.map((/** @type {string} */ m) => m.replace('@gatehouse-auth/', '')).join('+') ?? 'core+adapter';
    const ms = (/** @type {number[] | undefined} */ s) => (s ? fixed(spread(s).median, 0) : 'n/a');
    add(5, `footprint import ${label} ms=${ms(mine)} better-auth ms=${ms(theirs)}`, mine && theirs ? spread(mine).median / spread(theirs).median : null);
    const a = footprint.installed?.gatehouse?.bytes;
    const b = footprint.installed?.['better-auth']?.bytes;
    const kb = (/** @type {number | undefined} */ x) => (x ? Math.round(x / 1024) : 'n/a');
    add(5, `footprint installed ${label} kB=${kb(a)} better-auth kB=${kb(b)}`, a && b ? a / b : null);
  }

  // 6. Memory under a million distinct keys.
  const memory = results.micro.memory;
  if (memory) {
    for (const name of ['rate-limit-store', 'token-cache']) {
      const m = memory[name];
      const mb = (/** @type {number} */ x) => fixed(x / 2 ** 20, 1);
      add(
        6,
        m
          ? `memory ${name} keys=${m.keys} retained=${mb(m.retainedBytes)}MB peak=${mb(m.peakBytes)}MB bound=${mb(m.boundBytes)}MB ${name === 'rate-limit-store' ? `hits/s=${Math.round(m.hitsPerSecond)}` : `misses/s=${Math.round(m.missesPerSecond)}`}`
          : `memory ${name}`,
        m ? m.retainedBytes / m.boundBytes : null,
        { below: 1 },
      );
    }
  }
  return lines;
}

/** @param {string[][]} rows */
function printRows(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [index, row] of rows.entries()) {
    process.stdout.write(`${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}\n`);
    if (index === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
}

/**
 * The rows of the HTTP table (shared with docs/performance.md).
 *
 * @param {Record<string, any>} results
 */
export function httpRows(results) {
  return results.http.map((/** @type {any} */ h) => [
    `${h.framework} · ${h.name}${h.mode ? ` (${h.mode})` : ''}`,
    count(h.rps.median),
    range(h.rps),
    h.kind === 'bare' ? '1.00' : h.ratio ? fixed(h.ratio.median) : h.invalid ? 'invalid' : 'n/a',
    h.kind === 'bare' ? '' : h.ratio ? range(h.ratio, (x) => fixed(x)) : '',
    fixed(h.p99Ms, 0),
  ]);
}

/** @param {Record<string, any>} results */
export function stormRows(results) {
  return results.storms.map((/** @type {any} */ s) => [
    s.name + (s.id.endsWith('argon2') ? ' (argon2)' : s.id.endsWith('scrypt') ? ' (scrypt)' : ''),
    fixed(s.rps.median, 1),
    range(s.rps, (x) => fixed(x, 1)),
    fixed(s.eventLoopP99Ms.median, 1),
    fixed(s.eventLoopMaxMs.median, 1),
    fixed(s.probeP99Ms.median, 0),
  ]);
}

/** @param {Record<string, any>} results */
export function microRows(results) {
  /** @type {string[][]} */
  const rows = [];
  /** @param {string} group @param {Record<string, string>} baselines subject → its baseline; absent: it is a baseline */
  const section = (group, baselines) => {
    const ops = results.micro[group]?.opsPerSecond;
    if (!ops) return;
    for (const [name, values] of Object.entries(ops)) {
      const s = spread(/** @type {number[]} */ (values));
      const baseline = baselines[name];
      const ratio = baseline ? pairedRatio(/** @type {number[]} */ (values), ops[baseline]) : null;
      rows.push([`${group} · ${name}`, count(s.median), range(s), baseline ? `${fixed(ratio?.median)} of ${baseline}` : 'baseline', ratio ? range(ratio, (x) => fixed(x)) : '']);
    }
  };
  section('tokens', { 'jose-verify': 'hmac-raw', 'authenticate-hit': 'hmac-raw', 'authenticate-miss': 'hmac-raw', 'authenticate-session-memory': 'hmac-raw' });
  section('passwords', { login: 'argon2-verify', register: 'argon2-hash' });
  section('refresh-sqlite', { 'gatehouse-refresh': 'kysely-minimal-rotate' });
  section('refresh-postgres', { 'gatehouse-refresh': 'kysely-minimal-rotate' });
  return rows;
}

/** @param {Record<string, any>} results */
export function printTable(results) {
  process.stdout.write(`\nProtected routes (req/s; ratio = share of the same framework's bare route, per round)\n\n`);
  printRows([['scenario', 'median', 'min–max', 'ratio', 'ratio min–max', 'p99 ms'], ...httpRows(results)]);
  if (results.storms.length) {
    process.stdout.write(`\nLogin storms (${results.settings.stormConnections} connections; a bare route probed ${results.settings.probeRate}/s meanwhile)\n\n`);
    printRows([['sign-in', 'logins/s', 'min–max', 'loop p99 ms', 'loop max ms', 'probe p99 ms'], ...stormRows(results)]);
  }
  const micro = microRows(results);
  if (micro.length) {
    process.stdout.write(`\nIn process (ops/s; ratio to the named baseline, measured in the same interleaved rounds)\n\n`);
    printRows([['subject', 'median', 'min–max', 'ratio', 'ratio min–max'], ...micro]);
  }
}

// Writes the generated part of docs/performance.md (between the bench:generated markers) from a
// results document; the hand-written text around it is kept as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fixed, httpRows, microRows, stormRows } from './report.mjs';
import { ARGON2 } from './fixtures.mjs';

const START = '<!-- bench:generated:start (written by `pnpm bench`; edit bench/lib/docs.mjs instead) -->';
const END = '<!-- bench:generated:end -->';

/** @param {string[]} header @param {string[][]} rows @param {{ left?: boolean }} [options] all columns left-aligned */
function table(header, rows, options = {}) {
  const cell = (/** @type {string} */ s) => s.replace(/\|/g, '\\|');
  const rule = header.map((_, i) => (i === 0 || options.left ? '---' : '---:'));
  return [`| ${header.map(cell).join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/**
 * @param {Record<string, any>} results
 * @returns {string}
 */
export function renderGenerated(results) {
  const m = results.machine;
  const s = results.settings;
  const out = [START, ''];
  out.push(`Measured on **${results.date.slice(0, 10)}** (${results.date}) on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}.`);
  out.push(
    `Load average ${m.loadAverageAtStart.join(' / ')} at the start and ${m.loadAverageAtEnd?.join(' / ') ?? 'n/a'} at the end (other work on the machine shows here).`,
    `HTTP: ${s.rounds} interleaved round${s.rounds === 1 ? '' : 's'} × ${s.duration} s per scenario after a ${s.warmup} s warm-up, ${s.connections} connections, autocannon in its own process${s.pinned ? ' pinned to CPU 1, servers pinned to CPU 0' : ''}${s.niceness ? `, both at nice ${s.niceness}` : ''}. Login storms: ${s.stormConnections} connections × ${s.stormDuration} s per round, a bare route probed ${s.probeRate}/s on the same server. The whole run took ${results.seconds} s.`,
    '',
    '![Protected-route ratios and sign-in throughput](../bench/results/chart.svg)',
    '',
    '### Targets',
    '',
  );
  out.push(
    table(
      ['target', 'measured', 'goal', 'met'],
      results.targets.map((/** @type {any} */ t) => [String(t.target), `\`${t.line}\``, t.goal ?? 'report', t.unreliable ? `unreliable (${t.unreliable})` : t.met === null ? (t.ratio === null ? 'not measured' : '–') : t.met ? 'yes' : `**no** (${fixed(t.ratio)} vs ${t.goal})`]),
      { left: true },
    ),
  );
  out.push('', '### Protected routes', '', 'Requests per second; ratio = share of the same framework’s bare route measured in the same round (median of the rounds, and their min–max).', '');
  out.push(table(['scenario', 'req/s', 'min–max', 'ratio', 'ratio min–max', 'p99 ms'], httpRows(results)));
  if (results.storms.length) {
    out.push('', '### Login storms', '', 'Sign-ins per second with their event-loop delay (the server’s own `monitorEventLoopDelay`, 1 ms resolution) and the p99 latency of a bare route asked 100 times a second on the same server meanwhile.', '');
    out.push(table(['sign-in', 'logins/s', 'min–max', 'event loop p99 ms', 'event loop max ms', 'bare route p99 ms'], stormRows(results)));
  }
  const micro = microRows(results);
  if (micro.length) {
    out.push('', '### In process', '', 'Operations per second in one process, subjects interleaved round by round; ratio to the named baseline of the same rounds. Password subjects keep two calls in flight (both cores).', '');
    out.push(table(['subject', 'ops/s', 'min–max', 'ratio', 'ratio min–max'], micro));
  }
  const refreshRows = ['sqlite', 'postgres']
    .map((store) => [store, results.micro[`refresh-${store}`]?.queriesPerFlow])
    .filter(([, q]) => q)
    .map(([store, q]) => [/** @type {string} */ (store), ...Object.values(/** @type {Record<string, number>} */ (q)).map(String)]);
  if (refreshRows.length) {
    const keys = Object.keys(results.micro['refresh-sqlite']?.queriesPerFlow ?? results.micro['refresh-postgres']?.queriesPerFlow);
    out.push('', '### SQL statements per flow', '', 'Counted with Kysely’s `log` on `@gatehouse-auth/kysely`; transaction control (`begin`, `commit`) is not counted. The minimal rotation the refresh ratio is taken against sends 3.', '');
    out.push(table(['store', ...keys], refreshRows));
    for (const store of ['sqlite', 'postgres']) {
      const detail = results.micro[`refresh-${store}`]?.statementsPerFlow;
      if (!detail) continue;
      out.push('', `<details><summary>Statements on ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (first words)</summary>`, '');
      for (const [flow, list] of Object.entries(detail)) out.push(`- ${flow}: ${/** @type {string[]} */ (list).map((sql) => `\`${sql}\``).join(', ')}`);
      out.push('', '</details>');
    }
  }
  const footprint = results.micro.footprint;
  if (footprint?.importMs) {
    out.push('', '### Footprint', '', 'Cold `import()` in a fresh Node process (start-up excluded), median of the samples; installed size = the packages and their dependencies (native binaries included, peer dependencies excluded).', '');
    /** @type {string[][]} */
    const rows = [];
    for (const name of Object.keys(footprint.modules)) {
      const samples = footprint.importMs[name];
      const sorted = samples ? [...samples].sort((a, b) => a - b) : null;
      const installed = footprint.installed?.[name];
      rows.push([
        footprint.modules[name].join(' + '),
        sorted ? fixed(sorted[sorted.length >> 1], 0) : 'n/a',
        sorted ? `${fixed(sorted[0], 0)}–${fixed(sorted[sorted.length - 1], 0)}` : '',
        installed ? `${Math.round(installed.bytes / 1024).toLocaleString('en-US')} kB` : 'n/a',
        installed ? String(installed.packages) : '',
      ]);
    }
    out.push(table(['modules', 'import ms', 'min–max', 'installed', 'packages'], rows));
  }
  const memory = results.micro.memory;
  if (memory && (memory['rate-limit-store'] || memory['token-cache'])) {
    out.push('', '### Memory under distinct keys', '', 'Heap after a full GC, minus the heap before the flood; peak sampled during it.', '');
    const rows = ['rate-limit-store', 'token-cache']
      .filter((name) => memory[name])
      .map((name) => {
        const x = memory[name];
        const mb = (/** @type {number} */ b) => `${fixed(b / 2 ** 20, 1)} MB`;
        return [name, x.keys.toLocaleString('en-US'), mb(x.retainedBytes), mb(x.peakBytes), `${mb(x.boundBytes)} (${x.bound})`, Math.round(x.hitsPerSecond ?? x.missesPerSecond).toLocaleString('en-US')];
      });
    out.push(table(['store', 'distinct keys', 'retained', 'peak', 'bound', 'keys/s'], rows));
  }
  out.push('', '### How each subject was set up', '');
  out.push(
    `Shared by all: one HS256 secret (43 bytes); issuer and audience \`gatehouse\`; the same access token shape (\`typ: at+jwt\`, \`sub\`, \`sid\`, \`role\`, \`iss\`, \`aud\`, \`iat\`, \`exp\`, \`jti\`, ${results.micro.tokens?.tokenLength ?? 379} characters) — peers verify one token signed with that secret, Gatehouse scenarios their own login’s token; every protected handler returns \`{ userId, sessionId, role }\` and every bare route the same shape as a constant; argon2id m=${ARGON2.memoryCost} t=${ARGON2.timeCost} p=${ARGON2.parallelism}, 32-byte output, wherever the library lets us choose. Gatehouse runs with its defaults except \`rateLimits: false\` and \`emailVerification.requiredForLogin: false\` (a throughput bench logs one account in thousands of times); better-auth with \`rateLimit.enabled: false\`.`,
    '',
  );
  /** @type {Map<string, string>} */
  const setups = new Map();
  for (const h of results.http) setups.set(`${h.framework} · ${h.name}${h.mode ? ` (${h.mode})` : ''}`, h.setup);
  for (const st of results.storms) setups.set(`login storm · ${st.name}${st.id.endsWith('argon2') ? ' (argon2)' : st.id.endsWith('scrypt') ? ' (scrypt)' : ''}`, st.setup);
  out.push(table(['subject', 'configuration'], [...setups].map(([k, v]) => [k, v]), { left: true }));
  if (results.skipped.length) {
    out.push('', '### Not measured in this run', '');
    for (const { id, reason } of results.skipped) out.push(`- \`${id}\`: ${reason}`);
  }
  out.push('', END);
  return out.join('\n');
}

const TEMPLATE = `# Performance

How fast Gatehouse is, measured side by side with its peers in one run on one machine. Every
figure that matters is a **ratio** to a baseline measured in the same run (a framework’s bare
route, node:crypto’s raw HMAC, raw argon2), so the numbers travel between machines better than
the absolute requests per second do. Reproduce them with:

\`\`\`sh
pnpm install
pnpm bench          # every scenario, several rounds (several minutes); rewrites this section
pnpm bench:quick    # under a minute: one short round, one line per target
\`\`\`

Both first build any Gatehouse package whose \`dist/\` is missing (the full run also rebuilds one
older than its sources). The harness lives in \`bench/\` (see its README); nothing there is a
timed test.

%GENERATED%

## Notes

%NOTES%
`;

/**
 * @param {Record<string, any>} results
 * @param {string} file
 */
export function writePerformanceDoc(results, file) {
  const generated = renderGenerated(results);
  if (existsSync(file)) {
    const current = readFileSync(file, 'utf8');
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    if (start !== -1 && end > start) {
      writeFileSync(file, `${current.slice(0, start)}${generated}${current.slice(end + END.length)}`);
      return;
    }
  }
  writeFileSync(file, TEMPLATE.replace('%GENERATED%', generated).replace('%NOTES%', 'Write here which targets are not met, by how much, and why.'));
}

// Process plumbing: servers and the load generator each run in their own child process. On a
// machine with two or more cores, throughput servers are pinned to CPU 0 and the load
// generator to CPU 1 (taskset), so neither steals the other's core; servers that hash
// passwords are not pinned, because argon2 runs on libuv's thread pool and needs both.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR } from './gatehouse.mjs';

const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
// Servers and load run at a raised priority where the user may raise it (root), so that other
// work on a shared machine disturbs them less. BENCH_NICE=0 turns it off.
const niceness = Number(process.env.BENCH_NICE ?? -10);
const canNice = niceness !== 0 && spawnSync('nice', ['-n', String(niceness), 'true']).status === 0 && spawnSync('nice', ['-n', String(niceness), 'nice']).stdout?.toString().trim() === String(niceness);

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => process.exit(130));
}

/**
 * @param {string} file
 * @param {string[]} args
 * @param {number | null} cpu
 * @param {Record<string, string>} env
 * @param {string[]} [nodeArgs]
 */
function spawnNode(file, args, cpu, env, nodeArgs = []) {
  const node = [process.execPath, ...nodeArgs, file, ...args];
  const pinned = cpu !== null && canPin ? ['taskset', '-c', String(cpu), ...node] : node;
  const full = canNice ? ['nice', '-n', String(niceness), ...pinned] : pinned;
  const [command, argv] = [full[0], full.slice(1)];
  const child = spawn(command, argv, { cwd: BENCH_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * @typedef {object} Server
 * @property {number} port
 * @property {Record<string, any>} info What the server announced besides its port (e.g. `token`).
 * @property {() => Promise<{ p50: number, p99: number, max: number, mean: number }>} readEventLoopDelay
 * @property {() => Promise<void>} resetEventLoopDelay
 * @property {() => Promise<void>} stop
 */

/**
 * Starts `servers/<script>` with BENCH_CONFIG and waits for its ready line.
 *
 * @param {{ script: string, config: Record<string, unknown>, pin?: boolean, timeoutMs?: number }} spec
 * @returns {Promise<Server>}
 */
export function startServer(spec) {
  const child = spawnNode(join(BENCH_DIR, 'servers', spec.script), [], spec.pin ? 0 : null, { BENCH_CONFIG: JSON.stringify(spec.config) });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not start within ${spec.timeoutMs ?? 60_000} ms ${lastLine(stderr)}`));
    }, spec.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready ${lastLine(stderr)}`));
    });
    child.stdout?.on('data', function onData(chunk) {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      clearTimeout(timer);
      child.removeAllListeners('exit');
      let message;
      try {
        message = JSON.parse(buffer.slice(0, newline));
      } catch {
        reject(new Error(`printed ${buffer.slice(0, newline).slice(0, 200)} ${lastLine(stderr)}`));
        return;
      }
      if (!message.ready) {
        reject(new Error(message.error ?? 'failed to start'));
        return;
      }
      const { port, ready, ...info } = message;
      resolve({
        port,
        info,
        readEventLoopDelay: () => ask(child, { type: 'eld:read' }, 'eld'),
        resetEventLoopDelay: () => ask(child, { type: 'eld:reset' }, 'eld:reset:done'),
        stop: () => stopChild(child),
      });
    });
  });
}

/** @param {string} text */
function lastLine(text) {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.length ? `(${lines.slice(-3).join(' | ').slice(0, 400)})` : '';
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {object} message
 * @param {string} answer
 * @returns {Promise<any>}
 */
function ask(child, message, answer) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${answer} answer`)), 5000);
    child.on('message', function onMessage(/** @type {any} */ reply) {
      if (reply?.type !== answer) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(reply);
    });
    child.send(message);
  });
}

/** @param {import('node:child_process').ChildProcess} child */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

/**
 * @typedef {object} LoadSummary
 * @property {number} rps
 * @property {number} total
 * @property {number} non2xx
 * @property {number} errors
 * @property {{ p50: number, p99: number, max: number }} latency
 */

/**
 * Runs autocannon in its own process (lib/load.mjs) and returns its summary.
 *
 * @param {Record<string, unknown> & { duration: number }} options
 * @param {{ pin?: boolean }} [placement]
 * @returns {Promise<{ main: LoadSummary, probe?: LoadSummary }>}
 */
export function runLoad(options, placement = {}) {
  return runJSON(join(BENCH_DIR, 'lib', 'load.mjs'), [JSON.stringify(options)], {
    cpu: placement.pin ? 1 : null,
    timeoutMs: (options.duration + 30) * 1000,
  });
}

/**
 * Runs a script that prints one JSON document on stdout, in its own process.
 *
 * @param {string} file
 * @param {string[]} args
 * @param {{ cpu?: number | null, timeoutMs?: number, nodeArgs?: string[], env?: Record<string, string> }} [options]
 * @returns {Promise<any>}
 */
export function runJSON(file, args, options = {}) {
  const child = spawnNode(file, args, options.cpu ?? null, options.env ?? {}, options.nodeArgs ?? []);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${options.timeoutMs ?? 120_000} ms ${lastLine(stderr)}`));
    }, options.timeoutMs ?? 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line);
        if (code !== 0 && !parsed.error) throw new Error('non-zero exit');
        resolve(parsed);
      } catch {
        reject(new Error(`exited with ${code} ${lastLine(stderr || stdout)}`));
      }
    });
  });
}

/**
 * Median, min and max of a list of numbers.
 *
 * @param {number[]} values
 * @returns {{ median: number, min: number, max: number }}
 */
export function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/**
 * Checks a route answers 200 with the headers the load will send, so a scenario can never be
 * measured while it is answering errors.
 *
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: string }} [init]
 * @returns {Promise<string | null>} why it is not usable, or `null`
 */
export async function checkRoute(url, init = {}) {
  try {
    const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
    const text = await response.text();
    if (response.status < 200 || response.status > 299) return `${init.method ?? 'GET'} ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 200)}`;
    return null;
  } catch (error) {
    return `${new URL(url).pathname} failed: ${/** @type {Error} */ (error).message}`;
  }
}

export { canPin, canNice, niceness };

import { AuthError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { storeFailureHint } from './console-logger.js';

/** Options of {@link guardPort}. */
export interface GuardPortOptions {
  /** Milliseconds a call may take before it fails with `SERVICE_UNAVAILABLE`; 0 waits forever. */
  timeoutMs?: number;
}

interface Pending {
  deadline: number;
  expire: () => void;
}

/**
 * Wraps every method of a port so that an infrastructure failure (a driver error, a timeout)
 * becomes `SERVICE_UNAVAILABLE`, with the original error kept as `cause` and logged, never in
 * a message. `AuthError`s thrown on purpose by the port (e.g. `EMAIL_TAKEN`) pass through.
 * A synchronous method (`PasswordHasher.needsRehash`) stays synchronous.
 *
 * With `timeoutMs`, a call that has not settled in time fails the same way, so a store that
 * hangs (a pool waiting for a connection, a lock wait) cannot hold a request forever. One
 * watchdog timer per port runs only while calls are pending.
 */
export function guardPort<T extends object>(port: T, name: string, logger: Logger, options: GuardPortOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? 0;
  const pending = new Set<Pending>();
  let watchdog: ReturnType<typeof setInterval> | undefined;

  function sweep(): void {
    const now = performance.now();
    for (const call of pending) if (call.deadline <= now) call.expire();
    if (pending.size === 0 && watchdog !== undefined) {
      clearInterval(watchdog);
      watchdog = undefined;
    }
  }

  function withDeadline(result: Promise<unknown>, method: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call: Pending = {
        deadline: performance.now() + timeoutMs,
        expire: () => {
          pending.delete(call);
          reject(new Error(`${name}.${method} did not answer within ${timeoutMs} ms`));
        },
      };
      pending.add(call);
      if (watchdog === undefined) {
        watchdog = setInterval(sweep, Math.max(5, Math.min(250, timeoutMs / 4)));
        watchdog.unref?.();
      }
      result.then(
        (value) => {
          pending.delete(call);
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(call);
          reject(error);
        },
      );
    });
  }

  const guarded: Record<string, unknown> = {};
  for (const key of methodNames(port)) {
    const method = (port as Record<string, unknown>)[key];
    if (typeof method !== 'function') continue;
    const fail = (error: unknown): never => {
      if (error instanceof AuthError) throw error;
      const hint = storeFailureHint(error);
      logger.error(`gatehouse: ${name}.${key} failed${hint === undefined ? '' : `: ${hint}`}`, { error });
      throw new AuthError('SERVICE_UNAVAILABLE', undefined, { cause: error });
    };
    guarded[key] = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = method.apply(port, args);
      } catch (error) {
        fail(error);
      }
      if (!(result instanceof Promise)) return result;
      return (timeoutMs > 0 ? withDeadline(result, key) : result).catch(fail);
    };
  }
  return guarded as T;
}

function methodNames(value: object): string[] {
  const names = new Set<string>();
  for (let current: object | null = value; current && current !== Object.prototype; current = Object.getPrototypeOf(current)) {
    for (const name of Object.getOwnPropertyNames(current)) if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

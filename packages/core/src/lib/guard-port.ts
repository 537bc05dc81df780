import { AuthError } from '../errors.js';
import type { Logger } from '../ports/logger.js';

/**
 * Wraps every method of a port so that an infrastructure failure (a driver error, a timeout)
 * becomes `SERVICE_UNAVAILABLE`, with the original error kept as `cause` and logged, never in
 * a message. `AuthError`s thrown on purpose by the port (e.g. `EMAIL_TAKEN`) pass through.
 * A synchronous method (`PasswordHasher.needsRehash`) stays synchronous.
 */
export function guardPort<T extends object>(port: T, name: string, logger: Logger): T {
  const guarded: Record<string, unknown> = {};
  for (const key of methodNames(port)) {
    const method = (port as Record<string, unknown>)[key];
    if (typeof method !== 'function') continue;
    const fail = (error: unknown): never => {
      if (error instanceof AuthError) throw error;
      logger.error(`gatehouse: ${name}.${key} failed`, { error });
      throw new AuthError('SERVICE_UNAVAILABLE', undefined, { cause: error });
    };
    guarded[key] = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = method.apply(port, args);
      } catch (error) {
        fail(error);
      }
      return result instanceof Promise ? result.catch(fail) : result;
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

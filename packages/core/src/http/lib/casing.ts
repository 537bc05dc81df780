/** How field names are spelled on the wire. */
export type Casing = 'camel' | 'snake';

/** `firstName` → `first_name`; names already in snake_case are kept. */
export function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** `first_name` → `firstName`; names already in camelCase are kept. */
export function toCamel(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** True for the plain objects JSON bodies are made of (not arrays, dates or class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Renames the keys of every plain object in `value`, deeply. `__proto__` keys are dropped, so a
 * body cannot reach an object's prototype through the copy.
 */
export function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') continue;
    out[rename(key)] = renameKeys(item, rename);
  }
  return out;
}

/** Converts keys from the wire casing to camelCase. */
export function keysFromWire(value: unknown, casing: Casing): unknown {
  return casing === 'snake' ? renameKeys(value, toCamel) : renameKeys(value, (key) => key);
}

/** Converts camelCase keys to the wire casing. */
export function keysToWire(value: unknown, casing: Casing): unknown {
  return casing === 'snake' ? renameKeys(value, toSnake) : value;
}

/**
 * A value as JSON will carry it: dates become ISO strings, `undefined` properties disappear.
 * Response mappers see data in this form, so what they return is what is sent.
 */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || key === '__proto__') continue;
    out[key] = toJsonValue(item);
  }
  return out;
}

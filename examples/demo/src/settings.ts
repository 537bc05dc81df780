import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the demo's own files (SQLite database, generated secret); gitignored. */
export const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** Where the demo's database lives: a SQLite file, or a PostgreSQL server. */
export type DatabaseSetting = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Everything the demo reads from its environment, checked. */
export interface DemoSettings {
  port: number;
  /** Interface to listen on (default 127.0.0.1: the outbox shows reset links, so keep it local). */
  host: string;
  /** The demo's own URL: emailed links are built from it. */
  appUrl: string;
  database: DatabaseSetting;
  /** Requests a minute per client address across the auth routes, or `false` for no limit. */
  rateLimitPerIp: number | false;
  secret: string;
  /** `NODE_ENV` is not `production`: the outbox routes are on. */
  development: boolean;
}

/** The settings, and warnings to print before the server starts. */
export interface SettingsResult {
  settings: DemoSettings;
  warnings: string[];
}

/** Thrown for an environment variable the demo cannot use; the message says how to fix it. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new SettingsError(`PORT must be a port number from 1 to 65535, got "${value}".`);
  return port;
}

function readDatabase(value: string | undefined): DatabaseSetting {
  if (value === undefined || value === '') return { kind: 'sqlite', file: resolve(DATA_DIR, 'demo.sqlite') };
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('file://')) {
    throw new SettingsError('DATABASE_URL must be a SQLite file path (or file:// URL) or a postgres:// URL.');
  }
  const path = value.startsWith('file://') ? fileURLToPath(value) : value.replace(/^(sqlite|file):/, '');
  return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(process.cwd(), path) };
}

function readRateLimit(value: string | undefined): number | false {
  if (value === undefined || value === '') return 100;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) throw new SettingsError(`RATE_LIMIT_PER_IP must be a whole number of requests a minute (0 turns the limit off), got "${value}".`);
  return limit === 0 ? false : limit;
}

/**
 * The signing secret: `GATEHOUSE_SECRET`, or in development one generated once and kept in
 * `data/secret`, so that sessions survive a restart of the demo.
 */
function readSecret(value: string | undefined, development: boolean, warnings: string[]): string {
  if (value !== undefined && value !== '') {
    if (Buffer.byteLength(value, 'utf8') < 32) throw new SettingsError('GATEHOUSE_SECRET must be at least 32 bytes; generate one with `openssl rand -base64 32`.');
    return value;
  }
  if (!development) throw new SettingsError('GATEHOUSE_SECRET is required when NODE_ENV=production; generate one with `openssl rand -base64 32`.');
  const file = resolve(DATA_DIR, 'secret');
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (Buffer.byteLength(kept, 'utf8') >= 32) {
    warnings.push(`GATEHOUSE_SECRET is not set: using the development secret kept in ${file}. Set GATEHOUSE_SECRET outside development.`);
    return kept;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  warnings.push(`GATEHOUSE_SECRET is not set: generated a development secret and kept it in ${file}. Set GATEHOUSE_SECRET outside development.`);
  return secret;
}

/**
 * Reads the demo's settings from the environment.
 *
 * @throws SettingsError when a variable is set to something the demo cannot use.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): SettingsResult {
  const warnings: string[] = [];
  const development = env.NODE_ENV !== 'production';
  const port = readPort(env.PORT);
  const settings: DemoSettings = {
    port,
    host: env.HOST || '127.0.0.1',
    appUrl: `http://localhost:${port}`,
    database: readDatabase(env.DATABASE_URL),
    rateLimitPerIp: readRateLimit(env.RATE_LIMIT_PER_IP),
    secret: readSecret(env.GATEHOUSE_SECRET, development, warnings),
    development,
  };
  return { settings, warnings };
}

// better-auth as its documentation sets it up for Node: `betterAuth({ database: new
// Database(file) })` on better-sqlite3 (its Kysely adapter), email and password enabled, the
// schema created by its own programmatic migrations. Shared with Gatehouse's scenarios: the
// secret, the user, SQLite in WAL mode, rate limiting off. `hasher: 'argon2'` swaps its default
// scrypt for @node-rs/argon2 at Gatehouse's parameters through `emailAndPassword.password`.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGON2, SECRET, USER } from './fixtures.mjs';

/**
 * @param {{ hasher?: 'scrypt' | 'argon2', cookieCache?: boolean }} options
 * @returns {Promise<{ auth: any, cookie: string, close: () => Promise<void> }>}
 */
export async function createBetterAuth(options) {
  const { betterAuth } = await import('better-auth');
  const { getMigrations } = await import('better-auth/db/migration');
  const { default: Database } = await import('better-sqlite3');
  const file = join(tmpdir(), `better-auth-bench-${process.pid}-${Date.now()}.sqlite`);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');

  /** @type {{ enabled: true, password?: { hash: (password: string) => Promise<string>, verify: (input: { hash: string, password: string }) => Promise<boolean> } }} */
  const emailAndPassword = { enabled: true };
  if (options.hasher === 'argon2') {
    const argon2 = await import('@node-rs/argon2');
    emailAndPassword.password = {
      hash: (/** @type {string} */ password) => argon2.hash(password, ARGON2),
      verify: (/** @type {{ hash: string, password: string }} */ input) => argon2.verify(input.hash, input.password),
    };
  }
  const auth = betterAuth({
    database: sqlite,
    secret: SECRET,
    baseURL: 'http://127.0.0.1:3000',
    emailAndPassword,
    session: options.cookieCache ? { cookieCache: { enabled: true, maxAge: 5 * 60 } } : {},
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();

  await auth.api.signUpEmail({ body: { email: USER.email, password: USER.password, name: USER.name } });
  /** @type {Response} */
  const response = await auth.api.signInEmail({ body: { email: USER.email, password: USER.password }, asResponse: true });
  if (!response.ok) throw new Error(`better-auth sign-in failed with ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return {
    auth,
    cookie,
    close: async () => {
      sqlite.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

import type { ColumnType } from 'kysely';

/** Table prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'gatehouse_';

// Lower case only: MySQL table names follow the file system's case rules, PostgreSQL folds
// unquoted names. 32 characters keep every table and index name within PostgreSQL's 63.
const TABLE_PREFIX = /^[a-z_][a-z0-9_]{0,31}$/;

/**
 * A timestamp as epoch milliseconds in a BIGINT column. Drivers read BIGINT differently (pg
 * gives a string, mysql2 and better-sqlite3 a number), so reads accept all of them.
 */
type Millis = ColumnType<number | string | bigint, number, number>;
type NullableMillis = ColumnType<number | string | bigint | null, number | null, number | null>;

/**
 * A user id: varchar(255) with string ids, or a BIGINT (pg reads it as a string) with integer
 * ids. `users.id` is left out of an insert when the database assigns it.
 */
type UserIdColumn = ColumnType<string | number | bigint, string | undefined, never>;
type UserIdReference = ColumnType<string | number | bigint, string | number, string | number>;

export interface UsersTable {
  id: UserIdColumn;
  email: string;
  email_verified_at: NullableMillis;
  password_hash: string | null;
  role: string;
  status: string;
  /** JSON text. */
  profile: string;
  created_at: Millis;
  updated_at: Millis;
  last_login_at: NullableMillis;
}

export interface SessionsTable {
  id: string;
  user_id: UserIdReference;
  created_at: Millis;
  last_used_at: Millis;
  expires_at: Millis;
  revoked_at: NullableMillis;
  revoked_reason: string | null;
  rotation_key: string;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokensTable {
  hash: string;
  session_id: string;
  issued_at: Millis;
  used_at: NullableMillis;
}

export interface OneTimeTokensTable {
  id: string;
  hash: string;
  user_id: UserIdReference;
  purpose: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: NullableMillis;
  attempts_left: number | null;
  data: string | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: Millis;
}

/** One unique profile value and the user who holds it (`Store.enforcesUniqueValues`). */
export interface ProfileUniqueValuesTable {
  field: string;
  /** As core normalized it; values over 255 characters are stored as their SHA-256. */
  value: string;
  /** The user's id as text, whatever the kind of id. */
  user_id: string;
}

/**
 * The tables as the store's queries name them. {@link tablePrefixPlugin} adds the prefix when
 * a query is compiled, so the queries stay typed whatever the prefix.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  one_time_tokens: OneTimeTokensTable;
  rate_limits: RateLimitsTable;
  profile_unique_values: ProfileUniqueValuesTable;
}

export type TableName = keyof Database;

export const TABLES: readonly TableName[] = ['users', 'sessions', 'refresh_tokens', 'one_time_tokens', 'rate_limits', 'profile_unique_values'];

/** Every name Gatehouse creates in the database, for one prefix. */
export interface SchemaNames {
  prefix: string;
  tables: Record<TableName, string>;
  /** The unique index on users.email: its violations mean `EMAIL_TAKEN`. */
  usersEmailIndex: string;
  sessionsUserIndex: string;
  refreshTokensSessionIndex: string;
  oneTimeTokensHashIndex: string;
  oneTimeTokensUserIndex: string;
  rateLimitsResetIndex: string;
  /** The primary key of profile_unique_values, (field, value): its violations mean a taken value. */
  profileUniqueValuesKey: string;
  profileUniqueValuesUserIndex: string;
  migrationTable: string;
  migrationLockTable: string;
}

/**
 * Resolves and checks a `tablePrefix` option.
 * @throws TypeError when the prefix is not 1–32 lower-case letters, digits or underscores.
 */
export function schemaNames(tablePrefix: string | undefined, caller: string): SchemaNames {
  const prefix = tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof prefix !== 'string' || !TABLE_PREFIX.test(prefix)) {
    throw new TypeError(
      `${caller}: tablePrefix must be 1 to 32 lower-case letters, digits or underscores, not starting with a digit (got ${JSON.stringify(prefix)}); the default is "${DEFAULT_TABLE_PREFIX}".`,
    );
  }
  return {
    prefix,
    tables: {
      users: `${prefix}users`,
      sessions: `${prefix}sessions`,
      refresh_tokens: `${prefix}refresh_tokens`,
      one_time_tokens: `${prefix}one_time_tokens`,
      rate_limits: `${prefix}rate_limits`,
      profile_unique_values: `${prefix}profile_unique_values`,
    },
    usersEmailIndex: `${prefix}users_email_key`,
    sessionsUserIndex: `${prefix}sessions_user_idx`,
    refreshTokensSessionIndex: `${prefix}refresh_tokens_session_idx`,
    oneTimeTokensHashIndex: `${prefix}one_time_tokens_hash_key`,
    oneTimeTokensUserIndex: `${prefix}one_time_tokens_user_idx`,
    rateLimitsResetIndex: `${prefix}rate_limits_reset_idx`,
    profileUniqueValuesKey: `${prefix}profile_unique_values_pkey`,
    profileUniqueValuesUserIndex: `${prefix}profile_unique_values_user_idx`,
    migrationTable: `${prefix}migrations`,
    migrationLockTable: `${prefix}migrations_lock`,
  };
}

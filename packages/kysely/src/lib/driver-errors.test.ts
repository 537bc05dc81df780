import { describe, expect, it } from 'vitest';
import { isDeadlock, isEmailTaken, isUniqueValueTaken } from './driver-errors.js';
import { schemaNames } from './tables.js';

const names = schemaNames(undefined, 'test');

// The shapes below are what each driver throws; the store tests produce the real ones.
describe('isEmailTaken', () => {
  it('recognises a PostgreSQL unique violation of the email index only', () => {
    expect(isEmailTaken({ code: '23505', constraint: 'gatehouse_users_email_key' }, names, 'postgres')).toBe(true);
    expect(isEmailTaken({ code: '23505', constraint: 'gatehouse_users_pkey' }, names, 'postgres')).toBe(false);
    expect(isEmailTaken({ code: '23505', constraint: 'gatehouse_one_time_tokens_hash_key' }, names, 'postgres')).toBe(false);
  });

  it('recognises MySQL 1062 on the email index, in MariaDB and MySQL 8 wording, and nothing else', () => {
    const mariadb = { errno: 1062, code: 'ER_DUP_ENTRY', message: "Duplicate entry 'a@example.com' for key 'gatehouse_users_email_key'" };
    const mysql8 = { errno: 1062, code: 'ER_DUP_ENTRY', message: "Duplicate entry 'a@example.com' for key 'gatehouse_users.gatehouse_users_email_key'" };
    expect(isEmailTaken(mariadb, names, 'mysql')).toBe(true);
    expect(isEmailTaken(mysql8, names, 'mysql')).toBe(true);
    expect(isEmailTaken({ ...mariadb, message: "Duplicate entry 'x' for key 'PRIMARY'" }, names, 'mysql')).toBe(false);
    // An id that merely contains the index name is still a primary-key violation.
    expect(isEmailTaken({ ...mariadb, message: "Duplicate entry 'gatehouse_users_email_key' for key 'PRIMARY'" }, names, 'mysql')).toBe(false);
  });

  it('recognises the SQLite unique violation of users.email only', () => {
    const error = { code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: gatehouse_users.email' };
    expect(isEmailTaken(error, names, 'sqlite')).toBe(true);
    expect(isEmailTaken({ ...error, message: 'UNIQUE constraint failed: gatehouse_users.id' }, names, 'sqlite')).toBe(false);
    expect(isEmailTaken({ ...error, message: 'UNIQUE constraint failed: other_users.email' }, names, 'sqlite')).toBe(false);
  });

  it('is false for anything else, including a connection failure', () => {
    for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
      expect(isEmailTaken(new Error('connect ECONNREFUSED 127.0.0.1:5432'), names, dialect)).toBe(false);
      expect(isEmailTaken(undefined, names, dialect)).toBe(false);
    }
  });
});

describe('isUniqueValueTaken', () => {
  it('recognises a violation of the primary key of profile_unique_values, as each driver reports it', () => {
    expect(isUniqueValueTaken({ code: '23505', constraint: 'gatehouse_profile_unique_values_pkey' }, names, 'postgres')).toBe(true);
    expect(isUniqueValueTaken({ errno: 1062, code: 'ER_DUP_ENTRY', message: "Duplicate entry 'username-ada' for key 'PRIMARY'" }, names, 'mysql')).toBe(true);
    expect(isUniqueValueTaken({ errno: 1062, message: "Duplicate entry 'username-ada' for key 'gatehouse_profile_unique_values.PRIMARY'" }, names, 'mysql')).toBe(true);
    const sqlite = { code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: 'UNIQUE constraint failed: gatehouse_profile_unique_values.field, gatehouse_profile_unique_values.value' };
    expect(isUniqueValueTaken(sqlite, names, 'sqlite')).toBe(true);
  });

  it('is false for the email index, another prefix, and failures that are not violations', () => {
    expect(isUniqueValueTaken({ code: '23505', constraint: 'gatehouse_users_email_key' }, names, 'postgres')).toBe(false);
    expect(isUniqueValueTaken({ code: '23505', constraint: 'other_profile_unique_values_pkey' }, names, 'postgres')).toBe(false);
    expect(isUniqueValueTaken({ errno: 1062, message: "Duplicate entry 'a@example.com' for key 'gatehouse_users_email_key'" }, names, 'mysql')).toBe(false);
    expect(isUniqueValueTaken({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: gatehouse_users.email' }, names, 'sqlite')).toBe(false);
    for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
      expect(isUniqueValueTaken(new Error('relation "gatehouse_profile_unique_values" does not exist'), names, dialect)).toBe(false);
    }
  });
});

describe('isDeadlock', () => {
  it('recognises MySQL ER_LOCK_DEADLOCK and PostgreSQL deadlock_detected', () => {
    expect(isDeadlock({ errno: 1213, code: 'ER_LOCK_DEADLOCK' })).toBe(true);
    expect(isDeadlock({ code: '40P01' })).toBe(true);
    expect(isDeadlock({ code: '23505' })).toBe(false);
  });
});

// Test support: applies the printed DDL as a team's own migration tool would.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { schemaSql } from '../schema-sql.js';
import type { SchemaSqlOptions } from '../schema-sql.js';
import type { SqlDialect } from '../lib/dialect.js';

export async function applyDdl(db: Kysely<any>, dialect: SqlDialect, options: SchemaSqlOptions = {}): Promise<void> {
  const statements = schemaSql(dialect, options)
    .split(/;\n/)
    .map((text) => text.replace(/^--.*$/gm, '').trim())
    .filter((text) => text !== '');
  for (const statement of statements) await sql.raw(statement).execute(db);
}

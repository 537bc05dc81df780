export { kyselyStore } from './kysely-store.js';
export type { KyselyStoreOptions } from './kysely-store.js';
export { kyselyRateLimitStore } from './kysely-rate-limit-store.js';
export type { KyselyRateLimitStoreOptions } from './kysely-rate-limit-store.js';
export { migrateToLatest } from './migrate-to-latest.js';
export type { MigrateToLatestOptions, MigrateToLatestResult } from './migrate-to-latest.js';
export { baselineMigrations, checkSchema, migrationStatus, SchemaNotCurrentError } from './schema-status.js';
export type {
  BaselineMigrationsOptions,
  BaselineMigrationsResult,
  CheckSchemaOptions,
  MigrationState,
  MigrationStepStatus,
  SchemaStatus,
  SchemaStatusOptions,
} from './schema-status.js';
export { schemaSql } from './schema-sql.js';
export type { SchemaSqlOptions } from './schema-sql.js';
export type { SqlDialect } from './lib/dialect.js';

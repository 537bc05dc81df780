import type { AuthConfig } from '../config.js';
import type { HttpOptions } from '../http/options.js';
import type { ProfileSchema } from '../profile.js';
import type { UserIdsOption } from '../user-ids/user-ids.js';

/**
 * What a preset leaves to the app: where data lives, how mail goes out, the signing secret and
 * the app's own address. Everything else a preset sets can still be overridden by spreading.
 */
export type AppSpecificOptions = 'store' | 'mailer' | 'secret' | 'keys' | 'appUrl' | 'rateLimitStore' | 'clock' | 'hasher' | 'random' | 'logger' | 'onEvent';

/**
 * One reference contract served by configuration: mount `gatehouse(auth, preset.http)` at
 * `preset.basePath`, with `createAuth({ ...preset.auth, store, mailer, secret, appUrl })`.
 */
export interface ContractPreset<P extends ProfileSchema = ProfileSchema, U extends UserIdsOption = UserIdsOption> {
  /** Where the document puts its routes, e.g. `/api/v1/auth`; the emailed links assume it. */
  readonly basePath: string;
  /** The contract's rules, for `createAuth` (the app adds `store`, `mailer`, `secret` and `appUrl`). */
  readonly auth: Omit<AuthConfig<P, U>, AppSpecificOptions>;
  /** Paths, field names, envelopes, statuses and messages, for the HTTP adapter (or `createFetchHandler`). */
  readonly http: HttpOptions;
}

/**
 * Declares a preset, keeping its profile schema's and user ids' types, so that `createAuth`
 * infers the profile and the id type (`number` for `userIds: 'integer'`, `string` otherwise).
 */
export function definePreset<P extends ProfileSchema, U extends UserIdsOption = 'uuid'>(preset: ContractPreset<P, U>): ContractPreset<P, U> {
  return Object.freeze(preset);
}

/** An ISO date with microseconds, as Laravel writes it (`2025-05-17T07:19:32.000000Z`). */
export function microsecondDate(iso: string | null): string | null {
  return iso === null ? null : iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}

// `@gatehouse-auth/core/contracts`: one preset per reference contract our users replace, each a
// plain options object that serves the document by configuration alone. See docs/migrating.md
// for what each preset decides where its document is silent.
import { contract000 } from './contract-000.js';
import { contract001 } from './contract-001.js';
import { contract002 } from './contract-002.js';
import { contract003 } from './contract-003.js';
import { contract004 } from './contract-004.js';

export { contract000, contract001, contract002, contract003, contract004 };
export { definePreset, type AppSpecificOptions, type ContractPreset } from './preset.js';

/** Contract 000 by its style: a Django-style API, snake_case in `{ data }`, trailing slashes. */
export const djangoDataEnvelope = contract000;
/** Contract 001 by its style: an Express-style API, `{ success, message, data }` under `/api/v1/auth`. */
export const expressSuccessEnvelope = contract001;
/** Contract 002 by its style: `{ status: "success" | "error", … }` under `/v1/auth`. */
export const statusEnvelope = contract002;
/** Contract 003 by its style: a Laravel-style API, `{ statusCode, message, data }` with `Api-Token` and `channel` headers. */
export const laravelStatusCode = contract003;
/** Contract 004 by its style: Django REST Framework + simplejwt, bare bodies, integer ids, unique usernames. */
export const drfSimpleJwt = contract004;

// @gatehouse-auth/core/http/testing: the HTTP contract, attack, fuzz and oversized-upload suites, the
// requireAuth sharing, optionalAuth and auth-argument suites and the reference contracts, for
// adapter authors. Needs vitest (and fast-check for the fuzz suite). Each suite is one entry file
// here, with a folder of topic files beside it if it needs one (the reference contracts' entry is
// in their folder).
export { runHttpContract } from './contract-suite.js';
export type { HttpContractOptions } from './contract-suite.js';
export type { ContractMount, MountedApp } from './suite-app.js';
export { runHttpAttacks, type HttpAttackOptions } from './attack-suite.js';
export { runHttpFuzz, type HttpFuzzOptions } from './fuzz-suite.js';
export { runOversizedUploads } from './oversized-upload-suite.js';
export type { ListeningApp, OversizedUploadOptions } from './oversized-upload-suite.js';
export { countAuthReads, runRequireAuthSharing } from './require-auth-sharing-suite.js';
export type { CountedAuth, RequireAuthSharingOptions } from './require-auth-sharing-suite.js';
export { runOptionalAuth } from './optional-auth-suite.js';
export type { OptionalAuthOptions, OptionalAuthRoute } from './optional-auth-suite.js';
export { notAuthArguments, runAuthArgumentChecks } from './auth-argument-suite.js';
export type { AuthArgumentChecksOptions } from './auth-argument-suite.js';
export { runReferenceContracts } from './reference-contracts/run-reference-contracts.js';
export type { ReferenceContractsOptions } from './reference-contracts/run-reference-contracts.js';

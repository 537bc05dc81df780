// @gatehouse/core/http/testing: the HTTP contract, attack and fuzz suites, for adapter authors.
// Needs vitest (and fast-check for the fuzz suite). Each suite is one entry file here and a
// folder of topic files beside it.
export { runHttpContract } from './contract-suite.js';
export type { HttpContractOptions } from './contract-suite.js';
export type { ContractMount, MountedApp } from './suite-app.js';
export { runHttpAttacks, type HttpAttackOptions } from './attack-suite.js';
export { runHttpFuzz, type HttpFuzzOptions } from './fuzz-suite.js';

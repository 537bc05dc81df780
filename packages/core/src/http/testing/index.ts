// @gatehouse/core/http/testing: the HTTP contract suite, for adapter authors. Needs vitest.
export { runHttpContract } from './contract-suite.js';
export type { ContractMount, HttpContractOptions, MountedApp } from './contract-suite.js';
export { runHttpAttacks, type HttpAttackOptions } from './attack-suite.js';
export { runHttpFuzz, type HttpFuzzOptions } from './fuzz-suite.js';

export { runStoreConformance } from './store-conformance.js';
export type { StoreConformanceOptions } from './store-conformance.js';
export { runRateLimitStoreConformance } from './rate-limit-store-conformance.js';
export type { RateLimitStoreConformanceOptions } from './rate-limit-store-conformance.js';

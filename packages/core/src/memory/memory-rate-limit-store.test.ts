import { runRateLimitStoreConformance } from '../testing/index.js';
import { memoryRateLimitStore } from './memory-rate-limit-store.js';

runRateLimitStoreConformance({ name: 'memoryRateLimitStore', createStore: () => memoryRateLimitStore() });

import { runStoreConformance } from '../testing/index.js';
import { memoryStore } from './memory-store.js';

runStoreConformance({ name: 'memoryStore', createStore: () => memoryStore() });
runStoreConformance({ name: 'memoryStore, integer ids', createStore: () => memoryStore(), userIds: 'integer' });

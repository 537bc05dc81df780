import { runStoreConformance } from '../testing/index.js';
import { memoryStore } from './memory-store.js';

runStoreConformance({ name: 'memoryStore', createStore: () => memoryStore() });

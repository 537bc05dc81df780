import { describeKyselyStores } from './test-support/kysely-suite.js';

// An app's file database, and the in-memory database tests and tools use.
describeKyselyStores('sqlite-file');
describeKyselyStores('sqlite-memory');

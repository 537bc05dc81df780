import { describeKyselyStores } from './test-support/kysely-suite.js';

describeKyselyStores('postgres');

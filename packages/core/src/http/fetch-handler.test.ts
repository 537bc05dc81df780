import { runHttpContract } from './testing/contract-suite.js';
import { fetchMount } from './testing/fetch-mount.js';

// The reference mount: the Fetch handler itself, with the suite's protected route beside it.
runHttpContract({ name: 'fetch handler', mount: fetchMount });

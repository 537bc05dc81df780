import { runHttpContract } from '../testing/http/index.js';
import { fetchMount } from '../test-support/fetch-mount.js';

// The reference mount: the Fetch handler itself, with the suite's protected route beside it.
runHttpContract({ name: 'fetch handler', mount: fetchMount });

import { runHttpAttacks } from '../testing/http/index.js';
import { fetchMount } from '../test-support/fetch-mount.js';

// The reference mount, as for the contract suite: the Fetch handler, with `GET /protected` beside it.
runHttpAttacks({ name: 'fetch handler', mount: fetchMount });

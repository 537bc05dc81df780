import { runHttpAttacks } from './testing/attack-suite.js';
import { fetchMount } from './testing/fetch-mount.js';

// The reference mount, as for the contract suite: the Fetch handler, with `GET /protected` beside it.
runHttpAttacks({ name: 'fetch handler', mount: fetchMount });

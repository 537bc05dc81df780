import { runHttpAttacks } from '@gatehouse-auth/core/http/testing';
import { nodeServerMount, requestMount } from './test-support/mounts.js';

runHttpAttacks({ name: 'hono (app.request)', mount: requestMount });
runHttpAttacks({ name: 'hono on @hono/node-server', mount: nodeServerMount });

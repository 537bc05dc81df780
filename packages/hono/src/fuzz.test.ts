// The fuzz suite over the Hono sub-app: in process with app.request(), and on @hono/node-server.
import { runHttpFuzz } from '@gatehouse-auth/core/http/testing';
import { nodeServerMount, requestMount } from './test-support/mounts.js';

runHttpFuzz({ name: 'hono (app.request)', mount: requestMount, runs: 150 });
runHttpFuzz({ name: 'hono on @hono/node-server', mount: nodeServerMount, runs: 100 });

import { createFetchHandler, toFetchResponse } from './fetch-handler.js';
import { createHttpHandler } from './handler.js';
import { runHttpAttacks } from './testing/attack-suite.js';

// The reference mount, as for the contract suite: the Fetch handler, with `GET /protected` beside it.
runHttpAttacks({
  name: 'fetch handler',
  mount(auth, options) {
    const gatehouse = createFetchHandler(auth, { ...options, basePath: '/auth' });
    const http = createHttpHandler(auth, options);
    return {
      async fetch(path, init) {
        const request = new Request(`http://127.0.0.1${path}`, init);
        if (new URL(request.url).pathname === '/protected') {
          const result = await http.authenticate({ headers: request.headers });
          if (!result.ok) return toFetchResponse(result.response);
          return Response.json({ userId: result.identity.userId, sessionId: result.identity.sessionId });
        }
        return gatehouse(request, { ip: '127.0.0.1' });
      },
    };
  },
});

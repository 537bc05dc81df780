import { createFetchHandler, toFetchResponse } from './fetch-handler.js';
import { createHttpHandler } from './handler.js';
import { runHttpContract } from './testing/contract-suite.js';

// The reference mount: the Fetch handler itself, with the suite's protected route beside it.
runHttpContract({
  name: 'fetch handler',
  mount(auth, options) {
    const gatehouse = createFetchHandler(auth, { ...options, basePath: '/auth' });
    const http = createHttpHandler(auth, options);
    return {
      async fetch(path, init) {
        const request = new Request(`http://127.0.0.1${path}`, init);
        if (path.startsWith('/protected')) {
          const result = await http.authenticate({ headers: request.headers });
          if (!result.ok) return toFetchResponse(result.response);
          return Response.json({ userId: result.identity.userId, sessionId: result.identity.sessionId });
        }
        return gatehouse(request, { ip: '127.0.0.1' });
      },
    };
  },
});

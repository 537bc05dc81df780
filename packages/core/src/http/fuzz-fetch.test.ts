// The fuzz suite over the reference mount: createFetchHandler under `/auth`, and `GET /protected`
// behind the handler's own `authenticate`, as a Fetch runtime would serve them.
import type { Auth } from '../create-auth.js';
import { createFetchHandler, toFetchResponse } from './fetch-handler.js';
import { createHttpHandler } from './handler.js';
import type { HttpOptions } from './options.js';
import { runHttpFuzz } from './testing/fuzz-suite.js';
import type { MountedApp } from './testing/contract-suite.js';

function mount(auth: Auth, options: HttpOptions): MountedApp {
  const routes = createFetchHandler(auth, { ...options, basePath: '/auth' });
  const http = createHttpHandler(auth, options);
  return {
    async fetch(path, init) {
      const request = new Request(`http://127.0.0.1${path}`, init);
      if (new URL(request.url).pathname === '/protected') {
        const result = await http.authenticate({ headers: request.headers });
        if (!result.ok) return toFetchResponse(result.response);
        return Response.json({ userId: result.identity.userId, sessionId: result.identity.sessionId });
      }
      return routes(request, { ip: '127.0.0.1' });
    },
  };
}

runHttpFuzz({ name: 'fetch handler', mount, runs: 200 });

// Every option that changes what the routes read and write at once: snake_case fields, the
// refresh token in a cookie (origin checks), emailed links that redirect, required password
// confirmations, access-token refresh and a trusted proxy.
runHttpFuzz({
  name: 'fetch handler with snake_case, refresh cookie and link redirects',
  mount,
  runs: 150,
  options: {
    casing: 'snake',
    refreshCookie: { allowedOrigins: ['https://app.example.com'] },
    linkRedirect: { success: '/verified', failure: '/verify-failed' },
    passwordConfirmation: true,
    accessTokenRefresh: true,
    trustProxy: ['127.0.0.1'],
  },
});

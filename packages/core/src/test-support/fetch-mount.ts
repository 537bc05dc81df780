// Test support, not part of the package: the reference mount the core HTTP suites (contract,
// attacks, fuzz) run over, as a Fetch runtime would serve it.
import type { Auth } from '../create-auth.js';
import { createFetchHandler, toFetchResponse } from '../http/fetch-handler.js';
import { createHttpHandler } from '../http/handler.js';
import type { HttpOptions } from '../http/options.js';
import type { MountedApp } from '../testing/http/suite-app.js';

/** The reference mount: createFetchHandler under `basePath` (default `/auth`), and `GET /protected` behind the handler's own `authenticate`, from 127.0.0.1. */
export function fetchMount(auth: Auth, options: HttpOptions, basePath = '/auth'): MountedApp {
  const routes = createFetchHandler(auth, { ...options, basePath });
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

// The reference-contract kit over the Fetch handler: each document scripted by its client
// against `createFetchHandler(auth, { ...preset.http, basePath: preset.basePath })`.
import { httpAuthenticator } from '../http/authenticator.js';
import { createFetchHandler, toFetchResponse } from '../http/fetch-handler.js';
import { runReferenceContracts, type ContractMount } from '../testing/http/index.js';

/** The routes under `basePath`, and `GET /protected` behind the handler's bearer check, from 127.0.0.1. */
const fetchMount: ContractMount = (auth, options, basePath = '/auth') => {
  const handler = createFetchHandler(auth, { ...options, basePath });
  const guard = httpAuthenticator(auth, options);
  return {
    async fetch(path, init) {
      const request = new Request(`http://127.0.0.1${path}`, init);
      if (request.method === 'GET' && new URL(request.url).pathname === '/protected') {
        const result = await guard.authenticate({ headers: request.headers });
        if (!result.ok) return toFetchResponse(result.response);
        return Response.json({ userId: result.identity.userId, sessionId: result.identity.sessionId });
      }
      return handler(request, { ip: '127.0.0.1' });
    },
  };
};

runReferenceContracts({ name: 'fetch handler', mount: fetchMount });

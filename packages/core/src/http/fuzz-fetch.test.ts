// The fuzz suite over the reference mount: createFetchHandler under `/auth`, and `GET /protected`
// behind the handler's own `authenticate`, as a Fetch runtime would serve them.
import { fetchMount } from '../test-support/fetch-mount.js';
import { runHttpFuzz } from '../testing/http/index.js';

runHttpFuzz({ name: 'fetch handler', mount: fetchMount, runs: 200 });

// Every option that changes what the routes read and write at once: snake_case fields, the
// refresh token in a cookie (origin checks), emailed links that redirect, required password
// confirmations, access-token refresh and a trusted proxy.
runHttpFuzz({
  name: 'fetch handler with snake_case, refresh cookie and link redirects',
  mount: fetchMount,
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

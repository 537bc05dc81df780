import { runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
import { requireAuth } from './index.js';

runRequireAuthSharing({ name: 'fastify', guard: (auth, options) => requireAuth(auth, options) });

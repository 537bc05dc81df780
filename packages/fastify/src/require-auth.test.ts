import { runRequireAuthSharing } from '@gatehouse/core/http/testing';
import { requireAuth } from './index.js';

runRequireAuthSharing({ name: 'fastify', guard: (auth, options) => requireAuth(auth, options) });

import { runHttpAttacks } from '@gatehouse-auth/core/http/testing';
import { injectMount } from './test-support/mounts.js';

runHttpAttacks({ name: 'fastify', mount: injectMount });

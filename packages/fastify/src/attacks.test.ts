import { runHttpAttacks } from '@gatehouse/core/http/testing';
import { injectMount } from './test-support/mounts.js';

runHttpAttacks({ name: 'fastify', mount: injectMount });

import { runHttpAttacks } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { expressMount, express4 } from './test-support/mounts.js';

runHttpAttacks({ name: 'express 5', mount: expressMount(express, { bodyParser: false }) });
runHttpAttacks({ name: 'express 5 after express.json()', mount: expressMount(express, { bodyParser: true }) });
runHttpAttacks({ name: 'express 4', mount: expressMount(express4, { bodyParser: false }) });
runHttpAttacks({ name: 'express 4 after express.json()', mount: expressMount(express4, { bodyParser: true }) });

import { runHttpContract } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { expressMount, express4 } from './test-support/mounts.js';

runHttpContract({ name: 'express 5', mount: expressMount(express, { bodyParser: false }) });
runHttpContract({ name: 'express 5 after express.json()', mount: expressMount(express, { bodyParser: true }) });
runHttpContract({ name: 'express 4', mount: expressMount(express4, { bodyParser: false }) });
runHttpContract({ name: 'express 4 after express.json()', mount: expressMount(express4, { bodyParser: true }) });

// The reference-contract kit over a real Express 5 server: each document scripted by its client
// against `app.use(preset.basePath, gatehouse(auth, preset.http))`.
import { runReferenceContracts } from '@gatehouse-auth/core/http/testing';
import express from 'express';
import { expressMount } from './test-support/mounts.js';

runReferenceContracts({ name: 'express 5', mount: expressMount(express, { bodyParser: false }) });

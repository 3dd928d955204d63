'use strict';
// Runs a local service's engine in a worker thread and hands the thread to the module's `serveThread` export. A
// TypeScript source needs tsx (neither jest's transform nor the parent's loader reaches a worker); the bundles
// `npm start` runs from are plain JavaScript.
const { parentPort, workerData } = require('node:worker_threads');

if (workerData.module.endsWith('.ts')) require(require.resolve('tsx/cjs/api')).register();
const { serveThread } = require(workerData.module);
serveThread(parentPort, workerData.init);

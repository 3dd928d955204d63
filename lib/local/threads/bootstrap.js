'use strict';
// Runs a local service's engine in a worker thread and hands the thread to the module's `serveThread` export. A
// TypeScript source needs tsx (neither jest's transform nor the parent's loader reaches a worker); the bundles
// `npm start` runs from are plain JavaScript. A thread started before local mode knew its settings (`npm start`
// starts the engine threads while the main thread is still loading: see `prespawnEngineThreads`) loads its module
// at once and waits for them, `{ init }`, as its first message.
const { parentPort, workerData } = require('node:worker_threads');

if (workerData.module.endsWith('.ts')) require(require.resolve('tsx/cjs/api')).register();
const { serveThread } = require(workerData.module);
if ('init' in workerData) serveThread(parentPort, workerData.init);
else parentPort.once('message', ({ init }) => serveThread(parentPort, init));

'use strict';
// Runs a local service's engine in a worker thread: registers tsx (the engines are TypeScript, and neither jest's
// transform nor the parent's loader reaches a worker) and hands the thread to the module's `serveThread` export.
const { parentPort, workerData } = require('node:worker_threads');

require(require.resolve('tsx/cjs/api')).register();
const { serveThread } = require(workerData.module);
serveThread(parentPort, workerData.init);

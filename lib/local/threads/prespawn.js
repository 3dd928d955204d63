// @ts-check
'use strict';
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const BOOTSTRAP = path.join(__dirname, 'bootstrap.js');
/** Read by `EngineThread.start` (engine-thread.ts), which may be a bundled copy: the registry is per process. */
const PRESPAWNED = Symbol.for('mediaplane.prespawnedEngineThreads');

/**
 * Starts engine threads (bundled `thread.ts` modules) before local mode knows their settings, so that each loads its
 * engine (s3rver, dynalite, SQLite) while the main thread is still loading its own modules: `npm start` calls it
 * before loading local mode. `EngineThread.start` of the same file takes the thread over and sends it its settings.
 * A thread no module takes never keeps the process alive; one that failed to load is replaced by a new one, which
 * reports the failure to its module.
 * @param {readonly string[]} files
 */
function prespawnEngineThreads(files) {
  const global = /** @type {{ [PRESPAWNED]?: Map<string, { worker: Worker, failed: boolean }> }} */ (globalThis);
  const registry = (global[PRESPAWNED] ??= new Map());
  for (const file of files) {
    if (registry.has(file)) continue;
    const worker = new Worker(BOOTSTRAP, { workerData: { module: file }, execArgv: ['--enable-source-maps'] });
    const entry = { worker, failed: false };
    worker.once('error', () => (entry.failed = true));
    worker.once('exit', () => (entry.failed = true));
    worker.unref();
    registry.set(file, entry);
  }
}

module.exports = { prespawnEngineThreads };

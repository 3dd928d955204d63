#!/usr/bin/env node
'use strict';
// `npm start`: bin/local.ts, run from its bundle (built on the first start after a change; see lib/local/bundle.js)
// rather than through tsx, which spent seconds of every start compiling TypeScript. `tsx bin/local.ts` still works.
const { localModeBundle } = require('../lib/local/bundle');
const { prespawnEngineThreads } = require('../lib/local/threads/prespawn');

localModeBundle({ log: (message) => console.log(message) }).then(
  ({ main, engineThreads }) => {
    // The engine threads load their engines on another core while this thread loads local mode.
    prespawnEngineThreads(engineThreads);
    // Stack traces name the TypeScript sources, as they do under tsx.
    process.setSourceMapsEnabled(true);
    if (process.env.MEDIAPLANE_TIMELINE)
      console.log(`[timeline] ${performance.now().toFixed(0).padStart(6)} ms  bundle found`);
    require(main);
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

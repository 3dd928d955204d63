const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = path.resolve(__dirname, '..', '..');
const DURATIONS = path.join(__dirname, 'durations.json');

/**
 * Jest's own order (failed first, then longest first) with the checked-in durations of test/support/durations.json
 * where jest's cache has none: a fresh clone (CI) has no cache, and jest would then order suites by file size, so a
 * long suite could start last and keep one worker busy while the other idles. With the longest suites first, the
 * workers finish together. `MEDIAPLANE_TEST_DURATIONS=write npx jest` updates it with the suites the run ran.
 */
class DurationSequencer extends Sequencer {
  constructor(...args) {
    super(...args);
    this.durations = JSON.parse(fs.readFileSync(DURATIONS, 'utf8'));
  }

  time(test) {
    const seconds = this.durations[path.relative(ROOT, test.path)];
    return super.time(test) ?? (seconds === undefined ? undefined : seconds * 1000);
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (process.env.MEDIAPLANE_TEST_DURATIONS !== 'write') return;
    // The suites that ran replace their entries; entries of files that are gone are dropped.
    const durations = Object.fromEntries(
      Object.entries(this.durations).filter(([file]) => fs.existsSync(path.join(ROOT, file))),
    );
    for (const result of results.testResults) {
      const { runtime, start, end } = result.perfStats;
      durations[path.relative(ROOT, result.testFilePath)] = Math.round((runtime ?? end - start) / 100) / 10;
    }
    const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
    fs.writeFileSync(DURATIONS, `${JSON.stringify(sorted, null, 2)}\n`);
  }
}

module.exports = DurationSequencer;

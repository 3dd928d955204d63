/**
 * A jest transform for the ES modules tests load from node_modules (pdf.js and mime ship only ESM): esbuild turns them
 * into CommonJS, as it does when it bundles them for Lambda, so tests run the code the functions run.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');

const SELF = readFileSync(__filename);

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(SELF).update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'js',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'external',
      logLevel: 'silent',
      // As the Lambda bundles do (see NodeFunction): import.meta.url is the module's own file URL.
      banner: "const __bundle_import_meta_url = require('url').pathToFileURL(__filename).href;",
      define: { 'import.meta.url': '__bundle_import_meta_url' },
    });
    return { code, map };
  },
};

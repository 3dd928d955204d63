// @ts-check
'use strict';
/**
 * `npm start` runs local mode from JavaScript bundles of its TypeScript, not through tsx: compiling several hundred
 * files through tsx's loader hooks cost seconds of every start, and each engine thread paid it again. esbuild builds
 * the bundles on the first start after a change of local mode's sources, into a cache directory outside the checkout
 * (`MEDIAPLANE_CACHE_DIR`, default `~/.cache/mediaplane`), keyed on a hash of every file that went into them; later
 * starts only compare those files' sizes and times. Packages stay external (the checkout's `node_modules`, linked
 * beside the bundles); only the project's own code is bundled, each file keeping its own `__dirname`, so paths such
 * as the Lambda worker script, assets and the project root resolve as they do from the sources.
 *
 * Plain JavaScript, so that the launcher (`bin/start.js`) needs no TypeScript loader to get here.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Scripts local mode starts in worker threads or processes of their own; engine threads are found by their name. */
const FORKED_SCRIPTS = ['lib/local/rekognition/models/worker.ts', 'lib/local/textract/reader-process.ts'];
const ENGINE_THREAD_FILE = 'thread.ts';

/** Where bundles are kept: `MEDIAPLANE_CACHE_DIR`, else `$XDG_CACHE_HOME/mediaplane`, else `~/.cache/mediaplane`. */
function cacheDirectory() {
  if (process.env.MEDIAPLANE_CACHE_DIR) return path.resolve(process.env.MEDIAPLANE_CACHE_DIR);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'mediaplane');
}

/**
 * The bundle of `bin/local.ts` (and its threads' and processes'), built if none matches the sources yet, with the
 * bundles of its engine threads (`engineThreads`, for `prespawnEngineThreads`).
 * @param {{ log?: (message: string) => void, cacheDir?: string }} [options]
 * @returns {Promise<{ main: string, directory: string, built: boolean, engineThreads: string[] }>}
 */
async function localModeBundle(options = {}) {
  const log = options.log ?? (() => {});
  // Bundles embed this checkout's absolute paths: each checkout has its own.
  const checkout = path.join(
    options.cacheDir ?? cacheDirectory(),
    `local-mode-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`,
  );
  fs.mkdirSync(checkout, { recursive: true });
  linkPackages(checkout);
  const manifestFile = path.join(checkout, 'inputs.json');
  const writeManifest = (/** @type {Manifest} */ manifest) => {
    const manifestStaging = `${manifestFile}.${process.pid}`;
    fs.writeFileSync(manifestStaging, JSON.stringify(manifest));
    fs.renameSync(manifestStaging, manifestFile);
  };
  const previous = /** @type {Manifest | undefined} */ (readJson(manifestFile));
  if (previous) {
    // Unchanged sizes and modification times (and no engine thread added or removed) mean the same bundle without
    // reading every file; otherwise the contents decide, so a touched but unchanged file costs no rebuild.
    const key = fingerprint(previous.inputs) === previous.fingerprint ? previous.key : inputsHash(previous.inputs);
    const directory = path.join(checkout, key);
    if (fs.existsSync(path.join(directory, 'local.js'))) {
      if (key !== previous.key || fingerprint(previous.inputs) !== previous.fingerprint)
        writeManifest({ inputs: previous.inputs, key, fingerprint: fingerprint(previous.inputs) });
      return {
        main: path.join(directory, 'local.js'),
        directory,
        built: false,
        engineThreads: engineThreads(directory),
      };
    }
  }

  log(`Bundling local mode into ${checkout} ...`);
  const staging = fs.mkdtempSync(path.join(checkout, 'staging-'));
  try {
    const inputs = await build(staging);
    const key = inputsHash(inputs);
    const directory = path.join(checkout, key);
    // Renamed into place whole: another start reading the same bundles never sees half of them.
    if (fs.existsSync(directory)) fs.rmSync(staging, { recursive: true, force: true });
    else fs.renameSync(staging, directory);
    writeManifest({ inputs, key, fingerprint: fingerprint(inputs) });
    prune(checkout, directory);
    return { main: path.join(directory, 'local.js'), directory, built: true, engineThreads: engineThreads(directory) };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The bundled engine threads in `directory` (`lib/local/<service>/thread.ts` is bundled as `<service>-thread.js`).
 * @param {string} directory
 */
function engineThreads(directory) {
  return fs
    .readdirSync(directory)
    .filter((file) => file.endsWith(`-${ENGINE_THREAD_FILE.replace(/\.ts$/, '.js')}`))
    .map((file) => path.join(directory, file));
}

/**
 * Bundles every entry point into `outdir` and returns the project files that went in.
 * @param {string} outdir
 * @returns {Promise<string[]>}
 */
async function build(outdir) {
  const esbuild = require('esbuild');
  const sources = [
    'bin/local.ts',
    ...FORKED_SCRIPTS,
    ...findFiles(path.join(PROJECT_ROOT, 'lib', 'local'), ENGINE_THREAD_FILE).map((file) =>
      path.relative(PROJECT_ROOT, file),
    ),
  ];
  /** @type {Record<string, string>} source (absolute) → bundle file name */
  const entryPoints = {};
  for (const source of sources) {
    entryPoints[path.join(PROJECT_ROOT, source)] =
      source === 'bin/local.ts'
        ? 'local'
        : source
            .replace(/^lib\/local\//, '')
            .replace(/\.ts$/, '')
            .replace(/\//g, '-');
  }
  const result = await esbuild.build({
    entryPoints: Object.entries(entryPoints).map(([source, out]) => ({ in: source, out })),
    outdir,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    // Packages load from node_modules as installed (several read their own files next to their code).
    packages: 'external',
    // Error class names are wire data (a Lambda errorType, an AWS error code): they must survive renaming.
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    banner: {
      js: [
        // What lib/local/entry-points.ts reads: this bundle's directory and which source each bundle file is.
        `var MEDIAPLANE_BUNDLE = { directory: __dirname, entryPoints: ${JSON.stringify(
          Object.fromEntries(Object.entries(entryPoints).map(([source, out]) => [source, `${out}.js`])),
        )} };`,
      ].join('\n'),
    },
    plugins: [ownDirname, onFirstUse],
  });
  return Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/'))
    .map((input) => path.resolve(PROJECT_ROOT, input))
    .sort();
}

/**
 * Gives each project file the `__dirname` and `__filename` of its source, not of the bundle.
 * @type {import('esbuild').Plugin}
 */
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const contents = await fs.promises.readFile(args.path, 'utf8');
      const loader = /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js';
      if (!/\b__(dirname|filename)\b/.test(contents)) return { contents, loader };
      // On the first line, so that line numbers (and the source map) stay those of the file.
      const prefix = `const __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)}; `;
      return { contents: prefix + contents, loader };
    });
  },
};

/**
 * Packages local mode needs only once something uses them, not to start: the S3 and DynamoDB clients (a deploy that
 * changes a table or a bucket; MediaConvert, Rekognition and Textract reading S3), language identification and tar
 * archives (Comprehend, Translate). Loading them cost about a third of the main thread's CPU in a warm start.
 */
const LOADED_ON_FIRST_USE = ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', 'franc-min', 'tar-stream'];

/**
 * Makes an import of a `LOADED_ON_FIRST_USE` package load it when one of its exports is first read: the bundle gets a
 * stand-in module whose exports are getters (the names are those the package has now), and esbuild's bundled code
 * reads an import's export at each use. The values are the package's own, so `instanceof` and identity hold.
 * @type {import('esbuild').Plugin}
 */
const onFirstUse = {
  name: 'on-first-use',
  setup(build) {
    const filter = new RegExp(`^(${LOADED_ON_FIRST_USE.map((name) => name.replace(/[/.-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'on-first-use'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'on-first-use' },
    );
    build.onLoad({ filter: /.*/, namespace: 'on-first-use' }, (args) => {
      const names = Object.keys(require(require.resolve(args.path, { paths: [PROJECT_ROOT] })));
      return {
        loader: 'js',
        resolveDir: PROJECT_ROOT,
        contents: [
          'let loaded;',
          `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
          `for (const name of ${JSON.stringify(names)})`,
          '  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });',
        ].join('\n'),
      };
    });
  },
};

/**
 * @typedef {{ inputs: string[], key: string, fingerprint: string }} Manifest
 */

/**
 * Links the checkout's node_modules beside its bundles, so that packages resolve from a bundle as from the sources,
 * for `require`, `require.resolve` and `import()` alike (pdf.js is an ES module, loaded with `import()` of a name).
 * @param {string} checkout
 */
function linkPackages(checkout) {
  const link = path.join(checkout, 'node_modules');
  const target = path.join(PROJECT_ROOT, 'node_modules');
  let current;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current === target) return;
  fs.rmSync(link, { force: true });
  fs.symlinkSync(target, link, 'dir');
}

/**
 * What a start checks first: each input's size and modification time, and the engine threads there are.
 * @param {readonly string[]} inputs
 */
function fingerprint(inputs) {
  const hash = createHash('sha256').update(process.versions.node);
  for (const input of [__filename, ...inputs]) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    hash.update(`${input}\0${stat?.size}\0${stat?.mtimeMs}\0`);
  }
  for (const thread of findFiles(path.join(PROJECT_ROOT, 'lib', 'local'), ENGINE_THREAD_FILE)) hash.update(thread);
  return hash.digest('hex');
}

/**
 * A digest of the files (paths and contents), of this builder and of the esbuild and Node versions.
 * @param {readonly string[]} inputs
 */
function inputsHash(inputs) {
  const hash = createHash('sha256');
  hash
    .update(fs.readFileSync(__filename))
    .update(require('esbuild/package.json').version)
    .update(process.versions.node);
  for (const input of inputs) {
    hash.update('\0').update(input).update('\0');
    // A file gone (moved, deleted) changes the digest as much as an edited one.
    if (fs.existsSync(input)) hash.update(fs.readFileSync(input));
  }
  // A new engine thread (or one removed) is a new entry point, though no bundled file changed.
  for (const thread of findFiles(path.join(PROJECT_ROOT, 'lib', 'local'), ENGINE_THREAD_FILE)) hash.update(thread);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Every file named `name` under `directory`.
 * @param {string} directory
 * @param {string} name
 * @returns {string[]}
 */
function findFiles(directory, name) {
  return fs
    .readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name === name)
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/**
 * Removes all but the newest few bundles of this checkout (a local mode still running from an older one starts its
 * threads from the sources once its bundle is gone: see lib/local/entry-points.ts).
 * @param {string} checkout
 * @param {string} current
 */
function prune(checkout, current) {
  const KEEP = 3;
  const day = 24 * 60 * 60 * 1000;
  const bundles = fs
    .readdirSync(checkout, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(checkout, entry.name))
    .filter((directory) => directory !== current && !path.basename(directory).startsWith('staging-'))
    .map((directory) => ({ directory, mtime: fs.statSync(directory).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { directory } of bundles.slice(KEEP - 1)) fs.rmSync(directory, { recursive: true, force: true });
  // Staging directories of a build that was killed.
  for (const entry of fs.readdirSync(checkout)) {
    const directory = path.join(checkout, entry);
    if (entry.startsWith('staging-') && Date.now() - fs.statSync(directory).mtimeMs > day)
      fs.rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * @param {string} file
 * @returns {{ inputs: string[] } | undefined}
 */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

module.exports = { localModeBundle, cacheDirectory };

import * as fs from 'node:fs';
import * as path from 'node:path';
import { PIPELINE_FUNCTIONS } from '../../lambdas/media2cloud/pipeline/catalog';
import { MEDIA_TOOL_FILES } from '../../lambdas/shared/media/function-spec';
import { assetDirectoryForCode, readCloudAssembly, type CloudAssembly } from '../../lib/local/assembly';

const MB = 1024 * 1024;

/**
 * The JavaScript a function may load, at most. Most bundles are 0.4–0.8 MB, nearly all of it AWS SDK v3 after
 * tree-shaking. Functions over it, each with the reason the SDK leaves no way under.
 */
const JS_LIMIT = 1 * MB;
const JS_LIMIT_EXCEPTIONS: Readonly<Record<string, { readonly limit: number; readonly reason: string }>> = {
  'Media2Cloud/ApiHandler': {
    limit: 1.25 * MB,
    reason:
      'the whole Media2Cloud API in one function, as the original deploys it: twelve SDK clients (S3, DynamoDB, Step ' +
      'Functions, Lambda, IoT, Cognito, Bedrock, Rekognition, Transcribe, …); IoT alone is 0.13 MB, its schema ' +
      'registry holding every shape of the IoT API, which tree-shaking cannot drop',
  },
};

/** Bytes of the files under `directory`. */
function sizeOf(directory: string): number {
  return fs.readdirSync(directory, { withFileTypes: true, recursive: true }).reduce((total, entry) => {
    return entry.isFile() ? total + fs.statSync(path.join(entry.parentPath, entry.name)).size : total;
  }, 0);
}

/** Every function and layer version of the app, with the asset directory of its code. */
function deployables(assembly: CloudAssembly) {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources).flatMap(([logicalId, resource]) => {
      if (resource.Type !== 'AWS::Lambda::Function' && resource.Type !== 'AWS::Lambda::LayerVersion') return [];
      const code = resource.Type === 'AWS::Lambda::Function' ? resource.Properties?.Code : resource.Properties?.Content;
      const asset = assetDirectoryForCode(assembly.directory, code);
      // `<stack>/<construct path>` of the function or layer, from its logical id (the assembly has no path metadata).
      const name = `${stack.id}/${logicalId.replace(/(Function)?[0-9A-F]{8}$/, '')}`;
      return [{ stack: stack.id, logicalId, name, type: resource.Type, properties: resource.Properties ?? {}, asset }];
    }),
  );
}

describe('the synthesized cloud assembly (the one local mode and the tests run)', () => {
  const assembly = readCloudAssembly(process.env.MEDIAPLANE_TEST_CDK_OUT ?? '');
  const all = deployables(assembly);
  const functions = all.filter((entry) => entry.type === 'AWS::Lambda::Function');
  const allLayers = all.filter((entry) => entry.type === 'AWS::Lambda::LayerVersion');
  const layers = allLayers.filter((entry) => entry.logicalId.startsWith('FfmpegLayer'));

  it("leaves every stack room under CloudFormation's 500 resources per stack", () => {
    // MediaInsights (with the original's test operators, as here) is the largest; a stack near the limit fails to
    // synthesize at all, so the margin is kept in sight here.
    const counts = assembly.stacks.map((stack) => [stack.id, Object.keys(stack.template.Resources).length] as const);

    expect(counts.filter(([, resources]) => resources > 450)).toEqual([]);
    expect(counts.length).toBe(5);
  });

  it('holds ffmpeg and ffprobe once: one layer in each stack that runs them, all from one asset', () => {
    // Assess
    expect(layers.map((layer) => layer.stack).sort()).toEqual(['Media2Cloud', 'MediaInsights', 'Pixop']);
    expect(new Set(layers.map((layer) => layer.asset)).size).toBe(1);
    const layerDir = layers[0]!.asset!;
    expect(fs.readdirSync(path.join(layerDir, 'bin')).sort()).toEqual(['ffmpeg', 'ffprobe']);
    for (const tool of ['ffmpeg', 'ffprobe']) {
      expect(() => fs.accessSync(path.join(layerDir, 'bin', tool), fs.constants.X_OK)).not.toThrow();
    }
  });

  it('attaches the ffmpeg layer of its own stack to x86_64 functions only', () => {
    // Assess
    const layerIds = new Set(layers.map((layer) => layer.logicalId));
    const layered = functions.filter((fn) =>
      ((fn.properties.Layers ?? []) as { Ref: string }[]).some((layer) => layerIds.has(layer.Ref)),
    );
    expect(new Set(layered.map((fn) => fn.stack))).toEqual(new Set(layers.map((layer) => layer.stack)));
    for (const fn of layered) {
      const own = layers.find((layer) => layer.stack === fn.stack)!;
      expect([fn.logicalId, fn.properties.Layers, fn.properties.Architectures]).toEqual([
        fn.logicalId,
        expect.arrayContaining([{ Ref: own.logicalId }]),
        ['x86_64'],
      ]);
    }
  });

  it('keeps every function under 1 MB of JavaScript (exceptions named with their reason), its source map linked', () => {
    // Act
    const bundles = functions.flatMap((fn) => {
      const file = fn.asset ? path.join(fn.asset, 'index.js') : undefined;
      return file && fs.existsSync(file) ? [{ name: fn.name, file, size: fs.statSync(file).size }] : [];
    });

    // Assess
    expect(bundles.length).toBe(functions.length);
    const over = bundles.filter(({ name, size }) => size >= (JS_LIMIT_EXCEPTIONS[name]?.limit ?? JS_LIMIT));
    expect(over.map(({ name, size }) => `${name}: ${(size / MB).toFixed(2)} MB`)).toEqual([]);
    // An exception that no longer needs its room is dropped from the list.
    for (const name of Object.keys(JS_LIMIT_EXCEPTIONS)) {
      expect([name, bundles.find((bundle) => bundle.name === name)!.size >= JS_LIMIT]).toEqual([name, true]);
    }
    for (const { file } of bundles) {
      // The map is a file of its own, which `--enable-source-maps` (the functions' NODE_OPTIONS) finds by this comment.
      const tail = fs.readFileSync(file, 'utf8').slice(-200);
      expect([file, tail.trimEnd().endsWith('//# sourceMappingURL=index.js.map')]).toEqual([file, true]);
      expect([file, fs.existsSync(`${file}.map`)]).toEqual([file, true]);
    }
  });

  it('ships pdf.js and the canvas addon as layers of the functions that use them, never inside a bundle', () => {
    // Prepare
    const pipeline = (id: string) => functions.find((fn) => fn.name === `Media2Cloud/Pipeline${id}`)!;
    const layer = (tool: 'pdfjs' | 'canvas') =>
      allLayers.find(
        (entry) =>
          entry.stack === 'Media2Cloud' && entry.logicalId.startsWith(`${tool[0]!.toUpperCase()}${tool.slice(1)}Layer`),
      )!;
    const refs = (id: string) => ((pipeline(id).properties.Layers ?? []) as { Ref: string }[]).map(({ Ref }) => Ref);

    // Assess
    for (const tool of ['pdfjs', 'canvas'] as const) {
      for (const target of Object.values(MEDIA_TOOL_FILES[tool].files)) {
        expect(fs.existsSync(path.join(layer(tool).asset!, target))).toBe(true);
      }
    }
    for (const { id, tools = [] } of PIPELINE_FUNCTIONS) {
      const expected = (['pdfjs', 'canvas'] as const)
        .filter((tool) => tools.includes(tool))
        .map((tool) => layer(tool).logicalId);
      expect([
        id,
        refs(id)
          .filter((ref) => !ref.startsWith('FfmpegLayer'))
          .sort(),
      ]).toEqual([id, expected.sort()]);
      const bundle = pipeline(id).asset!;
      expect([id, fs.existsSync(path.join(bundle, 'node_modules')), fs.existsSync(path.join(bundle, 'cmaps'))]).toEqual(
        [id, false, false],
      );
    }
    expect(pipeline('RunDocinfo').properties.Architectures).toEqual(['x86_64']);
  });

  it('keeps ffmpeg out of every bundle: each under 64 MB, the whole app under 400 MB (690 MB with four copies)', () => {
    // Prepare
    const bundles = [...new Set(functions.flatMap((fn) => (fn.asset ? [fn.asset] : [])))];

    // Act
    const sizes = Object.fromEntries(bundles.map((bundle) => [path.basename(bundle), sizeOf(bundle)]));
    const total = Object.values(sizes).reduce((sum, size) => sum + size, sizeOf(layers[0]!.asset!));

    // Assess
    for (const bundle of bundles) {
      expect([bundle, fs.existsSync(path.join(bundle, 'bin', 'ffmpeg'))]).toEqual([bundle, false]);
    }
    expect(Object.entries(sizes).filter(([, size]) => size >= 64 * MB)).toEqual([]);
    expect(total).toBeLessThan(400 * MB);
  });
});

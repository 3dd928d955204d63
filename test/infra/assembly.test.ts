import * as fs from 'node:fs';
import * as path from 'node:path';
import { assetDirectoryForCode, readCloudAssembly, type CloudAssembly } from '../../lib/local/assembly';

const MB = 1024 * 1024;

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
      return [{ stack: stack.id, logicalId, type: resource.Type, properties: resource.Properties ?? {}, asset }];
    }),
  );
}

describe('the synthesized cloud assembly (the one local mode and the tests run)', () => {
  const assembly = readCloudAssembly(process.env.MEDIAPLANE_TEST_CDK_OUT ?? '');
  const all = deployables(assembly);
  const layers = all.filter((entry) => entry.type === 'AWS::Lambda::LayerVersion');
  const functions = all.filter((entry) => entry.type === 'AWS::Lambda::Function');

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

  it('attaches the layer of its own stack to x86_64 functions only', () => {
    // Assess
    const layered = functions.filter((fn) => fn.properties.Layers !== undefined);
    expect(new Set(layered.map((fn) => fn.stack))).toEqual(new Set(layers.map((layer) => layer.stack)));
    for (const fn of layered) {
      const own = layers.find((layer) => layer.stack === fn.stack)!;
      expect([fn.logicalId, fn.properties.Layers, fn.properties.Architectures]).toEqual([
        fn.logicalId,
        [{ Ref: own.logicalId }],
        ['x86_64'],
      ]);
    }
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

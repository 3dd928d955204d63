import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MEDIA_SIZING, type MediaFunctionSpec } from '../../lambdas/shared/media/function-spec';
import { MediaFunction } from '../../lib/constructs/media-function';

/** A stack whose functions are not bundled: these tests read templates only. */
function stack(): Stack {
  return new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
}

function functionOf(scope: Stack) {
  const functions = Object.values(Template.fromStack(scope).findResources('AWS::Lambda::Function'));
  expect(functions).toHaveLength(1);
  return functions[0]!.Properties;
}

describe('MediaFunction', () => {
  it('deploys an ffmpeg function as x86_64 with the media sizing: 900 s, 3008 MB, 10 GB of /tmp', () => {
    // Prepare
    const scope = stack();

    // Act
    new MediaFunction(scope, 'Transcode', {
      entry: 'media-insights/operators/thumbnail/handler.ts',
      handler: 'startThumbnail',
      spec: { sizing: MEDIA_SIZING, tools: ['ffmpeg'] },
    });

    // Assess
    expect(functionOf(scope)).toMatchObject({
      Handler: 'index.startThumbnail',
      Architectures: ['x86_64'],
      Timeout: 900,
      MemorySize: 3008,
      EphemeralStorage: { Size: 10240 },
    });
  });

  it('keeps functions without x86-64 binaries on arm64, MediaInfoLib (WASM) included', () => {
    // Prepare
    const scope = stack();

    // Act
    new MediaFunction(scope, 'Describe', {
      entry: 'media-insights/operators/mediainfo/handler.ts',
      spec: { sizing: { timeoutSeconds: 300, memorySizeMb: 1024, ephemeralStorageMb: 512 }, tools: ['mediainfo'] },
    });

    // Assess
    expect(functionOf(scope)).toMatchObject({ Architectures: ['arm64'], Timeout: 300, MemorySize: 1024 });
  });

  it('ships ffmpeg as one layer per stack, attached only to the functions whose spec runs it', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const scopes = [new Stack(app, 'First'), new Stack(app, 'Second')];

    // Act
    for (const scope of scopes) {
      for (const id of ['Transcode', 'Probe']) {
        new MediaFunction(scope, id, {
          entry: 'media-insights/operators/thumbnail/handler.ts',
          spec: { sizing: MEDIA_SIZING, tools: ['ffmpeg'] },
        });
      }
      new MediaFunction(scope, 'Describe', {
        entry: 'media-insights/operators/mediainfo/handler.ts',
        spec: { sizing: MEDIA_SIZING, tools: ['mediainfo'] },
      });
    }

    // Assess
    const contents = scopes.map((scope) => {
      const template = Template.fromStack(scope);
      const layers = template.findResources('AWS::Lambda::LayerVersion');
      expect(Object.keys(layers)).toEqual([expect.stringMatching(/^FfmpegLayer/)]);
      const [layerId, layer] = Object.entries(layers)[0]!;
      const functionLayers = Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, fn]) => [
        id.replace(/Function[0-9A-F]{8}$/, ''),
        fn.Properties.Layers ?? null,
      ]);
      expect(Object.fromEntries(functionLayers)).toEqual({
        Transcode: [{ Ref: layerId }],
        Probe: [{ Ref: layerId }],
        Describe: null,
      });
      expect(layer.Properties.CompatibleArchitectures).toEqual(['x86_64']);
      return layer.Properties.Content;
    });
    // One asset for the whole app: uploaded once, staged once in the cloud assembly.
    expect(contents[0]).toEqual(contents[1]);
  });

  it.each<[string, MediaFunctionSpec['sizing']]>([
    ['timeoutSeconds', { timeoutSeconds: 901, memorySizeMb: 1024, ephemeralStorageMb: 512 }],
    ['memorySizeMb', { timeoutSeconds: 60, memorySizeMb: 64, ephemeralStorageMb: 512 }],
    ['ephemeralStorageMb', { timeoutSeconds: 60, memorySizeMb: 1024, ephemeralStorageMb: 20480 }],
  ])('refuses a spec whose %s is outside what Lambda allows', (field, sizing) => {
    // Act
    const create = () =>
      new MediaFunction(stack(), 'TooBig', { entry: 'media-insights/operators/wait/handler.ts', spec: { sizing } });

    // Assess
    expect(create).toThrow(`MediaFunction TooBig: sizing.${field} must be a whole number`);
  });
});

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  BUILT_IN_OPERATORS,
  functionEntry,
  handlerReferences,
  handlerSpec,
  TEST_OPERATORS,
  type CatalogOperator,
  type HandlerReference,
  type OperatorEnvironmentVariable,
} from '../../../lambdas/media-insights/operators/catalog';
import { bundleFiles, layeredTools, runsX64Binaries } from '../../../lambdas/shared/media/function-spec';

const REPOSITORY_ROOT = path.join(__dirname, '../../..');
const OPERATORS_DIR = path.join(REPOSITORY_ROOT, 'lambdas/media-insights/operators');
const ALL_OPERATORS = [...BUILT_IN_OPERATORS, ...TEST_OPERATORS];
const ALL_VARIABLES: readonly OperatorEnvironmentVariable[] = [
  'DATAPLANE_HANDLER_ARN',
  'DATAPLANE_BUCKET',
  'WORKFLOW_EXECUTION_TABLE_NAME',
  'SCHEDULER_FUNCTION_ARN',
  'MEDIACONVERT_ROLE_ARN',
  'COMPREHEND_ROLE_ARN',
];

/** Loads a handler file afresh with exactly the given operator variables set. */
function loadHandlerFile(file: string, variables: readonly string[]): Record<string, unknown> {
  const saved = Object.fromEntries(ALL_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of ALL_VARIABLES) delete process.env[name];
  for (const name of variables) process.env[name] = `test-${name}`;
  try {
    let loaded: Record<string, unknown> = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads synchronously, by a path known only now
      loaded = require(path.join(OPERATORS_DIR, file)) as Record<string, unknown>;
    });
    return loaded;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function split(reference: HandlerReference): [file: string, exportName: string] {
  const [file, exportName] = reference.split('#') as [string, string];
  return [file, exportName];
}

function operatorsUsing(file: string): CatalogOperator[] {
  return ALL_OPERATORS.filter((operator) =>
    handlerReferences([operator]).some((reference) => split(reference)[0] === file),
  );
}

describe('operator catalog', () => {
  it('registers the built-in operators with the defaults the original registers', () => {
    // Act
    const registrations = BUILT_IN_OPERATORS.map(({ Name, Type, Configuration }) => ({ Name, Type, Configuration }));

    // Assess
    expect(registrations).toEqual([
      { Name: 'GenericDataLookup', Type: 'Sync', Configuration: { MediaType: 'Video', Enabled: false } },
      { Name: 'Mediainfo', Type: 'Sync', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'MediainfoImage', Type: 'Sync', Configuration: { MediaType: 'Image', Enabled: true } },
      { Name: 'Thumbnail', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'Wait', Type: 'Async', Configuration: { MediaType: 'MetadataOnly', Enabled: false } },
      { Name: 'celebrityRecognition', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'celebrityRecognitionImage', Type: 'Sync', Configuration: { MediaType: 'Image', Enabled: true } },
      { Name: 'contentModeration', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'contentModerationImage', Type: 'Sync', Configuration: { MediaType: 'Image', Enabled: true } },
      { Name: 'faceDetection', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'faceDetectionImage', Type: 'Sync', Configuration: { MediaType: 'Image', Enabled: true } },
      {
        Name: 'faceSearch',
        Type: 'Async',
        Configuration: { MediaType: 'Video', Enabled: false, CollectionId: '' },
      },
      {
        Name: 'faceSearchImage',
        Type: 'Sync',
        Configuration: { MediaType: 'Image', Enabled: false, CollectionId: '' },
      },
      { Name: 'labelDetection', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'technicalCueDetection', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'shotDetection', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'textDetection', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      { Name: 'textDetectionImage', Type: 'Sync', Configuration: { MediaType: 'Image', Enabled: true } },
      { Name: 'labelDetectionImage', Type: 'Sync', Configuration: { MediaType: 'Image', Enabled: true } },
      { Name: 'personTracking', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: false } },
      { Name: 'Mediaconvert', Type: 'Async', Configuration: { MediaType: 'Video', Enabled: true } },
      {
        Name: 'TranscribeAudio',
        Type: 'Async',
        Configuration: { TranscribeLanguage: 'en-US', MediaType: 'Audio', Enabled: true },
      },
      {
        Name: 'TranscribeVideo',
        Type: 'Async',
        Configuration: { TranscribeLanguage: 'en-US', MediaType: 'Video', Enabled: true },
      },
      {
        Name: 'WebCaptions',
        Type: 'Sync',
        Configuration: { MediaType: 'MetadataOnly', SourceLanguageCode: 'en', Enabled: true },
      },
      {
        Name: 'PollyWebCaptions',
        Type: 'Async',
        Configuration: { MediaType: 'MetadataOnly', SourceLanguageCode: 'en', Enabled: true },
      },
      { Name: 'CreateSRTCaptions', Type: 'Sync', Configuration: { MediaType: 'Text', Enabled: true } },
      { Name: 'CreateVTTCaptions', Type: 'Sync', Configuration: { MediaType: 'Text', Enabled: true } },
      {
        Name: 'WebToSRTCaptions',
        Type: 'Sync',
        Configuration: { MediaType: 'MetadataOnly', TargetLanguageCodes: ['en'], Enabled: true },
      },
      {
        Name: 'WebToVTTCaptions',
        Type: 'Sync',
        Configuration: { MediaType: 'MetadataOnly', TargetLanguageCodes: ['en'], Enabled: true },
      },
      {
        Name: 'Translate',
        Type: 'Sync',
        Configuration: { MediaType: 'Text', TargetLanguageCode: 'ru', Enabled: true, SourceLanguageCode: 'en' },
      },
      {
        Name: 'TranslateWebCaptions',
        Type: 'Async',
        Configuration: {
          MediaType: 'MetadataOnly',
          TargetLanguageCodes: ['es'],
          Enabled: true,
          SourceLanguageCode: 'en',
        },
      },
      { Name: 'Polly', Type: 'Async', Configuration: { MediaType: 'Text', Enabled: false } },
      { Name: 'ComprehendKeyPhrases', Type: 'Async', Configuration: { MediaType: 'Text', Enabled: true } },
      { Name: 'ComprehendEntities', Type: 'Async', Configuration: { MediaType: 'Text', Enabled: true } },
    ]);
  });

  it('gives every operator a unique name and a monitor exactly when it is Async', () => {
    // Assess
    expect(new Set(ALL_OPERATORS.map((operator) => operator.Name)).size).toBe(ALL_OPERATORS.length);
    for (const operator of ALL_OPERATORS) {
      expect([operator.Name, operator.monitor !== undefined]).toEqual([operator.Name, operator.Type === 'Async']);
    }
  });

  it.each(handlerReferences(ALL_OPERATORS))('points %s at an exported function', (reference) => {
    // Prepare
    const [file, exportName] = split(reference);

    // Act
    const loaded = loadHandlerFile(file, ALL_VARIABLES);

    // Assess
    expect(typeof loaded[exportName]).toBe('function');
  });

  it.each([...new Set(handlerReferences(ALL_OPERATORS).map((reference) => split(reference)[0]))])(
    'lists exactly the environment variables %s needs',
    (file) => {
      // Prepare
      const declared = [...new Set(operatorsUsing(file).flatMap((operator) => operator.environment))].sort();

      // Act
      const loadsWithDeclared = () => loadHandlerFile(file, declared);
      const missing: string[] = [];
      for (const name of declared) {
        try {
          loadHandlerFile(
            file,
            declared.filter((other) => other !== name),
          );
        } catch (error) {
          if ((error as Error).message.includes(name)) missing.push(name);
        }
      }

      // Assess
      expect(loadsWithDeclared).not.toThrow();
      expect(missing).toEqual(declared);
    },
  );

  /** Each operator's handlers with the function spec each is built from. */
  const handlerSpecs = ALL_OPERATORS.flatMap((operator) =>
    (operator.monitor ? [operator.start, operator.monitor] : [operator.start]).map(
      (reference) => [operator, reference, handlerSpec(operator, reference)] as const,
    ),
  );

  it.each(
    handlerSpecs.flatMap(([operator, , spec]) => Object.keys(bundleFiles(spec)).map((from) => [operator.Name, from])),
  )('%s copies %s, which the npm package provides, into its bundle', (_, from) => {
    expect(existsSync(path.join(REPOSITORY_ROOT, from))).toBe(true);
  });

  it('names entries relative to lambdas/ for NodeFunction', () => {
    // Act
    const entry = functionEntry('thumbnail/handler.ts#startThumbnail');

    // Assess
    expect(entry).toEqual({ entry: 'media-insights/operators/thumbnail/handler.ts', handler: 'startThumbnail' });
    expect(existsSync(path.join(REPOSITORY_ROOT, 'lambdas', entry.entry))).toBe(true);
  });

  it('gives the ffmpeg layer exactly to the handler that runs ffmpeg (not the Thumbnail monitor), deployed as x86_64', () => {
    // Assess
    for (const [, reference, spec] of handlerSpecs) {
      const runsFfmpeg = reference === 'thumbnail/handler.ts#startThumbnail';
      expect([reference, layeredTools(spec), runsX64Binaries(spec)]).toEqual([
        reference,
        runsFfmpeg ? ['ffmpeg'] : [],
        runsFfmpeg,
      ]);
    }
  });
});

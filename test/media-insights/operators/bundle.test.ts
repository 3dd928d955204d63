import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import {
  BUILT_IN_OPERATORS,
  functionEntry,
  handlerSpec,
  type CatalogOperator,
  type HandlerReference,
} from '../../../lambdas/media-insights/operators/catalog';
import type { OperatorObject } from '../../../lambdas/media-insights/workflow/domain/types';
import { bundleFiles, layeredTools, MEDIA_TOOL_FILES } from '../../../lambdas/shared/media/function-spec';
import { startLocalEngines, type LocalEngines } from '../dataplane/support';
import { generateMedia, LocalLambdaEndpoint, operatorEvent, putFile, type GeneratedMedia } from './support';

const REPOSITORY_ROOT = path.join(__dirname, '../../..');
const MEDIA_BUCKET = 'mie-operators-bundle-media';
const DATAPLANE_BUCKET = 'mie-operators-bundle-dataplane';
const DATAPLANE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:mie-dataplane-api';

type OperatorHandler = (event: unknown) => Promise<OperatorObject>;

/**
 * The functions as they are deployed: bundled by esbuild with NodeFunction's settings, with the catalog's files
 * copied next to the bundle, loaded from outside the repository (no node_modules to fall back on).
 */
describe('operator bundles', () => {
  let engines: LocalEngines;
  let media: GeneratedMedia;
  let lambda: LocalLambdaEndpoint;
  let outdir: string;
  let handlers: Record<HandlerReference, OperatorHandler>;

  beforeAll(async () => {
    [engines, media] = await Promise.all([startLocalEngines(), generateMedia()]);
    for (const Bucket of [MEDIA_BUCKET, DATAPLANE_BUCKET]) await engines.s3.send(new CreateBucketCommand({ Bucket }));
    await putFile(engines.s3, MEDIA_BUCKET, 'media/short clip.mp4', media.shortVideo);
    lambda = new LocalLambdaEndpoint();
    lambda.register(DATAPLANE_ARN, async () => ({ statusCode: 200, body: JSON.stringify({ Status: 'Success' }) }));
    await lambda.start();
    outdir = mkdtempSync(path.join(tmpdir(), 'mie-operator-bundles-'));
    // The functions' environment, read when a bundle is loaded.
    Object.assign(process.env, {
      DATAPLANE_HANDLER_ARN: DATAPLANE_ARN,
      DATAPLANE_BUCKET,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    });
    handlers = {};
    for (const name of ['Mediainfo', 'Thumbnail']) Object.assign(handlers, await deploy(operator(name)));
  });

  afterAll(async () => {
    await lambda.stop();
    await engines.stop();
    media.remove();
    rmSync(outdir, { recursive: true, force: true });
  });

  function operator(name: string): CatalogOperator {
    return BUILT_IN_OPERATORS.find((candidate) => candidate.Name === name)!;
  }

  /** Bundles the operator's handler file, copies its files beside the bundle, lays out its layers, loads the bundle. */
  async function deploy(catalogEntry: CatalogOperator): Promise<Record<HandlerReference, OperatorHandler>> {
    const references = catalogEntry.monitor ? [catalogEntry.start, catalogEntry.monitor] : [catalogEntry.start];
    // One bundle of the handler file serves both handlers here: it gets the start handler's files and layers.
    const spec = handlerSpec(catalogEntry, catalogEntry.start);
    const bundleDir = path.join(outdir, catalogEntry.Name);
    await build({
      entryPoints: [path.join(REPOSITORY_ROOT, 'lambdas', functionEntry(catalogEntry.start).entry)],
      outfile: path.join(bundleDir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      keepNames: true,
      logLevel: 'silent',
    });
    for (const [from, to] of Object.entries(bundleFiles(spec))) {
      mkdirSync(path.dirname(path.join(bundleDir, to)), { recursive: true });
      // The binaries are large; a link is as good as the copy the stack makes.
      if (from.endsWith('.wasm')) copyFileSync(path.join(REPOSITORY_ROOT, from), path.join(bundleDir, to));
      else symlinkSync(path.join(REPOSITORY_ROOT, from), path.join(bundleDir, to));
    }
    // Its layers, as Lambda mounts them under /opt with /opt/bin on PATH, in a Lambda function (LAMBDA_TASK_ROOT).
    for (const tool of layeredTools(spec)) {
      const layerDir = path.join(outdir, 'layers', tool);
      for (const [from, to] of Object.entries(MEDIA_TOOL_FILES[tool].files)) {
        mkdirSync(path.dirname(path.join(layerDir, to)), { recursive: true });
        symlinkSync(path.join(REPOSITORY_ROOT, from), path.join(layerDir, to));
      }
      process.env.PATH = `${path.join(layerDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`;
    }
    process.env.LAMBDA_TASK_ROOT = bundleDir;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is built by this test, at a path known only now
    const bundle = require(path.join(bundleDir, 'index.js')) as Record<string, OperatorHandler>;
    return Object.fromEntries(references.map((reference) => [reference, bundle[functionEntry(reference).handler]!]));
  }

  const shortClip = (name: string) =>
    operatorEvent({
      Name: name,
      Input: { Media: { Video: { S3Bucket: MEDIA_BUCKET, S3Key: 'media/short clip.mp4' } }, MetaData: {} },
    });

  it('runs the bundled Mediainfo function with the WASM file copied next to it', async () => {
    // Act
    const output = await handlers[operator('Mediainfo').start](shortClip('Mediainfo'));

    // Assess
    expect(output.Status).toBe('Complete');
    const stored = lambda.invocations.find((invocation) => invocation.functionName === DATAPLANE_ARN);
    const body = JSON.parse((stored?.payload as { body: string }).body) as {
      Results: { tracks: { track_type: string }[] };
    };
    expect(body.Results.tracks.map((track) => track.track_type)).toEqual(['General', 'Video', 'Audio']);
  });

  it('runs the bundled Thumbnail functions with ffmpeg and ffprobe from the ffmpeg layer', async () => {
    // Prepare
    const thumbnail = operator('Thumbnail');

    // Act
    const started = await handlers[thumbnail.start](shortClip('Thumbnail'));
    const checked = await handlers[thumbnail.monitor!](started);

    // Assess
    expect(started.Status).toBe('Executing');
    expect(Object.keys(started.Media).sort()).toEqual(['Audio', 'ProxyEncode', 'Thumbnail']);
    expect(checked.Status).toBe('Complete');
  });

  it('keeps the MasExecutionError name through minification', async () => {
    // Act
    const failed = handlers[operator('Thumbnail').monitor!](operatorEvent({ Name: 'Thumbnail' }));

    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'MasExecutionError' });
  });
});

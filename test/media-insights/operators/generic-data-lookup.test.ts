import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  runGenericDataLookup,
  type GenericDataLookupDependencies,
} from '../../../lambdas/media-insights/operators/generic-data-lookup/operator';
import { S3Objects } from '../../../lambdas/shared/media/s3-objects';
import { captureLogs } from '../../support/logs';
import { startLocalEngines, type LocalEngines } from '../dataplane/support';
import { ASSET_ID, EXECUTION_ID, failureOf, InMemoryDataplane, operatorEvent } from './support';

const BUCKET = 'mie-operators-lookup';

describe('GenericDataLookup operator', () => {
  let engines: LocalEngines;
  let objects: S3Objects;

  beforeAll(async () => {
    engines = await startLocalEngines();
    await engines.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = (Key: string, Body: string) => engines.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    await Promise.all([
      put('data/My Video.json', JSON.stringify({ Labels: [{ Name: 'Cat', Confidence: 99.5 }], Source: 'precomputed' })),
      put('data/list.json', '[1, 2]'),
      put('data/broken.json', '{"Labels": '),
    ]);
    objects = new S3Objects(engines.s3);
  });

  afterAll(() => engines.stop());

  function lookupEvent(configuration: Record<string, unknown>) {
    return operatorEvent({
      Name: 'GenericDataLookup',
      Configuration: { MediaType: 'Video', Enabled: true, ...configuration },
      Input: { Media: { Video: { S3Bucket: BUCKET, S3Key: 'media/My Video.mp4' } }, MetaData: {} },
    });
  }

  function dependencies(dataplane = new InMemoryDataplane()): GenericDataLookupDependencies {
    return { objects, dataplane };
  }

  it('stores the JSON document named by Configuration Bucket and Key as the operation metadata', async () => {
    // Prepare
    const dataplane = new InMemoryDataplane();

    // Act
    const output = await runGenericDataLookup(
      lookupEvent({ Bucket: BUCKET, Key: 'data/My Video.json' }),
      dependencies(dataplane),
    );

    // Assess
    expect(output.Status).toBe('Complete');
    expect(output.MetaData).toEqual({ AssetId: ASSET_ID, WorkflowExecutionId: EXECUTION_ID });
    expect(output.Media).toEqual({});
    expect(dataplane.calls).toEqual([
      {
        request: {
          assetId: ASSET_ID,
          operatorName: 'GenericDataLookup',
          workflowId: EXECUTION_ID,
          results: { Labels: [{ Name: 'Cat', Confidence: 99.5 }], Source: 'precomputed' },
        },
        page: undefined,
      },
    ]);
  });

  it.each([
    [{ Bucket: BUCKET }, 'Missing S3 key for data file.'],
    [{ Key: 'data/My Video.json' }, 'Missing S3 bucket for data file.'],
    [{}, 'Missing S3 key for data file.'],
  ])('refuses configuration %p with the original message', async (configuration, message) => {
    // Act
    const output = await failureOf(() => runGenericDataLookup(lookupEvent(configuration), dependencies()));

    // Assess
    expect(output.Status).toBe('Error');
    expect(output.MetaData).toEqual({ GenericDataLookupError: message });
  });

  it('refuses a document that is not a JSON object, naming its Python type', async () => {
    // Act
    const output = await failureOf(() =>
      runGenericDataLookup(lookupEvent({ Bucket: BUCKET, Key: 'data/list.json' }), dependencies()),
    );

    // Assess
    expect(output.MetaData['GenericDataLookupError']).toBe(
      "Metadata must be of type dict. Found <class 'list'> instead.",
    );
  });

  it.each([
    ['data/broken.json', /^Unable read datafile\. .*JSON/],
    ['data/absent.json', new RegExp(`^Unable read datafile\\. .*s3://${BUCKET}/data/absent\\.json`)],
  ])('reports a data file it cannot read or parse (%s)', async (key, message) => {
    // Act
    const output = await failureOf(() =>
      runGenericDataLookup(lookupEvent({ Bucket: BUCKET, Key: key }), dependencies()),
    );

    // Assess
    expect(output.MetaData['GenericDataLookupError']).toMatch(message);
  });

  it('fails with the original message when the data plane does not store the document', async () => {
    // Prepare
    const dataplane = new InMemoryDataplane();
    dataplane.refuse = true;
    const logs = captureLogs();

    // Act
    const output = await failureOf(() =>
      runGenericDataLookup(lookupEvent({ Bucket: BUCKET, Key: 'data/My Video.json' }), dependencies(dataplane)),
    );
    logs.restore();

    // Assess
    expect(output.MetaData).toEqual({
      AssetId: ASSET_ID,
      WorkflowExecutionId: EXECUTION_ID,
      GenericDataLookupError: `Unable to upload metadata for asset: ${ASSET_ID}`,
    });
    expect(logs.entries()).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'Storing the operator metadata failed', assetId: ASSET_ID }),
    ]);
  });
});

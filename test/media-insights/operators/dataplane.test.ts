import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { analyzeMedia } from '../../../lambdas/media-insights/operators/mediainfo/analyzer';
import { runMediainfo } from '../../../lambdas/media-insights/operators/mediainfo/operator';
import {
  DataplaneError,
  LambdaDataplane,
  storeMetadataEvent,
} from '../../../lambdas/media-insights/operators/shared/dataplane';
import { S3Objects } from '../../../lambdas/shared/media/s3-objects';
import {
  DATAPLANE_ENV,
  MEDIA_BUCKET,
  callApi,
  provisionDataplane,
  startLocalEngines,
  type LambdaHandler,
  type LocalEngines,
} from '../dataplane/support';
import { generateMedia, LocalLambdaEndpoint, operatorEvent, putFile, type GeneratedMedia } from './support';

const DATAPLANE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:mie-dataplane-api';

describe('storeMetadataEvent', () => {
  it('builds the API Gateway proxy event the original helper sends for POST /metadata/{asset_id}', () => {
    // Act
    const event = storeMetadataEvent(
      { assetId: 'asset-1', operatorName: 'Mediainfo', workflowId: 'run-1', results: { tracks: [] } },
      undefined,
      'lambda_abc',
      1_700_000_000_000,
    );

    // Assess
    expect(event).toMatchObject({
      resource: '/metadata/{asset_id}',
      path: '/metadata/asset-1',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json' },
      pathParameters: { asset_id: 'asset-1' },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      isBase64Encoded: false,
      requestContext: {
        stage: 'api',
        httpMethod: 'POST',
        resourcePath: '/metadata/{asset_id}',
        requestId: 'lambda_abc',
        requestTimeEpoch: 1_700_000_000_000,
      },
    });
    expect(JSON.parse(event.body!)).toEqual({
      OperatorName: 'Mediainfo',
      WorkflowId: 'run-1',
      Results: { tracks: [] },
    });
  });

  it.each([
    [{ end: false }, { paginated: 'true' }],
    [{ end: true }, { paginated: 'true', end: 'true' }],
  ])('marks page %p with query %p', (page, query) => {
    // Act
    const event = storeMetadataEvent({ assetId: 'a', operatorName: 'o', workflowId: 'w', results: {} }, page, 'r', 0);

    // Assess
    expect(event.queryStringParameters).toEqual(query);
    expect(event.multiValueQueryStringParameters).toEqual(
      Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    );
  });
});

describe('LambdaDataplane against the real data plane handler', () => {
  let engines: LocalEngines;
  let endpoint: LocalLambdaEndpoint;
  let lambda: LambdaClient;
  let dataplaneHandler: LambdaHandler;
  let media: GeneratedMedia;

  beforeAll(async () => {
    [engines, media] = await Promise.all([startLocalEngines(), generateMedia()]);
    await provisionDataplane(engines);
    // Only now: the handler's clients and configuration come from the environment set above.
    ({ handler: dataplaneHandler } = await import('../../../lambdas/media-insights/dataplane/handler'));
    endpoint = new LocalLambdaEndpoint();
    endpoint.register(DATAPLANE_ARN, (payload) => dataplaneHandler(payload as APIGatewayProxyEvent));
    lambda = await endpoint.start();
    await putFile(engines.s3, MEDIA_BUCKET, 'media/clip.mp4', media.video);
  });

  afterAll(async () => {
    await endpoint.stop();
    await engines.stop();
    media.remove();
  });

  async function createAsset(): Promise<string> {
    const response = await callApi(dataplaneHandler, {
      resource: '/create',
      method: 'POST',
      body: { Input: { MediaType: 'Video', S3Bucket: MEDIA_BUCKET, S3Key: 'media/clip.mp4' } },
    });
    return (response.body as { AssetId: string }).AssetId;
  }

  async function operatorMetadata(assetId: string, operatorName: string) {
    return callApi(dataplaneHandler, {
      resource: '/metadata/{asset_id}/{operator_name}',
      pathParameters: { asset_id: assetId, operator_name: operatorName },
    });
  }

  it('stores results that GET /metadata/{asset_id}/{operator_name} then serves', async () => {
    // Prepare
    const assetId = await createAsset();
    const dataplane = new LambdaDataplane(lambda, DATAPLANE_ARN);

    // Act
    const stored = await dataplane.storeAssetMetadata({
      assetId,
      operatorName: 'GenericDataLookup',
      workflowId: 'run-1',
      results: { Labels: ['Cat'] },
    });

    // Assess
    const key = `private/assets/${assetId}/workflows/run-1/GenericDataLookup.json`;
    expect(stored).toEqual({ Status: 'Success', Bucket: DATAPLANE_ENV.DATAPLANE_BUCKET, Key: key });
    expect((await operatorMetadata(assetId, 'GenericDataLookup')).body).toMatchObject({
      operator: 'GenericDataLookup',
      results: { Labels: ['Cat'] },
    });
    expect(endpoint.invocations.at(-1)).toMatchObject({
      functionName: DATAPLANE_ARN,
      invocationType: 'RequestResponse',
    });
  });

  it('stores and reads back integers beyond 2^53 exactly, as the WebCaptions operators read earlier results', async () => {
    // Prepare
    const assetId = await createAsset();
    const dataplane = new LambdaDataplane(lambda, DATAPLANE_ARN);
    const results = { tracks: [{ unique_id: 227462152546098813547327498116009536548n, size: 2n ** 63n, f: 0.5 }] };

    // Act
    await dataplane.storeAssetMetadata({ assetId, operatorName: 'Mediainfo', workflowId: 'run-5', results });
    const read = await dataplane.retrieveAssetMetadata(assetId, 'Mediainfo');

    // Assess
    expect(read.results).toEqual(results);
  });

  it('stores a paginated result page by page, published with the last page', async () => {
    // Prepare
    const assetId = await createAsset();
    const dataplane = new LambdaDataplane(lambda, DATAPLANE_ARN);
    const request = (n: number) => ({ assetId, operatorName: 'Labels', workflowId: 'run-2', results: { n } });

    // Act
    await dataplane.storeAssetMetadata(request(0), { end: false });
    const beforeEnd = await operatorMetadata(assetId, 'Labels');
    const last = await dataplane.storeAssetMetadata(request(1), { end: true });

    // Assess
    expect(beforeEnd.statusCode).toBe(404);
    const object = await engines.s3.send(
      new GetObjectCommand({ Bucket: DATAPLANE_ENV.DATAPLANE_BUCKET, Key: last.Key! }),
    );
    expect(JSON.parse(await object.Body!.transformToString())).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it("rejects with the data plane's answer when it refuses to store", async () => {
    // Prepare
    const dataplane = new LambdaDataplane(lambda, DATAPLANE_ARN);

    // Act
    const stored = dataplane.storeAssetMetadata({
      assetId: 'no-such-asset',
      operatorName: 'Labels',
      workflowId: 'run-3',
      results: {},
    });

    // Assess
    await expect(stored).rejects.toThrow(DataplaneError);
    await expect(stored).rejects.toThrow(/^The data plane answered 404: .*no-such-asset/);
  });

  it('rejects when the data plane function itself fails', async () => {
    // Prepare
    endpoint.register('broken-dataplane', () => Promise.reject(new TypeError('boom')));
    const dataplane = new LambdaDataplane(lambda, 'broken-dataplane');

    // Act
    const stored = dataplane.storeAssetMetadata({ assetId: 'a', operatorName: 'o', workflowId: 'w', results: {} });

    // Assess
    await expect(stored).rejects.toThrow(
      'The data plane function failed: {"errorType":"TypeError","errorMessage":"boom"}',
    );
  });

  it('carries the Mediainfo operator results all the way into the data plane', async () => {
    // Prepare
    const assetId = await createAsset();
    const event = operatorEvent({
      Name: 'Mediainfo',
      AssetId: assetId,
      WorkflowExecutionId: 'run-4',
      Input: { Media: { Video: { S3Bucket: MEDIA_BUCKET, S3Key: 'media/clip.mp4' } }, MetaData: {} },
    });

    // Act
    const output = await runMediainfo(event, {
      objects: new S3Objects(engines.s3),
      analyze: analyzeMedia,
      dataplane: new LambdaDataplane(lambda, DATAPLANE_ARN),
    });

    // Assess
    expect(output.Status).toBe('Complete');
    const served = (await operatorMetadata(assetId, 'Mediainfo')).body as {
      results: { tracks: { track_type: string }[] };
    };
    expect(served.results.tracks.map((track) => track.track_type)).toEqual(['General', 'Video', 'Audio']);
  });
});

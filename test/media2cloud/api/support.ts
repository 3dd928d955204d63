import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createMedia2CloudApiHandler, createMedia2CloudRoutes } from '../../../lambdas/media2cloud/api/app';
import { loadConfig, settingsFromConfig } from '../../../lambdas/media2cloud/api/config';
import { stackDefaultAiOptions } from '../../../lambdas/media2cloud/pipeline/domain/ai-options';
import type {
  Media2CloudDependencies,
  Media2CloudPorts,
  RemovalRequest,
  SearchPort,
} from '../../../lambdas/media2cloud/api/domain/ports';
import type { StartedExecution } from '../../../lambdas/media2cloud/api/domain/records';
import { ANALYSIS_TABLE } from '../../../lambdas/media2cloud/tables/analysis';
import { INGEST_TABLE } from '../../../lambdas/media2cloud/tables/ingest';
import { FACE_INDEXER_TABLE } from '../../../lambdas/media2cloud/tables/face-indexer';
import { createTable } from '../../support/tables';
import type { SearchRequest, SearchResponse } from '../../../lambdas/media2cloud/search';
import {
  callApi,
  startLocalEngines,
  type ApiCall,
  type ApiResult,
  type LambdaHandler,
  type LocalEngines,
} from '../../media-insights/dataplane/support';

/** The environment the stack gives the Media2Cloud API function, with names local to these tests. */
export const MEDIA2CLOUD_ENV = {
  INGEST_TABLE_NAME: 'm2c-ingest',
  AIML_TABLE_NAME: 'm2c-aiml',
  FACEINDEXER_TABLE_NAME: 'm2c-faceindexer',
  INGEST_BUCKET: 'm2c-ingest-bucket',
  PROXY_BUCKET: 'm2c-proxy-bucket',
  MAIN_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:m2c-main',
  ANALYSIS_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:m2c-analysis-main',
  REMOVAL_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:m2c-asset-removal',
  // Never called in these tests: the search port is a fake here, and the adapter has its own tests.
  SEARCH_ENDPOINT: 'https://search-m2c.us-east-1.es.amazonaws.com',
  DEFAULT_AI_OPTIONS: JSON.stringify({ celeb: true, label: true, transcribe: true, framebased: false }),
  USER_POOL_ID: 'us-east-1_m2cusers1',
  IOT_POLICY_NAME: 'm2c-status-policy',
} as const;

/** What the API resolves the stack default to: the JSON laid over the original's base options. */
export const DEFAULT_AI_OPTIONS = stackDefaultAiOptions(MEDIA2CLOUD_ENV.DEFAULT_AI_OPTIONS);

/** A bucket outside the solution, standing for another bucket the caller keeps media in. */
export const OTHER_BUCKET = 'm2c-other-media';

/** The ingest and analysis tables exactly as their modules describe them (what the stack must create). */
export async function provisionMedia2Cloud(engines: LocalEngines): Promise<void> {
  Object.assign(process.env, MEDIA2CLOUD_ENV);
  await createTable(engines.dynamo, MEDIA2CLOUD_ENV.INGEST_TABLE_NAME, INGEST_TABLE);
  await createTable(engines.dynamo, MEDIA2CLOUD_ENV.AIML_TABLE_NAME, ANALYSIS_TABLE);
  await createTable(engines.dynamo, MEDIA2CLOUD_ENV.FACEINDEXER_TABLE_NAME, FACE_INDEXER_TABLE);
  for (const Bucket of [MEDIA2CLOUD_ENV.INGEST_BUCKET, MEDIA2CLOUD_ENV.PROXY_BUCKET, OTHER_BUCKET]) {
    await engines.s3.send(new CreateBucketCommand({ Bucket }));
  }
}

/** Step Functions at the adapter boundary: every start recorded; `failNext` makes the next one throw it. */
export class RecordingStateMachines {
  readonly starts: { stateMachineArn: string; input: any }[] = [];
  failNext: Error | undefined;

  async start(stateMachineArn: string, input: unknown): Promise<StartedExecution> {
    if (this.failNext) {
      const failure = this.failNext;
      this.failNext = undefined;
      throw failure;
    }
    // A JSON copy: what the state machine would receive.
    this.starts.push({ stateMachineArn, input: JSON.parse(JSON.stringify(input)) });
    const name = `execution-${this.starts.length}`;
    return {
      executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      startDate: new Date('2024-04-10T22:37:58.905Z'),
    };
  }
}

/** The removal function at the adapter boundary: every asynchronous invocation recorded. */
export class RecordingRemoval {
  readonly requests: RemovalRequest[] = [];

  async request(removal: RemovalRequest): Promise<void> {
    this.requests.push(JSON.parse(JSON.stringify(removal)));
  }
}

/** OpenSearch at the adapter boundary: searches recorded and answered with `response`, field drops recorded. */
export class RecordingSearch implements SearchPort {
  readonly searches: SearchRequest[] = [];
  readonly dropped: string[] = [];
  response: SearchResponse = { term: '', totalHits: 0, nextToken: 0, elapsed: 1, hits: [] };
  failure: Error | undefined;

  async search(request: SearchRequest): Promise<SearchResponse> {
    if (this.failure) throw this.failure;
    this.searches.push(request);
    return this.response;
  }

  async dropAnalysisFields(uuid: string): Promise<void> {
    this.dropped.push(uuid);
  }
}

export interface Media2CloudTestbed {
  readonly engines: LocalEngines;
  readonly documents: DynamoDBDocumentClient;
  readonly stateMachines: RecordingStateMachines;
  readonly removal: RecordingRemoval;
  readonly search: RecordingSearch;
  readonly clock: { now: number };
  /** The API handler on real DynamoDB and S3 (dynalite, the local S3 engine), with SFN, Lambda and OpenSearch recorded. */
  readonly handler: LambdaHandler;
  api(call: ApiCall): Promise<ApiResult>;
  putObject(bucket: string, key: string, body: string, metadata?: Record<string, string>): Promise<void>;
  putRecord(record: Record<string, unknown>): Promise<void>;
  record(uuid: string): Promise<Record<string, any> | undefined>;
  putAnalysis(record: Record<string, unknown>): Promise<void>;
  analysis(uuid: string, type: string): Promise<Record<string, any> | undefined>;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Starts dynalite and the local S3 engine, creates the tables and buckets, and builds the API with its real DynamoDB and S3
 * adapters. Modules that create SDK clients are loaded only now, after the endpoints are in the environment.
 */
export async function startMedia2CloudTestbed(): Promise<Media2CloudTestbed> {
  const engines = await startLocalEngines();
  await provisionMedia2Cloud(engines);
  const { createMedia2CloudPorts } = await import('../../../lambdas/media2cloud/api/adapters');

  const config = loadConfig();
  const stateMachines = new RecordingStateMachines();
  const removal = new RecordingRemoval();
  const search = new RecordingSearch();
  const clock = { now: 1_712_450_008_235 };
  const deps: Media2CloudDependencies = {
    ...createMedia2CloudPorts(config),
    stateMachines,
    removal,
    search,
    settings: settingsFromConfig(config),
    now: () => clock.now,
    newUuid: randomUUID,
  };
  const handler = createMedia2CloudApiHandler(createMedia2CloudRoutes(deps));
  const documents = DynamoDBDocumentClient.from(engines.dynamo);

  return {
    engines,
    documents,
    stateMachines,
    removal,
    search,
    clock,
    handler,
    api: (call) => callApi(handler, call),
    async putObject(bucket, key, body, metadata) {
      await engines.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }));
    },
    async putRecord(record) {
      await documents.send(new PutCommand({ TableName: MEDIA2CLOUD_ENV.INGEST_TABLE_NAME, Item: record }));
    },
    async record(uuid) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: MEDIA2CLOUD_ENV.INGEST_TABLE_NAME, Key: { uuid }, ConsistentRead: true }),
      );
      return Item;
    },
    async putAnalysis(record) {
      await documents.send(new PutCommand({ TableName: MEDIA2CLOUD_ENV.AIML_TABLE_NAME, Item: record }));
    },
    async analysis(uuid, type) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: MEDIA2CLOUD_ENV.AIML_TABLE_NAME, Key: { uuid, type }, ConsistentRead: true }),
      );
      return Item;
    },
    reset() {
      stateMachines.starts.length = 0;
      stateMachines.failNext = undefined;
      removal.requests.length = 0;
      search.searches.length = 0;
      search.dropped.length = 0;
      search.failure = undefined;
    },
    stop: () => engines.stop(),
  };
}

export { callApi, type ApiCall, type ApiResult, type LambdaHandler };

/** Asserts the original's error body, with the status code and `errorCode` we add. */
export function expectError(response: ApiResult, status: number, errorName: string, errorMessage: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.body).toEqual({ errorCode: status, errorName, errorMessage });
}

/**
 * The API on the given ports only, without engines: any other port throws when called, so a test also proves that
 * a route touches nothing else.
 */
export function stubbedApi(ports: Partial<Media2CloudPorts>) {
  const unused = new Proxy(
    {},
    {
      get: (_target, name) => () => {
        throw new Error(`unexpected call to ${String(name)}`);
      },
    },
  );
  const deps = {
    ingest: unused,
    analysis: unused,
    objects: unused,
    stateMachines: unused,
    removal: unused,
    search: unused,
    ...ports,
    settings: {
      ingestBucket: MEDIA2CLOUD_ENV.INGEST_BUCKET,
      proxyBucket: MEDIA2CLOUD_ENV.PROXY_BUCKET,
      mainStateMachineArn: MEDIA2CLOUD_ENV.MAIN_STATE_MACHINE_ARN,
      analysisStateMachineArn: MEDIA2CLOUD_ENV.ANALYSIS_STATE_MACHINE_ARN,
      defaultAiOptions: DEFAULT_AI_OPTIONS,
    },
    now: Date.now,
    newUuid: randomUUID,
  } as unknown as Media2CloudDependencies;
  const handler = createMedia2CloudApiHandler(createMedia2CloudRoutes(deps));
  return (call: ApiCall) => callApi(handler, call);
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../../../lib/constructs/node-function';
import {
  createLocalStepFunctions,
  startStepFunctionsEndpoint,
  type LocalStepFunctions,
} from '../../../lib/local/stepfunctions';
import { principalsFor } from '../../support/principals';
import { startModule } from '../../support/modules';
import { LocalEventBus } from '../../../lib/local/events/bus';
import type { EventsService } from '../../../lib/local/events/module';
import { mediaConvertModule, type MediaConvertService } from '../../../lib/local/mediaconvert';
import { MediaConvertTranscoder } from '../../../lambdas/shared/ai/mediaconvert';
import { NotFoundError } from '../../../lambdas/shared/http/errors';
import type { SearchDocument, SearchDocumentPatch } from '../../../lambdas/media2cloud/search/document';
import { LocalSearchIndex } from '../../../lambdas/media2cloud/search/local/local-search-index';
import { ANALYSIS_TABLE, AnalysisTable } from '../../../lambdas/media2cloud/tables/analysis';
import {
  INGEST_TABLE as INGEST_TABLE_SCHEMA,
  IngestTable,
  type IngestRecord,
} from '../../../lambdas/media2cloud/tables/ingest';
import { createTable } from '../../support/tables';
import { tmpScratch } from '../../../lambdas/media2cloud/pipeline/adapters/scratch';
import { S3ObjectStore } from '../../../lambdas/media2cloud/pipeline/adapters/s3-object-store';
import { SfnExecutions, SfnTaskCallbacks } from '../../../lambdas/media2cloud/pipeline/adapters/sfn-executions';
import { analysisHandlers } from '../../../lambdas/media2cloud/pipeline/analysis/handlers';
import { AnalyzerRegistry, TEXT_ANALYZERS } from '../../../lambdas/media2cloud/pipeline/analysis/registry';
import { awsAiServices } from '../../../lambdas/media2cloud/pipeline/adapters/ai';
import { PIPELINE_FUNCTIONS, PIPELINE_STATE_MACHINES } from '../../../lambdas/media2cloud/pipeline/catalog';
import { stackDefaultAiOptions } from '../../../lambdas/media2cloud/pipeline/domain/ai-options';
import { SearchDocumentMissingError } from '../../../lambdas/media2cloud/pipeline/domain/errors';
import { ingestHandlers } from '../../../lambdas/media2cloud/pipeline/ingest/handlers';
import { describeMedia } from '../../../lambdas/media2cloud/pipeline/media/mediainfo';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { pdfReader } from '../../../lambdas/media2cloud/pipeline/media/pdf/reader';
import { pdfPageRenderer } from '../../../lambdas/media2cloud/pipeline/media/pdf/render';
import type { PipelineDependencies, SearchIndexPort, StatusUpdate } from '../../../lambdas/media2cloud/pipeline/ports';
import { removeAsset } from '../../../lambdas/media2cloud/pipeline/removal/remove-asset';
import { handleS3Event } from '../../../lambdas/media2cloud/pipeline/s3-event/s3-event';
import { executionEnded } from '../../../lambdas/media2cloud/pipeline/status/execution-ended';
import { recordError } from '../../../lambdas/media2cloud/pipeline/status/record-error';
import { startLocalEngines, type LocalEngines } from '../../media-insights/dataplane/support';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const INGEST_BUCKET = 'm2c-ingest';
export const PROXY_BUCKET = 'm2c-proxy';
export const INGEST_TABLE = 'm2c-ingest';
export const AIML_TABLE = 'm2c-aiml';

export const functionArn = (id: string) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:m2c-${id}`;
export const stateMachineArn = (id: string) => `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:m2c-${id}`;

/**
 * The search port faked at the adapter boundary: the local-mode search index in memory, with OpenSearch's
 * `document_missing_exception` as the port's error.
 */
export class InMemorySearchIndex implements SearchIndexPort {
  readonly index_ = LocalSearchIndex.open(':memory:');

  async index(document: SearchDocument): Promise<void> {
    this.index_.index(document);
  }
  async update(uuid: string, patch: SearchDocumentPatch): Promise<void> {
    this.missingAsError(uuid, () => this.index_.update(uuid, patch));
  }
  async updateStatus(uuid: string, status: StatusUpdate): Promise<void> {
    this.missingAsError(uuid, () => this.index_.updateStatus(uuid, status));
  }
  async remove(uuid: string): Promise<boolean> {
    return this.index_.remove(uuid);
  }
  async dropAnalysisFields(uuid: string): Promise<void> {
    this.missingAsError(uuid, () => this.index_.dropAnalysisFields(uuid));
  }
  get(uuid: string): SearchDocument | undefined {
    return this.index_.get(uuid);
  }
  private missingAsError(uuid: string, act: () => void): void {
    try {
      act();
    } catch (error) {
      if (error instanceof NotFoundError) throw new SearchDocumentMissingError(uuid);
      throw error;
    }
  }
}

type Handler = (event: unknown) => Promise<unknown>;

export interface PipelineHarness {
  readonly engines: LocalEngines;
  readonly sfn: LocalStepFunctions;
  /** The local MediaConvert the ingest jobs run on; its job state changes reach TranscodeJobEnded. */
  readonly mediaConvert: MediaConvertService;
  readonly deps: PipelineDependencies;
  readonly search: InMemorySearchIndex;
  readonly records: IngestTable;
  readonly analyses: AnalysisTable;
  /** Handlers by catalog function id. */
  readonly functions: ReadonlyMap<string, Handler>;
  /** Called before each function runs; a test may hold a function back by returning a pending promise. */
  beforeInvoke: (id: string, payload: unknown) => Promise<void>;
  upload(key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void>;
  /** Starts the main state machine and resolves with the execution once it ended. */
  runMain(input: Record<string, unknown>): Promise<{ executionArn: string; status: string }>;
  waitFor(executionArn: string, timeoutMs?: number): Promise<string>;
  record(uuid: string): Promise<IngestRecord | undefined>;
  proxyKeys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * The pipeline as deployed, in this process: dynalite and the local S3 engine, the local MediaConvert (its job state
 * changes delivered to TranscodeJobEnded as the stack's rule does), the local Step Functions service running the
 * `statemachines/m2c-*.asl.json` files with the catalog's substitutions, every Lambda task dispatched to the
 * pipeline's handlers (real adapters, real ffmpeg and MediaInfo), and the search index in memory.
 */
export async function startPipelineHarness(): Promise<PipelineHarness> {
  const engines = await startLocalEngines();
  const dynamo = new DynamoDBClient({});
  await createTable(dynamo, INGEST_TABLE, INGEST_TABLE_SCHEMA);
  await createTable(dynamo, AIML_TABLE, ANALYSIS_TABLE);
  for (const Bucket of [INGEST_BUCKET, PROXY_BUCKET]) await engines.s3.send(new CreateBucketCommand({ Bucket }));

  const functions = new Map<string, Handler>();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'm2c-sfn-'));
  const harness = {} as { beforeInvoke: PipelineHarness['beforeInvoke'] };
  harness.beforeInvoke = async () => undefined;
  const sfn = await createLocalStepFunctions({
    region: REGION,
    accountId: ACCOUNT_ID,
    dataDir,
    invokeLambda: async (arn, payload) => {
      const id = arn.split(':').pop()!.replace(/^m2c-/, '');
      const handler = functions.get(id);
      if (!handler)
        throw Object.assign(new Error(`Function not found: ${arn}`), { name: 'Lambda.ResourceNotFoundException' });
      await harness.beforeInvoke(id, payload);
      // A round trip through JSON, as the Lambda service serialises payloads and results.
      return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(payload)))) ?? null));
    },
  });
  // startLocalEngines gave the process the engines' key pair; the Step Functions endpoint accepts it too.
  const server = await startStepFunctionsEndpoint(
    sfn,
    {
      region: REGION,
      principals: principalsFor({
        accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
      }),
    },
    0,
  );
  const sfnClient = new SFNClient({ endpoint: server.endpoint });

  // MediaConvert with the engines' keys, and the stack's rule on its job state changes as the only rule of the bus.
  const keys = { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! };
  const bus = new LocalEventBus({
    region: REGION,
    accountId: ACCOUNT_ID,
    log: () => {},
    deliver: async (arn, payload) => {
      await functions.get(arn.split(':').pop()!.replace(/^m2c-/, ''))!(JSON.parse(JSON.stringify(payload)));
    },
  });
  bus.addRule({
    name: 'm2c-TranscodeJobsEnded',
    arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/m2c-TranscodeJobsEnded`,
    eventPattern: {
      source: ['aws.mediaconvert'],
      'detail-type': ['MediaConvert Job State Change'],
      detail: {
        status: ['COMPLETE', 'ERROR', 'CANCELED'],
        userMetadata: { bucket: [PROXY_BUCKET], taskToken: [{ exists: true }] },
      },
    },
    targets: [{ id: 'TranscodeJobEnded', arn: functionArn('TranscodeJobEnded') }],
  });
  bus.start();
  const eventsService: EventsService = { bus, close: () => bus.stop() };
  const mediaConvert = await startModule<MediaConvertService>(mediaConvertModule, {
    services: { s3: { endpoint: engines.s3Endpoint, close: async () => undefined }, events: eventsService },
    principals: principalsFor(keys),
    credentials: keys,
  });
  const mediaConvertClient = new MediaConvertClient({ endpoint: mediaConvert.service.endpoint });

  const documentClient = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const records = new IngestTable(documentClient, INGEST_TABLE);
  const analyses = new AnalysisTable(documentClient, AIML_TABLE);
  const search = new InMemorySearchIndex();
  const deps: PipelineDependencies = {
    config: {
      ingestBucket: INGEST_BUCKET,
      proxyBucket: PROXY_BUCKET,
      defaultAiOptions: stackDefaultAiOptions('{"label": true, "transcribe": true}'),
      mainStateMachineArn: stateMachineArn('Main'),
      mediaConvertRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/m2c-mediaconvert`,
    },
    records,
    analyses,
    objects: new S3ObjectStore(engines.s3),
    search,
    executions: new SfnExecutions(sfnClient),
    tools: mediaTools(),
    describeMedia,
    scratch: tmpScratch,
    now: () => Date.now(),
    pdfPages: pdfPageRenderer(),
    pdfReader: pdfReader(),
    ai: awsAiServices(),
    transcoder: new MediaConvertTranscoder(mediaConvertClient),
    tasks: new SfnTaskCallbacks(sfnClient),
  };
  // A deployment without the AI services (this harness runs no Rekognition, Transcribe, Comprehend or Textract):
  // their aiOptions are switched off as the original does where a service is missing.
  const registry = new AnalyzerRegistry(TEXT_ANALYZERS);

  // Each catalog function gets the export its entry names, built over the test dependencies.
  const modules: Record<string, Record<string, Handler>> = {
    'media2cloud/pipeline/ingest/handler.ts': ingestHandlers(deps),
    'media2cloud/pipeline/ingest/docinfo-handler.ts': { runDocinfo: ingestHandlers(deps).runDocinfo },
    'media2cloud/pipeline/ingest/transcode-handler.ts': { startTranscode: ingestHandlers(deps).startTranscode },
    'media2cloud/pipeline/analysis/handler.ts': analysisHandlers(deps, registry),
    'media2cloud/pipeline/analysis/analyzer-handler.ts': { runAnalyzer: analysisHandlers(deps, registry).runAnalyzer },
    'media2cloud/pipeline/status/handler.ts': {
      recordError: (event) => recordError(event, deps),
      executionEnded: (event) => executionEnded(event, deps),
    },
    'media2cloud/pipeline/removal/handler.ts': { handler: (event) => removeAsset(event, deps) },
    'media2cloud/pipeline/s3-event/handler.ts': { handler: (event) => handleS3Event(event, deps) },
  };
  for (const fn of PIPELINE_FUNCTIONS) {
    const handler = modules[fn.entry]?.[fn.handler];
    if (!handler) throw new Error(`catalog function ${fn.id}: no ${fn.handler} in ${fn.entry}`);
    functions.set(fn.id, handler);
  }

  for (const machine of PIPELINE_STATE_MACHINES) {
    const text = readFileSync(path.join(PROJECT_ROOT, machine.file), 'utf8');
    const definition = text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const source = machine.substitutions[name];
      if (!source) throw new Error(`${machine.file}: \${${name}} is not in the catalog`);
      return 'function' in source ? functionArn(source.function) : stateMachineArn(source.stateMachine);
    });
    await sfn.registerStateMachine({
      name: `m2c-${machine.id}`,
      arn: stateMachineArn(machine.id),
      definition,
      roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/m2c-states`,
    });
  }

  const waitFor = async (executionArn: string, timeoutMs = 45_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = await sfn.describeExecution({ executionArn });
      if (execution.status !== 'RUNNING') return execution.status!;
      if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return {
    engines,
    sfn,
    mediaConvert: mediaConvert.service,
    deps,
    search,
    records,
    analyses,
    functions,
    get beforeInvoke() {
      return harness.beforeInvoke;
    },
    set beforeInvoke(hook) {
      harness.beforeInvoke = hook;
    },
    async upload(key, body, metadata) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      await engines.s3.send(
        new PutObjectCommand({
          Bucket: INGEST_BUCKET,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          Metadata: metadata,
        }),
      );
    },
    async runMain(input) {
      const { executionArn } = await sfn.startExecution({
        stateMachineArn: stateMachineArn('Main'),
        input: JSON.stringify({ input }),
      });
      return { executionArn: executionArn!, status: await waitFor(executionArn!) };
    },
    waitFor,
    record: (uuid) => records.get(uuid),
    async proxyKeys(prefix) {
      return (await deps.objects.list(PROXY_BUCKET, prefix)).map((object) => object.key).sort();
    },
    async stop() {
      mediaConvertClient.destroy();
      await mediaConvert.stop();
      bus.stop();
      sfnClient.destroy();
      await server.close();
      await sfn.close();
      search.index_.close();
      dynamo.destroy();
      await engines.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { AiOptions } from '../domain/ai-options';
import { makeSafeOutputPrefix } from '../domain/layout';
import type { Destination } from '../domain/records';
import type { ExecutionControl, PipelineConfig } from '../ports';

/** What POST /assets and the S3 event hand over to start an ingest. */
export interface StartIngestRequest {
  readonly bucket: string;
  readonly key: string;
  /** A UUID of the caller's choosing; one is generated otherwise. */
  readonly uuid?: string;
  readonly destination?: Partial<Destination>;
  readonly group?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly aiOptions?: AiOptions;
}

/** The original's answer to POST /assets. */
export interface StartedIngest {
  readonly executionArn: string;
  readonly startDate: string;
  readonly uuid: string;
  readonly status: 'STARTED';
}

/**
 * Starts the main state machine (ingest, then analysis) for an object in the ingest bucket, with the execution
 * input the original builds: `{input: {uuid, bucket, key, destination: {bucket, prefix}, group?, attributes?,
 * aiOptions?}}`, the destination defaulting to the proxy bucket and `<uuid>/<dir of key>/`. Shared by the S3
 * event handler and the API's POST /assets, so both start assets the same way.
 */
export async function startIngest(
  request: StartIngestRequest,
  deps: {
    readonly config: Pick<PipelineConfig, 'proxyBucket' | 'mainStateMachineArn'>;
    readonly executions: ExecutionControl;
  },
): Promise<StartedIngest> {
  const uuid = request.uuid ?? randomUUID();
  const destination: Destination = {
    bucket: request.destination?.bucket ?? deps.config.proxyBucket,
    prefix: request.destination?.prefix ?? makeSafeOutputPrefix(uuid, request.key),
  };
  const input = {
    uuid,
    bucket: request.bucket,
    key: request.key,
    destination,
    ...(request.group ? { group: request.group } : {}),
    ...(request.attributes ? { attributes: request.attributes } : {}),
    ...(request.aiOptions ? { aiOptions: request.aiOptions } : {}),
  };
  const started = await deps.executions.start(deps.config.mainStateMachineArn, { input });
  return { executionArn: started.executionArn, startDate: started.startDate.toISOString(), uuid, status: 'STARTED' };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

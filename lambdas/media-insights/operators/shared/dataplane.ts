import { dataplaneEvent } from '../../shared/dataplane-event';
import { randomUUID } from 'node:crypto';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseExactJson } from '../../../shared/json/exact';

/** What an operator hands the data plane: `POST /metadata/{asset_id}` with `{OperatorName, WorkflowId, Results}`. */
export interface StoreMetadataRequest {
  readonly assetId: string;
  readonly operatorName: string;
  readonly workflowId: string;
  readonly results: Record<string, unknown>;
}

/**
 * Multi-page results: every page is sent with `?paginated=true`; the last one adds `&end=true`, which is when the
 * data plane publishes the stored list. Omitted for results stored in one call.
 */
export interface MetadataPage {
  readonly end: boolean;
}

/** The data plane's answer to a successful store (`Bucket`/`Key` are absent for a page that is not the last). */
export interface StoredMetadata {
  readonly Status: 'Success';
  readonly Bucket?: string;
  readonly Key?: string;
}

/** The port operators use; tests give operators an in-memory implementation. */
export interface DataplanePort {
  /** Resolves when the data plane answered `{"Status": "Success"}`; rejects with `DataplaneError` otherwise. */
  storeAssetMetadata(request: StoreMetadataRequest, page?: MetadataPage): Promise<StoredMetadata>;
}

/** One page of `GET /metadata/{asset_id}/{operator_name}`: the stored results, and a cursor while more follow. */
export interface RetrievedMetadata {
  readonly results: unknown;
  readonly cursor?: string;
}

/** What operators that build on earlier results (WebCaptions and its converters) read back. */
export interface DataplaneReader {
  /** Rejects with `DataplaneError` when the data plane has nothing under that name (or fails). */
  retrieveAssetMetadata(assetId: string, operatorName: string, cursor?: string): Promise<RetrievedMetadata>;
}

/**
 * The folder of an execution's files in the data plane bucket, as the data plane's `GET /mediapath/{asset_id}/
 * {workflow_id}` names it (the original's `generate_media_storage_path`): computed here, as the Thumbnail operator
 * does, rather than asked for.
 */
export function mediaStoragePath(bucket: string, assetId: string, workflowId: string): { bucket: string; key: string } {
  return { bucket, key: `private/assets/${assetId}/workflows/${workflowId}/` };
}

export class DataplaneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataplaneError';
  }
}

const METADATA_RESOURCE = '/metadata/{asset_id}';
const OPERATOR_METADATA_RESOURCE = '/metadata/{asset_id}/{operator_name}';

/**
 * The API Gateway (REST) proxy event for `POST /metadata/{asset_id}`, as the original's `DataPlane` helper builds it
 * to invoke the data plane function directly instead of going through API Gateway and IAM-signed HTTP.
 */
export function storeMetadataEvent(
  request: StoreMetadataRequest,
  page: MetadataPage | undefined,
  requestId: string,
  now: number,
): APIGatewayProxyEvent {
  return dataplaneEvent({
    method: 'POST',
    resource: METADATA_RESOURCE,
    pathParameters: { asset_id: request.assetId },
    query: page === undefined ? undefined : page.end ? { paginated: 'true', end: 'true' } : { paginated: 'true' },
    body: { OperatorName: request.operatorName, WorkflowId: request.workflowId, Results: request.results },
    requestId,
    now,
  });
}

/** The data plane reached the way the original's operators reach it: a synchronous invoke of its API function. */
export class LambdaDataplane implements DataplanePort, DataplaneReader {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async storeAssetMetadata(request: StoreMetadataRequest, page?: MetadataPage): Promise<StoredMetadata> {
    const event = storeMetadataEvent(request, page, `lambda_${randomUUID().split('-').pop()}`, Date.now());
    const response = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionArn,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    if (response.FunctionError) throw new DataplaneError(`The data plane function failed: ${text}`);
    const answer = parseJson(text) as { statusCode?: unknown; body?: unknown } | undefined;
    const body = typeof answer?.body === 'string' ? parseJson(answer.body) : undefined;
    if (answer?.statusCode !== 200 || (body as { Status?: unknown } | undefined)?.Status !== 'Success') {
      throw new DataplaneError(
        `The data plane answered ${String(answer?.statusCode)}: ${String(answer?.body ?? text)}`,
      );
    }
    return body as StoredMetadata;
  }

  async retrieveAssetMetadata(assetId: string, operatorName: string, cursor?: string): Promise<RetrievedMetadata> {
    const event = dataplaneEvent({
      method: 'GET',
      resource: OPERATOR_METADATA_RESOURCE,
      pathParameters: { asset_id: assetId, operator_name: operatorName },
      ...(cursor === undefined ? {} : { query: { cursor } }),
      requestId: `lambda_${randomUUID().split('-').pop()}`,
      now: Date.now(),
    });
    const { statusCode, body } = await this.invoke(event);
    const page = body as { results?: unknown; cursor?: unknown } | undefined;
    if (statusCode !== 200 || page === undefined || !('results' in page)) {
      throw new DataplaneError(`The data plane answered ${String(statusCode)}: ${JSON.stringify(body)}`);
    }
    return { results: page.results, ...(typeof page.cursor === 'string' ? { cursor: page.cursor } : {}) };
  }

  private async invoke(event: APIGatewayProxyEvent): Promise<{ statusCode: unknown; body: unknown }> {
    const response = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionArn,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    if (response.FunctionError) throw new DataplaneError(`The data plane function failed: ${text}`);
    const answer = parseJson(text) as { statusCode?: unknown; body?: unknown } | undefined;
    return {
      statusCode: answer?.statusCode,
      body: typeof answer?.body === 'string' ? (parseJson(answer.body) ?? answer.body) : answer?.body,
    };
  }
}

/** The data plane's answers keep stored integers beyond ±2^53 exact; so does reading them here. */
function parseJson(text: string): unknown {
  try {
    return parseExactJson(text);
  } catch {
    return undefined;
  }
}

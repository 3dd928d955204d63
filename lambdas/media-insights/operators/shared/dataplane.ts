import { dataplaneEvent } from '../../shared/dataplane-event';
import { randomUUID } from 'node:crypto';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';

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

export class DataplaneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataplaneError';
  }
}

const METADATA_RESOURCE = '/metadata/{asset_id}';

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
export class LambdaDataplane implements DataplanePort {
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
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

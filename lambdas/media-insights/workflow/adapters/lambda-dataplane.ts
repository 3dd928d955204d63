import { dataplaneEvent, type DataplaneCall } from '../../shared/dataplane-event';
import { BadRequestError } from '../../../shared/http/errors';
import { parseExactJson } from '../../../shared/json/exact';
import { Messages } from '../domain/messages';
import type { MediaMap } from '../domain/types';
import type { MediaInput } from '../domain/validation';
import type { CreatedAsset, DataplaneAssets } from '../api/ports';
import type { FunctionInvoker } from './lambda-invoker';

interface DataplaneAnswer {
  readonly statusCode: number;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly body: unknown;
}

/** A data plane error: `400` means the caller's input was refused, anything else is a failure on our side. */
class DataplaneError extends Error {
  constructor(call: DataplaneCall, answer: DataplaneAnswer) {
    super(`Data plane ${call.method} ${call.resource} answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
    this.name = 'DataplaneError';
  }
}

/**
 * The data plane API, reached by invoking its Lambda function directly with the API Gateway proxy event its handler
 * expects (the original calls the data plane through its own helper library the same way, without API Gateway).
 */
export class LambdaDataplaneAssets implements DataplaneAssets {
  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly functionName: string,
  ) {}

  async createAsset(media: MediaInput): Promise<CreatedAsset> {
    const call: DataplaneCall = {
      method: 'POST',
      resource: '/create',
      body: { Input: { MediaType: media.MediaType, S3Bucket: media.S3Bucket, S3Key: media.S3Key } },
    };
    const answer = await this.call(call);
    if (answer.statusCode === 400) throw new BadRequestError(Messages.errorCreatingAsset(errorMessage(answer.body)));
    const created = answer.statusCode === 200 ? answer.body : undefined;
    if (!hasStrings(created, ['AssetId', 'S3Bucket', 'S3Key'])) throw new DataplaneError(call, answer);
    return {
      AssetId: created.AssetId,
      Media: { [media.MediaType]: { S3Bucket: created.S3Bucket, S3Key: created.S3Key } },
    };
  }

  async assetMedia(assetId: string): Promise<MediaMap | undefined> {
    const call: DataplaneCall = {
      method: 'GET',
      resource: '/metadata/{asset_id}',
      pathParameters: { asset_id: assetId },
    };
    const answer = await this.call(call);
    // 400 is an asset id the data plane cannot even look up; for the caller that is an asset that does not exist.
    if (answer.statusCode === 404 || answer.statusCode === 400) return undefined;
    const results = answer.statusCode === 200 && isObject(answer.body) ? answer.body.results : undefined;
    if (!hasStrings(results, ['MediaType', 'S3Bucket', 'S3Key'])) throw new DataplaneError(call, answer);
    return { [results.MediaType]: { S3Bucket: results.S3Bucket, S3Key: results.S3Key } };
  }

  private async call(call: DataplaneCall): Promise<DataplaneAnswer> {
    const result = await this.invoker.invoke(
      this.functionName,
      dataplaneEvent({ ...call, userAgent: 'mediaplane-workflow-api' }),
    );
    if (!isObject(result) || typeof result.statusCode !== 'number') {
      throw new Error(`Data plane ${call.method} ${call.resource} returned no proxy response`);
    }
    let body: unknown;
    try {
      body = typeof result.body === 'string' ? parseExactJson(result.body) : undefined;
    } catch {
      body = undefined;
    }
    return { statusCode: result.statusCode, body };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasStrings<K extends string>(value: unknown, keys: readonly K[]): value is Record<K, string> {
  return isObject(value) && keys.every((key) => typeof value[key] === 'string');
}

function errorMessage(body: unknown): string {
  return isObject(body) && typeof body.Message === 'string' ? body.Message : JSON.stringify(body);
}

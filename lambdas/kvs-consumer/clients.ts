import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoMediaClient } from '@aws-sdk/client-kinesis-video-media';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The SDK clients of the consumer and its supervisor, created once per execution environment. Endpoints come from
 * the standard `AWS_ENDPOINT_URL_*` variables (that is how local mode points them at its engines), except the media
 * client's: GetMedia goes to the data endpoint that GetDataEndpoint names, in AWS as locally. Marked pure so that a
 * function's bundle keeps only the clients it uses; the table's document client is in `tables/document-client.ts`
 * for that reason.
 */

export const dynamodbClient = /* @__PURE__ */ new DynamoDBClient({});

export const s3Client = /* @__PURE__ */ new S3Client({});

export const kinesisVideoClient = /* @__PURE__ */ new KinesisVideoClient({});

export const sfnClient = /* @__PURE__ */ new SFNClient({});

const mediaClients = new Map<string, KinesisVideoMediaClient>();

/**
 * One media client per data endpoint. Its SDK retries are off: ClientLimitExceeded is not retried by the SDK anyway,
 * and the consumer backs off with jitter itself, counting every GetMedia call against the 5-per-second limit.
 */
export function mediaClient(endpoint: string): KinesisVideoMediaClient {
  let client = mediaClients.get(endpoint);
  if (!client) {
    client = new KinesisVideoMediaClient({ endpoint, maxAttempts: 1 });
    mediaClients.set(endpoint, client);
  }
  return client;
}

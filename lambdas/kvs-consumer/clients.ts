import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoMediaClient } from '@aws-sdk/client-kinesis-video-media';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per container. Endpoints come from the standard AWS_ENDPOINT_URL_* variables (that is
 * how local mode points them at its engines), except the media client's: GetMedia goes to the data endpoint that
 * GetDataEndpoint names, in AWS as locally.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const s3Client = new S3Client({});
export const kinesisVideoClient = new KinesisVideoClient({});
export const sfnClient = new SFNClient({});

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

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per container. Endpoints come only from the standard AWS_ENDPOINT_URL_DYNAMODB and
 * AWS_ENDPOINT_URL_S3 variables, which is how local mode points them at its engines.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const s3Client = new S3Client({});

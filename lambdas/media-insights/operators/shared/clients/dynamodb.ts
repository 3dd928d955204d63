import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Created once per execution environment; the endpoint comes only from the standard AWS_ENDPOINT_URL_DYNAMODB. */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

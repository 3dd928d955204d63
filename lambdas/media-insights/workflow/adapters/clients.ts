import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per container. Endpoints come only from the standard AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_SFN variables, which is how local mode points them at its engines.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  // Request bodies are JSON and cannot carry `undefined`, but records built from them may have optional fields
  // left unset (e.g. an execution's `StateMachineExecutionArn`).
  marshallOptions: { removeUndefinedValues: true },
});

export const lambdaClient = new LambdaClient({});

export const sfnClient = new SFNClient({});

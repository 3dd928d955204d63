import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per container with default configuration. Endpoints come only from the standard
 * `AWS_ENDPOINT_URL_*` variables, which is how local mode points them at its engines. MediaPackage clients are made
 * per target account role and region (see `sts-mediapackage.ts`), since each uses that role's credentials.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export const sfnClient = new SFNClient({});

export const lambdaClient = new LambdaClient({});

export const stsClient = new STSClient({});

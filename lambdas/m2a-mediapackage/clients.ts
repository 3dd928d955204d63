import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * The SDK clients of every M2A Mediapackage function, created once per execution environment with default
 * configuration. Endpoints come only from the standard `AWS_ENDPOINT_URL_*` variables, which is how local mode points
 * them at its engines. MediaPackage clients are made per target account role and region (see
 * `adapters/sts-mediapackage.ts`), since each uses that role's credentials. Marked pure so that a function's bundle
 * keeps only the clients it uses; the tables' document client is in `tables/document-client.ts` for that reason.
 */

export const dynamodbClient = /* @__PURE__ */ new DynamoDBClient({});

export const sfnClient = /* @__PURE__ */ new SFNClient({});

export const lambdaClient = /* @__PURE__ */ new LambdaClient({});

export const stsClient = /* @__PURE__ */ new STSClient({});

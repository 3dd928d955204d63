import { LambdaClient } from '@aws-sdk/client-lambda';

/** Created once per execution environment; the endpoint comes only from the standard AWS_ENDPOINT_URL_LAMBDA. */
export const lambdaClient = new LambdaClient({});

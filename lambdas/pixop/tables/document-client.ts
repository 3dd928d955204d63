import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamodbClient } from '../clients';

/**
 * The tables' view of DynamoDB (items as plain objects), on the backend's one DynamoDB client (`../clients.ts`),
 * created once per execution environment. Not in `clients.ts`: `@aws-sdk/lib-dynamodb` is not marked side-effect
 * free, so bundlers would keep it in every function that imports the clients, DynamoDB or not.
 */
export const documentClient = /* @__PURE__ */ DynamoDBDocumentClient.from(dynamodbClient, {
  // Records are built with optional fields left unset; DynamoDB items cannot hold `undefined`.
  marshallOptions: { removeUndefinedValues: true },
});

import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { documentClient } from '../adapters/clients';
import { DynamoDbUserStore } from '../adapters/dynamodb-accounts';
import { loadConfig } from '../config';
import { authorizeRequest } from './authorizer';

const config = loadConfig(['usersTable']);
const users = new DynamoDbUserStore(documentClient, config.usersTable);

/** The REQUEST authorizer in front of every Pixop route (see `PIXOP_ROUTES`). */
export function handler(event: APIGatewayRequestAuthorizerEvent) {
  return authorizeRequest(
    event,
    { userById: (id) => users.get(id), userByEmail: (email) => users.getByEmail(email) },
    Date.now(),
  );
}

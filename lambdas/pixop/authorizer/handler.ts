import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { loadConfig } from '../config';
import { documentClient } from '../tables/document-client';
import { UsersTable } from '../tables/users';
import { authorizeRequest } from './authorizer';

const config = loadConfig(['usersTable']);
const users = new UsersTable(documentClient, config.usersTable);

/** The REQUEST authorizer in front of every Pixop route (see `PIXOP_ROUTES`). */
export function handler(event: APIGatewayRequestAuthorizerEvent) {
  return authorizeRequest(
    event,
    { userById: (id) => users.get(id), userByEmail: (email) => users.getByEmail(email) },
    Date.now(),
  );
}

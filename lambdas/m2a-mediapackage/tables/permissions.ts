import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseGrants, principalMatches, principalNames, type Grant, type PrincipalGrants } from '../domain/permissions';
import type { GrantSource } from '../domain/ports';
import { isPlainObject } from '../domain/validation';
import { logger } from '../shared/logger';
import type { TableSchema } from '../../shared/dynamodb/schema';

/** One item per IAM principal ARN: the permissions granted to it at run time. */
export const PERMISSIONS_TABLE = {
  partitionKey: { name: 'principal', type: 'S' },
} as const satisfies TableSchema;

/** The item as deployers write it; `grants` is parsed (and a malformed one ignored) on every read. */
export interface PermissionsItem {
  readonly principal: string;
  readonly grants: unknown;
}

/**
 * Grants from two places: the deploy-time `m2aPermissions` context (ARN patterns, in the function's environment)
 * and the permissions table (one item per principal ARN, `{principal, grants: [...]}`, changeable at run time).
 */
export class PermissionsTable implements GrantSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly deployed: readonly PrincipalGrants[],
  ) {}

  async grantsFor(callerArn: string): Promise<Grant[]> {
    const names = principalNames(callerArn);
    const grants = this.deployed
      .filter((entry) => names.some((name) => principalMatches(entry.principal, name)))
      .flatMap((entry) => entry.grants);
    for (const name of names) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [PERMISSIONS_TABLE.partitionKey.name]: name } }),
      );
      if (!Item) continue;
      try {
        const { grants: itemGrants } = (isPlainObject(Item) ? Item : {}) as Partial<PermissionsItem>;
        grants.push(...parseGrants(itemGrants, `permissions item ${name}`));
      } catch (error) {
        // A malformed item grants nothing; the deployer finds why in the log.
        logger.error('Ignoring a malformed permissions item', { principal: name, reason: (error as Error).message });
      }
    }
    return grants;
  }
}

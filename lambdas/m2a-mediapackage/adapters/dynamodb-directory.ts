import { logger } from '../shared/logger';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseGrants, principalMatches, principalNames, type Grant, type PrincipalGrants } from '../domain/permissions';
import type { TargetAccount } from '../domain/plan';
import type { GrantSource, TargetAccountDirectory } from '../domain/ports';
import { isPlainObject } from '../domain/validation';
import { PERMISSIONS_TABLE, TARGET_ACCOUNTS_TABLE } from '../tables';

/**
 * Target accounts as deployers register them, one item each:
 * `{id, awsAccountId, roleArn, externalId?, regions: [...]}`. An item missing what START needs is treated as
 * unknown, and logged, rather than failing later inside the orchestration.
 */
export class DynamoDbTargetAccounts implements TargetAccountDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<TargetAccount | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [TARGET_ACCOUNTS_TABLE.partitionKey.name]: id } }),
    );
    if (!Item) return undefined;
    const { awsAccountId, roleArn, externalId, regions } = Item as Record<string, unknown>;
    const regionList = regions instanceof Set ? [...(regions as Set<unknown>)] : regions;
    if (
      typeof awsAccountId !== 'string' ||
      !/^\d{12}$/.test(awsAccountId) ||
      typeof roleArn !== 'string' ||
      !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn) ||
      (externalId !== undefined && typeof externalId !== 'string') ||
      !Array.isArray(regionList) ||
      !regionList.every((region) => typeof region === 'string')
    ) {
      logger.error('Target account item is malformed; treating it as unknown', { id });
      return undefined;
    }
    return {
      id,
      awsAccountId,
      roleArn,
      ...(externalId !== undefined ? { externalId: externalId as string } : {}),
      regions: regionList as string[],
    };
  }
}

/**
 * Grants from two places: the deploy-time `m2aPermissions` context (ARN patterns, in the function's environment)
 * and the permissions table (one item per principal ARN, `{principal, grants: [...]}`, changeable at run time).
 */
export class DynamoDbGrantSource implements GrantSource {
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
        grants.push(...parseGrants(isPlainObject(Item) ? Item.grants : undefined, `permissions item ${name}`));
      } catch (error) {
        // A malformed item grants nothing; the deployer finds why in the log.
        logger.error('Ignoring a malformed permissions item', { principal: name, reason: (error as Error).message });
      }
    }
    return grants;
  }
}

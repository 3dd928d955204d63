import { logger } from '../shared/logger';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TargetAccount } from '../domain/plan';
import type { TargetAccountDirectory } from '../domain/ports';
import type { TableSchema } from '../../shared/dynamodb/schema';

/** One item per target account (the M2A account id, a uuid): the AWS account, role and regions packagers use. */
export const TARGET_ACCOUNTS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
} as const satisfies TableSchema;

/** The item, as deployers write it (by hand, so the adapter checks every field it reads). */
export interface TargetAccountItem {
  readonly id: string;
  readonly awsAccountId: string;
  readonly roleArn: string;
  readonly externalId?: string;
  /** A list or a string set. */
  readonly regions: readonly string[] | ReadonlySet<string>;
}

/**
 * The target accounts table's one adapter. An item missing what START needs is treated as unknown, and logged,
 * rather than failing later inside the orchestration.
 */
export class TargetAccountsTable implements TargetAccountDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<TargetAccount | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [TARGET_ACCOUNTS_TABLE.partitionKey.name]: id } }),
    );
    if (!Item) return undefined;
    const { awsAccountId, roleArn, externalId, regions } = Item as {
      readonly [K in keyof TargetAccountItem]?: unknown;
    };
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

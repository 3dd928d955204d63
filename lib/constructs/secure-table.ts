import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { IndexProjection, KeyAttribute, TableSchema } from '../../lambdas/shared/dynamodb/schema';

export interface SecureTableProps {
  /** Keys and indexes, from the table's module in `lambdas/<backend>/tables/` (which its adapter reads by). */
  readonly schema: TableSchema;
  /** @default RemovalPolicy.RETAIN (records are never deleted by a stack update or deletion) */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse `DeleteTable` until it is turned off. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * A DynamoDB table with the project's defaults: on-demand capacity (pay per request, scales with traffic),
 * point-in-time recovery, encryption with the AWS-managed key, deletion protection, retained on stack deletion.
 *
 * It is the table itself rather than a wrapper around one, so a table keeps the logical id it had before it was
 * built this way; a new logical id would make CloudFormation create an empty table and retain the old one.
 */
export class SecureTable extends dynamodb.Table {
  constructor(scope: Construct, id: string, props: SecureTableProps) {
    const { schema } = props;
    validateSchema(id, schema);
    super(scope, id, {
      partitionKey: attribute(schema.partitionKey),
      sortKey: schema.sortKey ? attribute(schema.sortKey) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(schema.indexes ?? {})) {
      this.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
        ...projection(index.projection),
      });
    }
  }
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
  };
}

function projection(
  projection: IndexProjection,
): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  switch (projection.type) {
    case 'ALL':
      return { projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...projection.nonKeyAttributes] };
  }
}

/** An attribute used as two key types would only fail at deployment, with a message far from the schema. */
function validateSchema(id: string, schema: TableSchema): void {
  const types = new Map<string, string>();
  const keys = [schema.partitionKey, schema.sortKey];
  for (const index of Object.values(schema.indexes ?? {})) keys.push(index.partitionKey, index.sortKey);
  for (const key of keys) {
    if (!key) continue;
    const known = types.get(key.name);
    if (known !== undefined && known !== key.type) {
      throw new Error(`SecureTable ${id}: key attribute ${key.name} is declared both ${known} and ${key.type}`);
    }
    types.set(key.name, key.type);
  }
}

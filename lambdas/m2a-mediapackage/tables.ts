/**
 * The key schemas of the M2A Mediapackage tables. The stack builds the tables from these and the adapters query by
 * these names, so the two cannot disagree. No imports, like the routes list.
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** One item per packager, keyed by its id. */
export const PACKAGERS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
} as const satisfies { partitionKey: KeyAttribute };

/**
 * Templates and the name claims that keep names unique per owner, in one table so a create, rename or delete
 * changes both in one transaction: `template#<id>` items hold templates, `name#<owner>#<resource_name>` items hold
 * the claim on an ACTIVE template's name. The owner index (all attributes projected) lists an owner's templates
 * oldest first.
 */
export const TEMPLATES_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  ownerIndex: {
    indexName: 'owner-listkey',
    partitionKey: { name: 'owner', type: 'S' },
    sortKey: { name: 'listKey', type: 'S' },
  },
} as const satisfies {
  partitionKey: KeyAttribute;
  ownerIndex: { indexName: string; partitionKey: KeyAttribute; sortKey: KeyAttribute };
};

/** One item per target account (the M2A account id, a uuid): the AWS account, role and regions packagers use. */
export const TARGET_ACCOUNTS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
} as const satisfies { partitionKey: KeyAttribute };

/** One item per IAM principal ARN: the permissions granted to it at run time. */
export const PERMISSIONS_TABLE = {
  partitionKey: { name: 'principal', type: 'S' },
} as const satisfies { partitionKey: KeyAttribute };

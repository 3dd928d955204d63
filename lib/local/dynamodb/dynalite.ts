import type * as http from 'node:http';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => http.Server;

type Item = Record<string, unknown>;
interface DynaliteDb {
  checkConditional(data: Item, existing: Item | undefined): { body: Item } | null;
  [marker: symbol]: boolean;
}

/**
 * dynalite (LevelDB under `options.path`, in memory without one) with what DynamoDB does and dynalite lacks:
 * `ReturnValuesOnConditionCheckFailure`. Its HTTP server is returned unstarted, as dynalite returns it.
 */
export function createDynalite(options: Record<string, unknown>): http.Server {
  returnOldItemOnConditionCheckFailure();
  return dynalite(options);
}
/**
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` on PutItem, UpdateItem and DeleteItem, which dynalite does not know:
 * DynamoDB puts the item as it was (if there was one) in the `ConditionalCheckFailedException` as `Item`, so a
 * caller learns why its condition failed without reading the item again. Any other value than `ALL_OLD` or `NONE`
 * is refused as DynamoDB refuses it.
 */
function returnOldItemOnConditionCheckFailure(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const db = require('dynalite/db') as DynaliteDb;
  const marker = Symbol.for('mediaplane.return-values-on-condition-check-failure');
  if (db[marker]) return;
  const validations = [
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('dynalite/validations/putItem'),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('dynalite/validations/updateItem'),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('dynalite/validations/deleteItem'),
  ] as Array<{ types: Item }>;
  for (const validation of validations) {
    validation.types['ReturnValuesOnConditionCheckFailure'] = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const checkConditional = db.checkConditional.bind(db);
  db.checkConditional = (data, existing) => {
    const failure = checkConditional(data, existing);
    if (failure && existing && data['ReturnValuesOnConditionCheckFailure'] === 'ALL_OLD')
      failure.body['Item'] = existing;
    return failure;
  };
  db[marker] = true;
}

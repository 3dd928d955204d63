import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, NativeAttributeValue>;

export interface ScanOptions {
  /** Items per Scan or Query request; DynamoDB's own 1 MB page limit applies too. @default - no limit */
  readonly scanPageSize?: number;
}

/**
 * DynamoDB rejects a key (or an index key in a query) that is empty or longer than 2048 bytes with a validation
 * error. No stored record can have such a key, so a lookup with one finds nothing instead of failing.
 */
export function isStorableKey(value: string): boolean {
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes >= 1 && bytes <= 2048;
}

/** Follows `LastEvaluatedKey` until the last page; the original follows Scan pages the same way. */
export async function allPages<T>(
  readPage: (startKey: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>,
): Promise<T[]> {
  const items: T[] = [];
  let startKey: Item | undefined;
  do {
    const page = await readPage(startKey);
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Runs a conditional write: `false` when its condition did not hold, any other failure rethrown. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

import { MAX_ITEM_BYTES } from '../../../lambdas/shared/dynamodb/item-size';
import { MAX_NESTING_DEPTH, itemLimitViolation, keyValueViolation } from '../../../lambdas/shared/dynamodb/limits';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { next: value };
  return value;
}

describe('itemLimitViolation', () => {
  it('names the largest attribute of an item over 400 KB: a 450 KB string, 3,000 keys of 150 bytes', () => {
    // Prepare
    const longString = { Id: 'x', Description: 'a'.repeat(450 * 1024) };
    const manyKeys = {
      Id: 'x',
      MetaData: Object.fromEntries([...Array(3000).keys()].map((k) => [`k${k}`, 'v'.repeat(150)])),
    };

    // Act
    const violations = [itemLimitViolation(longString), itemLimitViolation(manyKeys)];

    // Assess
    expect(violations.map((violation) => [violation?.attribute, violation?.reason])).toEqual([
      ['Description', 'item-too-large'],
      ['MetaData', 'item-too-large'],
    ]);
    expect(violations[0]?.message).toMatch(/^Description is too large: the record would take \d+ bytes/);
  });

  it('accepts an item that fits, and measures against a smaller budget when asked', () => {
    // Prepare
    const item = { Id: 'x', Description: 'a'.repeat(1000) };

    // Act
    const fits = itemLimitViolation(item);
    const tooLargeForBudget = itemLimitViolation(item, 500);

    // Assess
    expect(fits).toBeUndefined();
    expect(tooLargeForBudget?.attribute).toBe('Description');
    expect(MAX_ITEM_BYTES).toBe(400 * 1024);
  });

  it('refuses nesting beyond 32 levels and numbers DynamoDB cannot hold, naming the attribute', () => {
    // Act
    const atLimit = itemLimitViolation({ Doc: nested(MAX_NESTING_DEPTH) });
    const tooDeep = itemLimitViolation({ Id: 'x', Doc: nested(MAX_NESTING_DEPTH + 1) });
    const hugeNumber = itemLimitViolation({ Options: { n: 1e200 } });
    const tinyNumber = itemLimitViolation({ Options: [1e-200] });
    // Integers exact JSON keeps as bigints: DynamoDB holds 38 significant digits, zeros at the end not counted.
    const digits38 = itemLimitViolation({ Options: { n: 12345678901234567890123456789012345678n * 10n ** 80n } });
    const digits39 = itemLimitViolation({ Options: { n: -123456789012345678901234567890123456789n } });

    // Assess
    expect(atLimit).toBeUndefined();
    expect(tooDeep).toMatchObject({ attribute: 'Doc', reason: 'too-deep' });
    expect(hugeNumber).toMatchObject({ attribute: 'Options', reason: 'number-out-of-range' });
    expect(tinyNumber).toMatchObject({ attribute: 'Options', reason: 'number-out-of-range' });
    expect(digits38).toBeUndefined();
    expect(digits39).toMatchObject({ attribute: 'Options', reason: 'number-out-of-range' });
  });
});

describe('keyValueViolation', () => {
  it('holds start keys to the key limits: 2,048 bytes partition, 1,024 sort, non-empty, in range', () => {
    // Act
    const results = [
      keyValueViolation('a'.repeat(2048), 'partition'),
      keyValueViolation('a'.repeat(2049), 'partition'),
      keyValueViolation('é'.repeat(513), 'sort'),
      keyValueViolation('', 'partition'),
      keyValueViolation(1e300, 'sort'),
      keyValueViolation(1710950164758, 'sort'),
      keyValueViolation({ S: 'x' }, 'partition'),
    ];

    // Assess
    expect(results.map((result) => result === undefined)).toEqual([true, false, false, false, false, true, false]);
  });
});

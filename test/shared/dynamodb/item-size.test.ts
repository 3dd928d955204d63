import { itemSize, largestAttribute, MAX_ITEM_BYTES } from '../../../lambdas/shared/dynamodb/item-size';

describe('itemSize', () => {
  it('counts names and values by the documented rules', () => {
    expect(itemSize({ Name: 'abc' })).toBe(4 + 3);
    expect(itemSize({ Name: 'é' })).toBe(4 + 2);
    expect(itemSize({ n: 12345 })).toBe(1 + 3 + 1);
    expect(itemSize({ n: 1200 })).toBe(1 + 1 + 1);
    expect(itemSize({ n: 0.001 })).toBe(1 + 1 + 1);
    expect(itemSize({ b: true, z: null })).toBe(2 + 2);
    expect(itemSize({ bin: new Uint8Array(10) })).toBe(3 + 10);
    expect(itemSize({ l: [] })).toBe(1 + 3);
    expect(itemSize({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { key: 'v' } })).toBe(1 + 3 + 1 + 3 + 1);
    expect(itemSize({ s: new Set(['a', 'bc']) })).toBe(1 + 3);
    expect(itemSize({ gone: undefined })).toBe(0);
  });

  it('finds what DynamoDB would refuse: a 450 KB string, and 3,000 keys of 150 bytes', () => {
    // Prepare
    const longString = { Id: 'x', Description: 'a'.repeat(450 * 1024) };
    const manyKeys = {
      Id: 'x',
      MetaData: Object.fromEntries([...Array(3000).keys()].map((k) => [`k${k}`, 'v'.repeat(150)])),
    };

    // Act
    const sizes = [itemSize(longString), itemSize(manyKeys)];

    // Assess
    expect(sizes.every((size) => size > MAX_ITEM_BYTES)).toBe(true);
    expect(largestAttribute(longString)).toBe('Description');
    expect(largestAttribute(manyKeys)).toBe('MetaData');
  });
});

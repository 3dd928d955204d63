import {
  assetPrefix,
  isSafeObjectKey,
  isSafePathSegment,
  isValidBucketName,
  metadataKey,
  parseMetadataKey,
  workflowPrefix,
} from '../../../../lambdas/media-insights/dataplane/domain/keys';

describe('data plane key layout', () => {
  it('puts an asset folder under private/assets/', () => {
    // Prepare
    const assetId = 'a1';

    // Act
    const prefix = assetPrefix(assetId);

    // Assess
    expect(prefix).toBe('private/assets/a1/');
  });

  it('puts a workflow run media path under the asset folder', () => {
    // Prepare
    const [assetId, workflowId] = ['a1', 'w1'];

    // Act
    const prefix = workflowPrefix(assetId, workflowId);

    // Assess
    expect(prefix).toBe('private/assets/a1/workflows/w1/');
  });

  it('names operator results {operator}.json in the workflow run media path', () => {
    // Prepare
    const [assetId, workflowId, operatorName] = ['a1', 'w1', 'labelDetection'];

    // Act
    const key = metadataKey(assetId, workflowId, operatorName);

    // Assess
    expect(key).toBe('private/assets/a1/workflows/w1/labelDetection.json');
  });

  it('reads the parts back from a metadata key', () => {
    // Prepare
    const key = metadataKey('a1', 'w1', 'op.v2');

    // Act
    const parts = parseMetadataKey(key);

    // Assess
    expect(parts).toEqual({ assetId: 'a1', workflowId: 'w1', operatorName: 'op.v2' });
  });

  it.each([
    ['a key outside private/assets/', 'public/assets/a1/workflows/w1/op.json'],
    ['a key that is not JSON results', 'private/assets/a1/workflows/w1/op.mp4'],
    ['a key one level too deep', 'private/assets/a1/workflows/w1/x/op.json'],
    ['a key with a parent segment', 'private/assets/../workflows/w1/op.json'],
    ['a key missing the workflows folder', 'private/assets/a1/runs/w1/op.json'],
    ['a key with an empty operator name', 'private/assets/a1/workflows/w1/.json'],
  ])('does not read %s as a metadata key', (_, key) => {
    // Prepare: the key in the table

    // Act
    const parts = parseMetadataKey(key);

    // Assess
    expect(parts).toBeUndefined();
  });
});

describe('isSafePathSegment', () => {
  it.each(['8c1f7f4e-55c5-4a7b-9f2e-0d8f7d1d0c11', 'labelDetection', 'Résumé', 'with space', 'a.b'])(
    'accepts %j',
    (value) => {
      // Prepare: the value

      // Act
      const safe = isSafePathSegment(value);

      // Assess
      expect(safe).toBe(true);
    },
  );

  it.each(['', '.', '..', 'a/b', 'a\\b', 'a\u0000b', 'a\nb', 'x'.repeat(256)])('rejects %j', (value) => {
    // Prepare: the value

    // Act
    const safe = isSafePathSegment(value);

    // Assess
    expect(safe).toBe(false);
  });
});

describe('isSafeObjectKey', () => {
  it.each(['upload/movie.mp4', 'public/upload/My Movie (1).mov', 'folder/', 'a..b/c'])('accepts %j', (key) => {
    // Prepare: the key

    // Act
    const safe = isSafeObjectKey(key);

    // Assess
    expect(safe).toBe(true);
  });

  it.each(['', '../etc/passwd', 'a/../../b', 'a/./b', '..\\windows', 'a\u0007b', 'x'.repeat(1025)])(
    'rejects %j',
    (key) => {
      // Prepare: the key

      // Act
      const safe = isSafeObjectKey(key);

      // Assess
      expect(safe).toBe(false);
    },
  );
});

describe('isValidBucketName', () => {
  it.each(['my-bucket', 'media.example.com', 'Legacy_Bucket'])('accepts %j', (name) => {
    // Prepare: the name

    // Act
    const valid = isValidBucketName(name);

    // Assess
    expect(valid).toBe(true);
  });

  it.each(['', 'ab', 'a/b', 'bucket..name', '-bucket', 'bucket/../other', 'a b'])('rejects %j', (name) => {
    // Prepare: the name

    // Act
    const valid = isValidBucketName(name);

    // Assess
    expect(valid).toBe(false);
  });
});

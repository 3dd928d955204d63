import { BadRequestError } from '../../../../lambdas/shared/http';
import {
  parseIdParameter,
  parseLockedBy,
  parseMediaObjectRef,
  parseNewAsset,
  parseOperatorParameter,
  parsePaginationMode,
  parseStoreMetadata,
} from '../../../../lambdas/media-insights/dataplane/domain/validation';

function badRequestMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof BadRequestError) return error.message;
    throw error;
  }
  throw new Error('expected a BadRequestError');
}

describe('parseNewAsset', () => {
  it('reads MediaType, S3Bucket and S3Key from Input', () => {
    // Prepare
    const body = { Input: { MediaType: 'Video', S3Bucket: 'media-bucket', S3Key: 'upload/movie.mp4' } };

    // Act
    const input = parseNewAsset(body);

    // Assess
    expect(input).toEqual({ mediaType: 'Video', s3Bucket: 'media-bucket', s3Key: 'upload/movie.mp4' });
  });

  it('names a missing key as the original does, Python-quoted', () => {
    // Prepare
    const body = { Input: { MediaType: 'Video', S3Bucket: 'InputBucketName' } };

    // Act
    const message = badRequestMessage(() => parseNewAsset(body));

    // Assess
    expect(message).toBe("Missing required inputs for asset creation: 'S3Key'");
  });

  it('reports a missing Input as a missing key', () => {
    // Prepare
    const body = { MediaType: 'Video' };

    // Act
    const message = badRequestMessage(() => parseNewAsset(body));

    // Assess
    expect(message).toBe("Missing required inputs for asset creation: 'Input'");
  });

  it.each([
    ['a body that is not an object', null, 'the request body must be a JSON object'],
    ['an Input that is not an object', { Input: 'x' }, "'Input' must be a JSON object"],
    ['a number for S3Key', { Input: { MediaType: 'Video', S3Bucket: 'media-bucket', S3Key: 5 } }, "'S3Key' must be"],
    ['an empty MediaType', { Input: { MediaType: '', S3Bucket: 'media-bucket', S3Key: 'k' } }, "'MediaType' must be"],
    [
      'a traversing S3Key',
      { Input: { MediaType: 'Video', S3Bucket: 'media-bucket', S3Key: '../x' } },
      "'S3Key' is not",
    ],
    ['a malformed S3Bucket', { Input: { MediaType: 'Video', S3Bucket: 'a/b', S3Key: 'k' } }, "'S3Bucket' is not"],
  ])('rejects %s', (_, body, expected) => {
    // Prepare: the body

    // Act
    const message = badRequestMessage(() => parseNewAsset(body));

    // Assess
    expect(message).toContain(expected);
  });
});

describe('parseMediaObjectRef', () => {
  it('reads S3Bucket and S3Key', () => {
    // Prepare
    const body = { S3Bucket: 'media-bucket', S3Key: 'upload/movie.mp4' };

    // Act
    const ref = parseMediaObjectRef(body, 'uploading');

    // Assess
    expect(ref).toEqual({ bucket: 'media-bucket', key: 'upload/movie.mp4' });
  });

  it("keeps the original's message for a missing key, as a 400 instead of its 500", () => {
    // Prepare
    const body = { S3Key: 'testBucketKey' };

    // Act
    const upload = badRequestMessage(() => parseMediaObjectRef(body, 'uploading'));
    const download = badRequestMessage(() => parseMediaObjectRef(body, 'downloading'));

    // Assess
    expect(upload).toBe("Unable to generate pre-signed S3 URL for uploading media: 'S3Bucket'");
    expect(download).toBe("Unable to generate pre-signed S3 URL for downloading media: 'S3Bucket'");
  });

  it.each([
    ['a missing body', undefined],
    ['a non-string key', { S3Bucket: 'media-bucket', S3Key: ['a'] }],
    ['a traversing key', { S3Bucket: 'media-bucket', S3Key: 'a/../../b' }],
    ['a bucket with a slash', { S3Bucket: 'media/bucket', S3Key: 'a' }],
  ])('rejects %s', (_, body) => {
    // Prepare: the body

    // Act
    const act = () => parseMediaObjectRef(body, 'downloading');

    // Assess
    expect(act).toThrow(BadRequestError);
  });
});

describe('parsePaginationMode', () => {
  it.each([
    [{}, { paginated: false }],
    [{ paginated: 'true' }, { paginated: true, end: false }],
    [
      { paginated: 'true', end: 'true' },
      { paginated: true, end: true },
    ],
  ])('reads %j', (query, expected) => {
    // Prepare: the query string parameters

    // Act
    const mode = parsePaginationMode(query);

    // Assess
    expect(mode).toEqual(expected);
  });

  it.each([
    [{ wrong_param: 'wrong' }, 'Unsupported query parameter: wrong_param'],
    [{ paginated: 'true', extra: '1' }, 'Unsupported query parameter: extra'],
    [{ end: 'true' }, 'Must pass required query parameter: paginated'],
    [{ paginated: 'false' }, 'Query param paginated only supports a value of: true'],
    [{ paginated: 'true', end: 'false' }, 'Query param end only supports a value of: true'],
  ])('rejects %j', (query, expected) => {
    // Prepare: the query string parameters

    // Act
    const message = badRequestMessage(() => parsePaginationMode(query));

    // Assess
    expect(message).toBe(expected);
  });
});

describe('parseStoreMetadata', () => {
  it('reads OperatorName, WorkflowId and the Results object', () => {
    // Prepare
    const body = { OperatorName: 'labelDetection', WorkflowId: 'wf-1', Results: { Labels: [{ Confidence: 99.5 }] } };

    // Act
    const input = parseStoreMetadata(body, 'a1');

    // Assess
    expect(input).toEqual({ operatorName: 'labelDetection', workflowId: 'wf-1', results: body.Results });
  });

  it('checks the fields in the order of the original and names the first one missing', () => {
    // Prepare
    const body = { Results: {} };

    // Act
    const message = badRequestMessage(() => parseStoreMetadata(body, 'a1'));

    // Assess
    expect(message).toBe("Missing required inputs for storing metadata: 'OperatorName'");
  });

  it("rejects Results that are not an object with the original's message", () => {
    // Prepare
    const body = { OperatorName: 'op', WorkflowId: 'wf-1', Results: [1, 2] };

    // Act
    const message = badRequestMessage(() => parseStoreMetadata(body, 'a1'));

    // Assess
    expect(message).toBe(
      'Exception occurred while storing metadata for a1: results are not the required data type, dict',
    );
  });

  it.each([
    ['a body that is not an object', [1]],
    ['an operator name with a slash', { OperatorName: 'a/b', WorkflowId: 'wf', Results: {} }],
    ['an operator named like a global attribute', { OperatorName: 'S3Key', WorkflowId: 'wf', Results: {} }],
    ['an operator named page', { OperatorName: 'page', WorkflowId: 'wf', Results: {} }],
    ['an operator named __proto__', { OperatorName: '__proto__', WorkflowId: 'wf', Results: {} }],
    ['a workflow id of ..', { OperatorName: 'op', WorkflowId: '..', Results: {} }],
    ['a numeric workflow id', { OperatorName: 'op', WorkflowId: 7, Results: {} }],
    ['missing Results', { OperatorName: 'op', WorkflowId: 'wf' }],
  ])('rejects %s', (_, body) => {
    // Prepare: the body

    // Act
    const act = () => parseStoreMetadata(body, 'a1');

    // Assess
    expect(act).toThrow(BadRequestError);
  });
});

describe('parseLockedBy', () => {
  it('reads LockedBy', () => {
    // Prepare
    const body = { LockedBy: 'user@example.com' };

    // Act
    const lockedBy = parseLockedBy(body);

    // Assess
    expect(lockedBy).toBe('user@example.com');
  });

  it.each([[undefined], [{}], [{ LockedBy: '' }], [{ LockedBy: 42 }]])('rejects %j', (body) => {
    // Prepare: the body

    // Act
    const act = () => parseLockedBy(body);

    // Assess
    expect(act).toThrow(BadRequestError);
  });
});

describe('path parameters', () => {
  it('accepts an asset id', () => {
    // Prepare
    const parameters = { asset_id: '8c1f7f4e-55c5-4a7b-9f2e-0d8f7d1d0c11' };

    // Act
    const assetId = parseIdParameter(parameters, 'asset_id');

    // Assess
    expect(assetId).toBe(parameters.asset_id);
  });

  it.each([[{}], [{ asset_id: '..' }], [{ asset_id: 'a/b' }], [{ asset_id: '' }]])('rejects %j', (parameters) => {
    // Prepare: the path parameters

    // Act
    const act = () => parseIdParameter(parameters, 'asset_id');

    // Assess
    expect(act).toThrow(BadRequestError);
  });

  it('rejects an operator name that is a global asset attribute', () => {
    // Prepare
    const parameters = { operator_name: 'MediaType' };

    // Act
    const act = () => parseOperatorParameter(parameters, 'operator_name');

    // Assess
    expect(act).toThrow(BadRequestError);
  });
});

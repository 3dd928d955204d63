import { BadRequestError } from '../../../../lambdas/shared/http/errors';
import {
  isForced,
  isPythonTruthy,
  pythonRepr,
  validateCreateExecution,
  validateCreateOperation,
  validateCreateStage,
  validateCreateWorkflow,
  validateResumeExecution,
  validateSystemConfiguration,
  validateUpdateWorkflow,
  validateWorkflowStages,
} from '../../../../lambdas/media-insights/workflow/domain/validation';

function badRequestMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe('BadRequestError');
    return (error as Error).message;
  }
  throw new Error('expected a BadRequestError');
}

const syncOperation = {
  Name: 'Mediainfo',
  Type: 'Sync',
  Configuration: { MediaType: 'Video', Enabled: true },
  StartLambdaArn: 'arn:aws:lambda:us-east-1:111122223333:function:mediainfo',
};

describe('validateCreateOperation', () => {
  it('accepts a sync operation and keeps keys the original would store', () => {
    // Prepare
    const body = { ...syncOperation, Description: 'probe the media' };

    // Act
    const request = validateCreateOperation(body);

    // Assess
    expect(request).toEqual(body);
  });

  it('reports the first missing required property in schema order, as jsonschema does', () => {
    // Prepare
    const body = { Name: 'x' };

    // Act
    const message = badRequestMessage(() => validateCreateOperation(body));

    // Assess
    expect(message).toBe("'StartLambdaArn' is a required property");
  });

  it('prefers a shallow error over a deeper one', () => {
    // Prepare
    const body = { ...syncOperation, Configuration: { MediaType: 5, Enabled: true }, Type: 'Batch' };

    // Act
    const message = badRequestMessage(() => validateCreateOperation(body));

    // Assess
    expect(message).toBe("'Batch' is not one of ['Sync', 'Async']");
  });

  it('names a wrongly typed Enabled in Python notation', () => {
    // Prepare
    const body = { ...syncOperation, Configuration: { MediaType: 'Video', Enabled: 'yes' } };

    // Act
    const message = badRequestMessage(() => validateCreateOperation(body));

    // Assess
    expect(message).toBe("'yes' is not of type 'boolean'");
  });

  it('requires Enabled inside Configuration', () => {
    // Prepare
    const body = { ...syncOperation, Configuration: { MediaType: 'Video' } };

    // Act
    const message = badRequestMessage(() => validateCreateOperation(body));

    // Assess
    expect(message).toBe("'Enabled' is a required property");
  });

  it('requires a monitor Lambda for an async operation with the original message', () => {
    // Prepare
    const body = { ...syncOperation, Type: 'Async' };

    // Act
    const message = badRequestMessage(() => validateCreateOperation(body));

    // Assess
    expect(message).toBe("Key 'MonitorLambdaArn' is required in 'Operation monitoring lambda function ARN' input");
  });

  it('rejects a body that is not an object', () => {
    // Act
    const message = badRequestMessage(() => validateCreateOperation(['a']));

    // Assess
    expect(message).toBe("['a'] is not of type 'object'");
  });
});

describe('validateCreateStage', () => {
  it('accepts a name and a list of operation names', () => {
    // Prepare
    const body = { Name: 'Analysis', Operations: ['Mediainfo', 'Thumbnail'] };

    // Act
    const request = validateCreateStage(body);

    // Assess
    expect(request).toEqual(body);
  });

  it('requires Operations', () => {
    // Act
    const message = badRequestMessage(() => validateCreateStage({ Name: 'Analysis' }));

    // Assess
    expect(message).toBe("'Operations' is a required property");
  });

  it('rejects an operation name that is not a string', () => {
    // Act
    const message = badRequestMessage(() => validateCreateStage({ Name: 'Analysis', Operations: [true] }));

    // Assess
    expect(message).toBe("True is not of type 'string'");
  });
});

describe('validateCreateWorkflow', () => {
  const twoStages = { Name: 'wf', StartAt: 'A', Stages: { A: { Next: 'B' }, B: { End: true } } };

  it('accepts a chain of stages ending in exactly one End', () => {
    // Act
    const request = validateCreateWorkflow(twoStages);

    // Assess
    expect(request.Stages).toEqual({ A: { Next: 'B' }, B: { End: true } });
  });

  it.each([
    ['Name', { StartAt: 'A', Stages: {} }],
    ['StartAt', { Name: 'wf', Stages: {} }],
    ['Stages', { Name: 'wf', StartAt: 'A' }],
  ])('requires %s with the original message', (key, body) => {
    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe(`Key '${key}' is required in 'Workflow Definition' input`);
  });

  it('requires every stage to have End or Next, with the original typo', () => {
    // Prepare
    const body = { ...twoStages, Stages: { A: {}, B: { End: true } } };

    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe("Stage A must have either an 'End' or and 'Next' key");
  });

  it('requires exactly one End stage', () => {
    // Prepare
    const body = { ...twoStages, Stages: { A: { End: true }, B: { End: true } } };

    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe("Workflow wf must have exactly 1 'End' key within its stages");
  });

  it('treats a false End beside a Next as an ordinary link and drops it', () => {
    // Prepare
    const body = { ...twoStages, Stages: { A: { Next: 'B', End: false }, B: { End: true } } };

    // Act
    const request = validateCreateWorkflow(body);

    // Assess
    expect(request.Stages.A).toEqual({ Next: 'B' });
  });

  it('rejects a stage with both End and Next', () => {
    // Prepare
    const body = { ...twoStages, Stages: { A: { Next: 'B', End: true }, B: { Next: 'A' } } };

    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe("Stage A must have either an 'End' or a 'Next' key, not both");
  });

  it('rejects a StartAt that is not one of the stages', () => {
    // Act
    const message = badRequestMessage(() => validateCreateWorkflow({ ...twoStages, StartAt: 'Z' }));

    // Assess
    expect(message).toBe("StartAt stage 'Z' is not one of the workflow's Stages");
  });

  it('rejects a Next that is not one of the stages', () => {
    // Prepare
    const body = { ...twoStages, Stages: { A: { Next: 'Z' }, B: { End: true } } };

    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe("Next stage 'Z' of stage A is not one of the workflow's Stages");
  });

  it('rejects stages that form a cycle', () => {
    // Prepare
    const body = { Name: 'wf', StartAt: 'A', Stages: { A: { Next: 'B' }, B: { Next: 'A' }, C: { End: true } } };

    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe('Stage A is reached twice: the stages form a cycle');
  });

  it('rejects a stage that cannot be reached from StartAt', () => {
    // Prepare
    const body = { Name: 'wf', StartAt: 'A', Stages: { A: { Next: 'C' }, B: { Next: 'C' }, C: { End: true } } };

    // Act
    const message = badRequestMessage(() => validateCreateWorkflow(body));

    // Assess
    expect(message).toBe('Stage B cannot be reached from StartAt stage A');
  });
});

describe('validateUpdateWorkflow and validateWorkflowStages', () => {
  it('needs only a Name to update a workflow', () => {
    // Act
    const request = validateUpdateWorkflow({ Name: 'wf' });

    // Assess
    expect(request).toEqual({ Name: 'wf' });
  });

  it('validates replacement stages against the workflow name', () => {
    // Act
    const message = badRequestMessage(() => validateWorkflowStages('wf', 'A', { A: { Next: 'B' }, B: { Next: 'A' } }));

    // Assess
    expect(message).toBe("Workflow wf must have exactly 1 'End' key within its stages");
  });
});

describe('validateCreateExecution', () => {
  const media = { Video: { S3Bucket: 'uploads', S3Key: 'clip.mp4' } };

  it('accepts media to make a new asset from', () => {
    // Act
    const request = validateCreateExecution({ Name: 'wf', Input: { Media: media } });

    // Assess
    expect(request).toEqual({
      Name: 'wf',
      Input: { Media: { MediaType: 'Video', S3Bucket: 'uploads', S3Key: 'clip.mp4' } },
      Configuration: {},
    });
  });

  it('prefers AssetId over Media when both are given', () => {
    // Act
    const request = validateCreateExecution({ Name: 'wf', Input: { Media: media, AssetId: 'asset-1' } });

    // Assess
    expect(request.Input).toEqual({ AssetId: 'asset-1' });
  });

  it('checks Input before Name, with the original message', () => {
    // Act
    const message = badRequestMessage(() => validateCreateExecution({ Input: {} }));

    // Assess
    expect(message).toBe('Input must contain either "AssetId" or "Media"');
  });

  it('requires a workflow Name', () => {
    // Act
    const message = badRequestMessage(() => validateCreateExecution({ Input: { AssetId: 'a' } }));

    // Assess
    expect(message).toBe("Key 'Name' is required in 'Workflow Execution' input");
  });

  it('uses only the first media type, as the original does', () => {
    // Prepare
    const twoTypes = { Audio: { S3Bucket: 'b', S3Key: 'a.mp3' }, Video: { S3Bucket: 'b', S3Key: 'v.mp4' } };

    // Act
    const request = validateCreateExecution({ Name: 'wf', Input: { Media: twoTypes } });

    // Assess
    expect(request.Input).toEqual({ Media: { MediaType: 'Audio', S3Bucket: 'b', S3Key: 'a.mp3' } });
  });

  it('rejects a media type the data plane does not take', () => {
    // Act
    const message = badRequestMessage(() =>
      validateCreateExecution({ Name: 'wf', Input: { Media: { Frame: { S3Bucket: 'b', S3Key: 'k' } } } }),
    );

    // Assess
    expect(message).toBe("Unsupported media type 'Frame' in Input.Media; expected one of Video, Audio, Image, Text");
  });

  it('requires the S3 location of the media', () => {
    // Act
    const message = badRequestMessage(() =>
      validateCreateExecution({ Name: 'wf', Input: { Media: { Video: { S3Bucket: 'b' } } } }),
    );

    // Assess
    expect(message).toBe("Key 'S3Key' is required in 'Input.Media.Video' input");
  });

  it('keeps configuration overrides shaped stage → operation → settings', () => {
    // Prepare
    const configuration = { Wait: { Wait: { Enabled: true } } };

    // Act
    const request = validateCreateExecution({ Name: 'wf', Input: { AssetId: 'a' }, Configuration: configuration });

    // Assess
    expect(request.Configuration).toEqual(configuration);
  });

  it('rejects overrides whose operation settings are not an object', () => {
    // Act
    const message = badRequestMessage(() =>
      validateCreateExecution({ Name: 'wf', Input: { AssetId: 'a' }, Configuration: { Stage: { Op: true } } }),
    );

    // Assess
    expect(message).toBe("True is not of type 'object'");
  });
});

describe('validateSystemConfiguration', () => {
  it('accepts MaxConcurrentWorkflows of 1, which the original allows despite its message', () => {
    // Act
    const item = validateSystemConfiguration({ Name: 'MaxConcurrentWorkflows', Value: 1 });

    // Assess
    expect(item).toEqual({ Name: 'MaxConcurrentWorkflows', Value: 1 });
  });

  it.each([0, -3, 2.5, '5', null])('rejects MaxConcurrentWorkflows of %p with the original message', (value) => {
    // Act
    const message = badRequestMessage(() =>
      validateSystemConfiguration({ Name: 'MaxConcurrentWorkflows', Value: value }),
    );

    // Assess
    expect(message).toBe('MaxConcurrentWorkflows must be a value > 1');
  });

  it('rejects MaxConcurrentWorkflows above 1000, which the scheduler could not hold slots for', () => {
    // Act
    const atLimit = validateSystemConfiguration({ Name: 'MaxConcurrentWorkflows', Value: 1000 });
    const message = badRequestMessage(() =>
      validateSystemConfiguration({ Name: 'MaxConcurrentWorkflows', Value: 4294967296 }),
    );

    // Assess
    expect(atLimit.Value).toBe(1000);
    expect(message).toBe('MaxConcurrentWorkflows must be at most 1000');
  });

  it('stores other parameters as given', () => {
    // Act
    const item = validateSystemConfiguration({ Name: 'Other', Value: 'anything' });

    // Assess
    expect(item).toEqual({ Name: 'Other', Value: 'anything' });
  });

  it('requires a Name', () => {
    // Act
    const message = badRequestMessage(() => validateSystemConfiguration({ Value: 3 }));

    // Assess
    expect(message).toBe("Key 'Name' is required in 'System Configuration' input");
  });
});

describe('validateResumeExecution and isForced', () => {
  it('treats a body without WaitingStageName as the no-op the original answers with {}', () => {
    // Act
    const request = validateResumeExecution({ stage: true });

    // Assess
    expect(request).toEqual({});
  });

  it('returns the waiting stage name', () => {
    // Act
    const request = validateResumeExecution({ WaitingStageName: 'Review' });

    // Assess
    expect(request).toEqual({ WaitingStageName: 'Review' });
  });

  it.each([
    [{ force: 'true' }, true],
    [{ force: 'True' }, false],
    [{ force: '1' }, false],
    [{}, false],
  ])('reads force from %p as %p', (query, expected) => {
    // Act
    const forced = isForced(query);

    // Assess
    expect(forced).toBe(expected);
  });
});

describe('Python semantics', () => {
  it.each([
    [false, false],
    [0, false],
    ['', false],
    [[], false],
    [{}, false],
    [null, false],
    ['false', true],
    [[0], true],
    [1, true],
  ])('judges %p as truthy=%p', (value, expected) => {
    // Act
    const truthy = isPythonTruthy(value);

    // Assess
    expect(truthy).toBe(expected);
  });

  it('prints values as Python repr does', () => {
    // Act
    const printed = pythonRepr({ a: [true, null, 1.5, "it's"] });

    // Assess
    expect(printed).toBe(`{'a': [True, None, 1.5, "it's"]}`);
  });
});

import { BadRequestError } from '../../../../lambdas/shared/http/errors';
import {
  StageRollupError,
  WaitOperatorError,
  completeStage,
  decideSkipped,
  filterOperation,
  mergeStageOutputs,
  resumeExecution,
  stageStatusFromOutputs,
  waitOperatorStatus,
} from '../../../../lambdas/media-insights/workflow/domain/records';
import type { Globals, OperatorOutput } from '../../../../lambdas/media-insights/workflow/domain/types';
import { aStage, aWorkflow, anExecution, anOperation } from './fixtures';

const video = { S3Bucket: 'dataplane', S3Key: 'video.mp4' };

describe('decideSkipped', () => {
  it.each([
    ['runs an enabled operation whose media type is present', { MediaType: 'Video', Enabled: true }, ['Video'], false],
    ['skips an operation whose media type is absent', { MediaType: 'Audio', Enabled: true }, ['Video'], true],
    ['skips a disabled operation', { MediaType: 'Video', Enabled: false }, ['Video'], true],
    ['runs a MetadataOnly operation whatever the media', { MediaType: 'MetadataOnly', Enabled: true }, [], false],
    ['skips a disabled MetadataOnly operation', { MediaType: 'MetadataOnly', Enabled: false }, ['Video'], true],
  ])('%s', (_behaviour, configuration, present, expected) => {
    // Act
    const skipped = decideSkipped(configuration, present);

    // Assess
    expect(skipped).toBe(expected);
  });

  it('judges Enabled by Python truthiness, so the string "false" enables', () => {
    // Prepare
    const configuration = { MediaType: 'Video', Enabled: 'false' as unknown as boolean };

    // Act
    const skipped = decideSkipped(configuration, ['Video']);

    // Assess
    expect(skipped).toBe(false);
  });
});

describe('filterOperation', () => {
  it("produces the operator object with Started when the operation runs, dropping the filter's extra fields", () => {
    // Prepare
    const event = {
      StageName: 'Analysis',
      Name: 'Mediainfo',
      Input: { Media: { Video: video }, MetaData: {} },
      Configuration: { MediaType: 'Video', Enabled: true },
      AssetId: 'a',
      WorkflowExecutionId: 'e',
      Type: 'Video',
      Status: '$.Status',
    };

    // Act
    const output = filterOperation(event);

    // Assess
    expect(output).toEqual({
      Name: 'Mediainfo',
      AssetId: 'a',
      WorkflowExecutionId: 'e',
      Input: event.Input,
      Configuration: event.Configuration,
      Status: 'Started',
      MetaData: {},
      Media: {},
    });
  });

  it('marks an operation Skipped when its media is missing', () => {
    // Prepare
    const event = {
      Name: 'Transcribe',
      Input: { Media: { Video: video }, MetaData: {} },
      Configuration: { MediaType: 'Audio', Enabled: true },
      AssetId: 'a',
      WorkflowExecutionId: 'e',
    };

    // Act
    const output = filterOperation(event);

    // Assess
    expect(output.Status).toBe('Skipped');
  });
});

describe('stageStatusFromOutputs', () => {
  it('completes a stage whose operations completed or were skipped', () => {
    // Act
    const status = stageStatusFromOutputs('Started', [{ Status: 'Complete' }, { Status: 'Skipped' }]);

    // Assess
    expect(status).toBe('Complete');
  });

  it('fails a stage with any other operation status', () => {
    // Act
    const status = stageStatusFromOutputs('Started', [{ Status: 'Complete' }, { Status: 'Executing' }]);

    // Assess
    expect(status).toBe('Error');
  });

  it('never turns an Error stage back to Complete', () => {
    // Act
    const status = stageStatusFromOutputs('Error', [{ Status: 'Complete' }]);

    // Assess
    expect(status).toBe('Error');
  });
});

describe('mergeStageOutputs', () => {
  const globals: Globals = {
    Media: { Video: video, Audio: { S3Bucket: 'dataplane', S3Key: 'old.mp3' } },
    MetaData: { Existing: 1 },
  };

  it('replaces global media of the same type and merges metadata keys, the later operation winning', () => {
    // Prepare
    const outputs: OperatorOutput[] = [
      { Status: 'Complete', Media: { Audio: { S3Bucket: 'dataplane', S3Key: 'new.mp3' } }, MetaData: { Key: 'first' } },
      { Status: 'Complete', Media: { Text: { S3Bucket: 'dataplane', S3Key: 't.txt' } }, MetaData: { Key: 'second' } },
    ];

    // Act
    const merged = mergeStageOutputs(globals, outputs);

    // Assess
    expect(merged).toEqual({
      Media: {
        Video: video,
        Audio: { S3Bucket: 'dataplane', S3Key: 'new.mp3' },
        Text: { S3Bucket: 'dataplane', S3Key: 't.txt' },
      },
      MetaData: { Existing: 1, Key: 'second' },
    });
    expect(globals.Media.Audio.S3Key).toBe('old.mp3');
  });

  it('rejects two operations of one stage outputting the same media type, with the original message', () => {
    // Prepare
    const outputs: OperatorOutput[] = [
      { Status: 'Complete', Media: { Audio: video } },
      { Status: 'Complete', Media: { Audio: video } },
    ];

    // Act
    const act = () => mergeStageOutputs(globals, outputs);

    // Assess
    expect(act).toThrow(StageRollupError);
    expect(act).toThrow(
      "Duplicate mediaType 'Audio' found in operation output media.  mediaType keys must be unique within a stage.",
    );
  });
});

describe('completeStage', () => {
  const mediainfo = anOperation('Mediainfo');
  const thumbnail = anOperation('Thumbnail');
  const workflow = aWorkflow('wf', [aStage('Preprocess', [mediainfo]), aStage('Analysis', [thumbnail])]);
  const started = anExecution(workflow, { Status: 'Started' });

  it('records the outputs, merges them and starts the next stage with the new globals', () => {
    // Prepare
    const outputs = [{ Name: 'Mediainfo', Status: 'Complete', MetaData: { Mediainfo: { duration: 3 } } }];

    // Act
    const { execution, next, failure } = completeStage(started, 'Preprocess', outputs);

    // Assess
    expect(failure).toBeUndefined();
    expect(execution.CurrentStage).toBe('Analysis');
    expect(execution.Status).toBe('Started');
    expect(execution.Workflow.Stages.Preprocess).toMatchObject({ Status: 'Complete', Outputs: outputs });
    expect(execution.Globals.MetaData).toEqual({ Mediainfo: { duration: 3 } });
    expect(next).toMatchObject({ Name: 'Analysis', Status: 'Started', Input: execution.Globals });
    expect(started.Workflow.Stages.Preprocess.Status).toBe('Started');
  });

  it('completes the workflow after the End stage and hands on an empty object', () => {
    // Prepare
    const afterFirst = completeStage(started, 'Preprocess', [{ Status: 'Complete' }]).execution;

    // Act
    const { execution, next, failure } = completeStage(afterFirst, 'Analysis', [{ Status: 'Skipped' }]);

    // Assess
    expect(failure).toBeUndefined();
    expect(next).toEqual({});
    expect(execution).toMatchObject({ CurrentStage: 'End', Status: 'Complete' });
    expect(execution.Message).toBeUndefined();
  });

  it('fails the workflow at a failed middle stage, leaving CurrentStage on that stage', () => {
    // Act
    const { execution, next, failure } = completeStage(started, 'Preprocess', [{ Status: 'Error' }]);

    // Assess
    const message =
      'Exception while rolling up stage status Stage Preprocess encountered and error during execution, aborting the workflow';
    expect(failure).toBe(message);
    expect(next).toEqual({});
    expect(execution).toMatchObject({ CurrentStage: 'Preprocess', Status: 'Error', Message: message });
    expect(execution.Workflow.Stages.Preprocess.Status).toBe('Error');
    expect(execution.Workflow.Stages.Analysis.Status).toBe('Not Started');
  });

  it('fails the workflow at a failed End stage with CurrentStage End', () => {
    // Prepare
    const afterFirst = completeStage(started, 'Preprocess', [{ Status: 'Complete' }]).execution;

    // Act
    const { execution } = completeStage(afterFirst, 'Analysis', [{ Status: 'Error' }]);

    // Assess
    expect(execution).toMatchObject({ CurrentStage: 'End', Status: 'Error' });
  });

  it('fails the workflow when a stage outputs one media type twice, keeping the previous globals', () => {
    // Prepare
    const outputs = [
      { Status: 'Complete', Media: { Audio: video } },
      { Status: 'Complete', Media: { Audio: video } },
    ];

    // Act
    const { execution, failure } = completeStage(started, 'Preprocess', outputs);

    // Assess
    expect(failure).toBe(
      "Exception while rolling up stage status Error rolling up stage status: Duplicate mediaType 'Audio' found in " +
        'operation output media.  mediaType keys must be unique within a stage.',
    );
    expect(execution.Status).toBe('Error');
    expect(execution.Globals).toEqual(started.Globals);
    expect(execution.Workflow.Stages.Preprocess.Outputs).toEqual(outputs);
  });

  it("fails the workflow when the stage's Parallel state caught an error instead of producing outputs", () => {
    // Act
    const { execution, failure } = completeStage(started, 'Preprocess', {
      Error: 'States.Runtime',
      Cause: 'boom',
    });

    // Assess
    expect(failure).toBe('Exception while rolling up stage status Error rolling up stage status: States.Runtime: boom');
    expect(execution.Workflow.Stages.Preprocess).toMatchObject({ Status: 'Error', Outputs: [] });
  });
});

describe('resumeExecution', () => {
  it('resumes an execution waiting at the named stage', () => {
    // Act
    const resumed = resumeExecution('e', { Status: 'Waiting', CurrentStage: 'Review' }, 'Review');

    // Assess
    expect(resumed).toEqual({ Id: 'e', Status: 'Resumed' });
  });

  it.each([
    ['waiting at another stage', { Status: 'Waiting' as const, CurrentStage: 'Other' }],
    ['not waiting', { Status: 'Started' as const, CurrentStage: 'Review' }],
    ['unknown', undefined],
  ])('answers 400 for an execution %s', (_case, execution) => {
    // Act
    const act = () => resumeExecution('e', execution, 'Review');

    // Assess
    expect(act).toThrow(
      new BadRequestError("Workflow status is not 'Waiting' or Current stage doesn't match the request"),
    );
  });
});

describe('waitOperatorStatus', () => {
  it('keeps the Wait operator polling while the execution waits', () => {
    // Act
    const status = waitOperatorStatus('e', { Status: 'Waiting' });

    // Assess
    expect(status).toBe('Executing');
  });

  it('completes the Wait operator once the scheduler has restarted the execution', () => {
    // Act
    const status = waitOperatorStatus('e', { Status: 'Started' });

    // Assess
    expect(status).toBe('Complete');
  });

  it('fails the Wait operator on any other status, Resumed included', () => {
    // Act
    const act = () => waitOperatorStatus('e', { Status: 'Resumed' });

    // Assess
    expect(act).toThrow(new WaitOperatorError('Unexpected workflow execution status Resumed'));
  });

  it('fails the Wait operator when the execution is gone', () => {
    // Act
    const act = () => waitOperatorStatus('e', undefined);

    // Assess
    expect(act).toThrow(new WaitOperatorError('Unable to find Waiting workflow execution e'));
  });
});

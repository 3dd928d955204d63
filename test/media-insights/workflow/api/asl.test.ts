import {
  STAGE_NAME_PLACEHOLDER,
  engineFunctionArns,
  operationAsl,
  stageDefinition,
} from '../../../../lambdas/media-insights/workflow/api/asl';
import original from './fixtures/original-asl.json';

const ENGINE = engineFunctionArns('arn:engine');

const mediainfo = {
  Name: 'Mediainfo',
  Type: 'Sync' as const,
  Configuration: { MediaType: 'Video' },
  StartLambdaArn: 'arn:start',
};
const transcribe = {
  Name: 'Transcribe',
  Type: 'Async' as const,
  Configuration: { MediaType: 'Audio' },
  StartLambdaArn: 'arn:tstart',
  MonitorLambdaArn: 'arn:tmonitor',
};

describe('operationAsl', () => {
  it("produces the original's sync branch text byte for byte", () => {
    // Act
    const asl = operationAsl(mediainfo, ENGINE);

    // Assess
    expect(asl).toBe(original.syncOperation);
  });

  it("produces the original's async branch text byte for byte, with the 10 s wait and the monitor", () => {
    // Act
    const asl = operationAsl(transcribe, ENGINE);

    // Assess
    expect(asl).toBe(original.asyncOperation);
    const states = JSON.parse(asl).States;
    expect(states[`Transcribe Wait (${STAGE_NAME_PLACEHOLDER})`]).toEqual({
      Type: 'Wait',
      Seconds: 10,
      Next: `Get Transcribe Status (${STAGE_NAME_PLACEHOLDER})`,
    });
  });

  it('keeps a name with quotes and non-ASCII characters valid JSON', () => {
    // Prepare
    const operation = { ...mediainfo, Name: 'Say "hé"' };

    // Act
    const asl = JSON.parse(operationAsl(operation, ENGINE));

    // Assess
    expect(asl.StartAt).toBe(`Filter Say "hé" Media Type? (${STAGE_NAME_PLACEHOLDER})`);
    expect(asl.States[asl.StartAt].Parameters['Configuration.$']).toBe('$.Configuration.Say "hé"');
  });
});

describe('stageDefinition', () => {
  it("produces the original's stage text byte for byte, branches in operation order", () => {
    // Prepare
    const branches = [operationAsl(mediainfo, ENGINE), operationAsl(transcribe, ENGINE)];

    // Act
    const definition = stageDefinition('Analysis', branches, ENGINE);

    // Assess
    expect(definition).toBe(original.stage);
  });

  it('fills the stage name into state names and transitions, even a name with a quote or backslash', () => {
    // Prepare
    const stageName = 'Stage "A" \\ 1';

    // Act
    const definition = JSON.parse(stageDefinition(stageName, [operationAsl(mediainfo, ENGINE)], ENGINE));

    // Assess
    const branch = definition.States[stageName].Branches[0];
    expect(definition.StartAt).toBe(stageName);
    expect(branch.StartAt).toBe(`Filter Mediainfo Media Type? (${stageName})`);
    expect(branch.States[branch.StartAt].Next).toBe(`Skip Mediainfo? (${stageName})`);
    expect(JSON.stringify(definition)).not.toContain(STAGE_NAME_PLACEHOLDER);
    expect(definition.States[stageName].Next).toBe(`Complete Stage ${stageName}`);
  });
});

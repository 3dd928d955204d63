import {
  InvalidPropertiesError,
  parseRegistration,
  registeredNames,
  removedNames,
} from '../../../../lambdas/media-insights/workflow/registration/properties';

const operation = (name: string, enabled: unknown) => ({
  Name: name,
  Type: 'Sync',
  Configuration: { MediaType: 'Video', Enabled: enabled, Threshold: '80' },
  StartLambdaArn: 'arn:start',
});

describe('parseRegistration', () => {
  it('turns the Enabled strings CloudFormation sends back into booleans, leaving other settings as sent', () => {
    // Prepare
    const properties = { ServiceToken: 'arn:fn', Operations: [operation('A', 'true'), operation('B', 'false')] };

    // Act
    const registration = parseRegistration(properties);

    // Assess
    expect(registration.operations.map((entry) => entry.Configuration)).toEqual([
      { MediaType: 'Video', Enabled: true, Threshold: '80' },
      { MediaType: 'Video', Enabled: false, Threshold: '80' },
    ]);
    expect(registration).toMatchObject({ stages: [], workflows: [], maxConcurrentWorkflows: undefined });
  });

  it('refuses an Enabled string other than "true" or "false", naming the entry', () => {
    // Act
    const parse = () => parseRegistration({ Operations: [operation('A', 'true'), operation('B', 'yes')] });

    // Assess
    expect(parse).toThrow(new InvalidPropertiesError('Operations[1]: Configuration.Enabled must be "true" or "false"'));
  });

  it('accepts workflow Stages as a JSON string, as the original, or as an object with a string End', () => {
    // Prepare
    const properties = {
      Operations: [],
      Workflows: [
        { Name: 'FromText', StartAt: 'A', Stages: '{"A": {"Next": "B"}, "B": {"End": true}}' },
        { Name: 'FromObject', StartAt: 'A', Stages: { A: { Next: 'B', End: 'false' }, B: { End: 'true' } } },
      ],
    };

    // Act
    const registration = parseRegistration(properties);

    // Assess
    expect(registration.workflows.map((workflow) => workflow.Stages)).toEqual([
      { A: { Next: 'B' }, B: { End: true } },
      { A: { Next: 'B' }, B: { End: true } },
    ]);
  });

  it('reads MaxConcurrentWorkflows from its string form', () => {
    // Act
    const registration = parseRegistration({ Operations: [], MaxConcurrentWorkflows: '5' });

    // Assess
    expect(registration.maxConcurrentWorkflows).toBe(5);
  });

  it.each([
    ['no Operations', {}, 'Operations must be a list'],
    ['a Stages entry that is not an object', { Operations: [], Stages: ['x'] }, 'Stages[0] must be an object'],
    [
      'unparsable workflow Stages',
      { Operations: [], Workflows: [{ Stages: '{' }] },
      'Workflows[0]: Stages is not valid JSON',
    ],
    [
      'a MaxConcurrentWorkflows of 0',
      { Operations: [], MaxConcurrentWorkflows: '0' },
      'MaxConcurrentWorkflows must be an integer from 1 to 1000',
    ],
    [
      'a MaxConcurrentWorkflows above the maximum',
      { Operations: [], MaxConcurrentWorkflows: '4294967296' },
      'MaxConcurrentWorkflows must be an integer from 1 to 1000',
    ],
  ])('refuses %s', (_case, properties, message) => {
    // Act
    const parse = () => parseRegistration(properties);

    // Assess
    expect(parse).toThrow(new InvalidPropertiesError(message));
  });
});

describe('registeredNames and removedNames', () => {
  it('reads the names of whatever entries have one, ignoring the rest', () => {
    // Act
    const names = registeredNames({ Operations: [{ Name: 'A' }, 'junk', { Name: 3 }], Stages: 'junk' });

    // Assess
    expect(names).toEqual({ operations: ['A'], stages: [], workflows: [] });
  });

  it('finds what an update no longer lists', () => {
    // Prepare
    const before = { operations: ['A', 'B'], stages: ['S'], workflows: ['W'] };
    const after = { operations: ['A'], stages: ['S'], workflows: [] };

    // Act
    const removed = removedNames(before, after);

    // Assess
    expect(removed).toEqual({ operations: ['B'], stages: [], workflows: ['W'] });
  });
});

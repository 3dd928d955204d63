import { findDefinitionProblems, InvalidDefinition, validateDefinition } from '../../../lib/local/stepfunctions';

const invoke = (resource: string) => ({
  StartAt: 'Call',
  States: { Call: { Type: 'Task', Resource: resource, Parameters: { FunctionName: 'f' }, End: true } },
});

describe('validateDefinition', () => {
  it('accepts a JSONPath definition with Map, Parallel and callback tasks', () => {
    // Prepare
    const definition = {
      StartAt: 'Fan out',
      States: {
        'Fan out': {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Each',
              States: {
                Each: {
                  Type: 'Map',
                  ItemProcessor: {
                    ProcessorConfig: { Mode: 'INLINE' },
                    StartAt: 'Operate',
                    States: {
                      Operate: {
                        Type: 'Task',
                        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                        Parameters: { FunctionName: 'op', Payload: { 'token.$': '$$.Task.Token' } },
                        HeartbeatSeconds: 60,
                        End: true,
                      },
                    },
                  },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    };

    // Act
    const problems = findDefinitionProblems(definition, { requireResolvedArns: true });

    // Assess
    expect(problems).toEqual([]);
  });

  it('accepts unresolved ${...} DefinitionSubstitutions unless resolved ARNs are required', () => {
    // Prepare
    const definition = JSON.stringify(invoke('${OperatorFunctionArn}'));

    // Act
    const asFile = findDefinitionProblems(definition);
    const asDeployed = findDefinitionProblems(definition, { requireResolvedArns: true });

    // Assess
    expect(asFile).toEqual([]);
    expect(asDeployed).not.toEqual([]);
  });

  it.each([
    [
      'top-level JSONata',
      { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      /JSONata/,
    ],
    [
      'state-level JSONata',
      { StartAt: 'A', States: { A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } } },
      /JSONata/,
    ],
    ['Assign', { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }, /Assign/],
    ['Arguments', { StartAt: 'A', States: { A: { Type: 'Pass', Arguments: {}, End: true } } }, /Arguments/],
    [
      'Distributed Map',
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'B',
              States: { B: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      },
      /Distributed Map/,
    ],
    ['an unsupported service integration', invoke('arn:aws:states:::dynamodb:putItem'), /not supported locally/],
    [
      'duplicate state names',
      {
        StartAt: 'A',
        States: {
          A: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
            End: true,
          },
        },
      },
      /DUPLICATE_STATE_NAMES/,
    ],
    ['malformed JSON', '{"StartAt":', /not valid JSON/],
  ])('rejects %s with InvalidDefinition', (_, definition, message) => {
    // Act
    const validate = () => validateDefinition(definition);

    // Assess
    expect(validate).toThrow(InvalidDefinition);
    expect(validate).toThrow(message);
  });
});

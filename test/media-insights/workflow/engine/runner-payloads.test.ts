import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { createLocalStepFunctions, type LocalStepFunctions } from '../../../../lib/local/stepfunctions';
import { PROJECT_ROOT } from '../../../../lib/constructs/node-function';
import { WorkflowEngine } from '../../../../lambdas/media-insights/workflow/engine/engine';
import { FakeFunctions, MemoryExecutions, MemorySlots } from './fakes';
import { execution, operation } from './records';

/** Step Functions refuses a state's input or output over 256 KB (States.DataLimitExceeded). */
const PAYLOAD_LIMIT_BYTES = 256 * 1024;
const ENGINE = 'arn:aws:lambda:us-east-1:123456789012:function:engine';
const RUNNER = 'arn:aws:states:us-east-1:123456789012:stateMachine:runner';

describe('the workflow runner state machine with a wide stage', () => {
  let sfn: LocalStepFunctions;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mie-runner-'));
    sfn = await createLocalStepFunctions({
      region: 'us-east-1',
      accountId: '123456789012',
      dataDir,
      invokeLambda: (_arn, payload) => engineCall(payload),
    });
  });
  afterAll(async () => {
    await sfn.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // The engine on in-memory records: operators answer 1 KB of metadata each, 300 KB for the stage.
  const width = 300;
  const operations = Array.from({ length: width }, (_, index) => operation(`wide${index}`, 'Sync'));
  const executions = new MemoryExecutions();
  const functions = new FakeFunctions(
    Object.fromEntries(
      operations.map((op) => [
        op.StartLambdaArn,
        (event: { Name: string }) => ({ Status: 'Complete', MetaData: { [event.Name]: 'x'.repeat(1024) } }),
      ]),
    ),
  );
  const engine = new WorkflowEngine({
    executions,
    operations: { get: async (name) => operations.find((op) => op.Name === name) },
    invoker: functions,
    slots: new MemorySlots(),
    requestScheduling: async () => {},
  });
  const engineCall = (payload: unknown): Promise<unknown> => {
    const event = payload as { action: string; ExecutionId: string; StageName: string; Name: string };
    if (event.action === 'runOperation')
      return engine.runOperation(event, { budgetMs: () => 60_000, sleep: async () => {} });
    return engine.completeStage(event);
  };

  it('keeps every state payload under 256 KB while the stage outputs more, and records every output', async () => {
    // Prepare
    executions.add(execution('wide', [['Wide', operations]], 'Started'));
    const definition = fs
      .readFileSync(path.join(PROJECT_ROOT, 'statemachines', 'mie-workflow-runner.asl.json'), 'utf8')
      .replaceAll('${EngineFunctionArn}', ENGINE);
    await sfn.registerStateMachine({
      name: 'runner',
      arn: RUNNER,
      definition,
      roleArn: 'arn:aws:iam::1:role/r',
      type: 'STANDARD',
    });
    const input = WorkflowEngine.stageInput(
      'wide',
      'Wide',
      operations.map((op) => op.Name),
    );

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: RUNNER,
      name: 'wide',
      input: JSON.stringify(input),
    });
    const result = await sfn.waitForExecution(executionArn ?? '');
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.getExecutionHistory({ executionArn, nextToken, maxResults: 1000 });
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const record = await executions.get('wide');
    expect(record?.Status).toBe('Complete');
    const outputs = record?.Workflow.Stages['Wide'].Outputs ?? [];
    expect(outputs).toHaveLength(width);
    expect(Buffer.byteLength(JSON.stringify(outputs))).toBeGreaterThan(PAYLOAD_LIMIT_BYTES);
    const payloads = events.flatMap((event) => [
      event.stateEnteredEventDetails?.input ?? '',
      event.stateExitedEventDetails?.output ?? '',
    ]);
    expect(Math.max(...payloads.map((payload) => Buffer.byteLength(payload)))).toBeLessThan(PAYLOAD_LIMIT_BYTES / 8);
  });
});

import aws4 from 'aws4';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidDefinition,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import {
  REGION,
  ROLE_ARN,
  createStateMachine,
  startHarness,
  stateMachineArn,
  waitForExecution,
  type Harness,
} from './harness';

const PASS = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.stop({ removeData: true });
});

describe('state machine management', () => {
  it('creates a state machine that Describe and List return as created', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const arn = await createStateMachine(harness.client, 'ingest', PASS);

    // Assess
    expect(arn).toBe(stateMachineArn('ingest'));
    const described = await harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described).toMatchObject({ name: 'ingest', status: 'ACTIVE', type: 'STANDARD', roleArn: ROLE_ARN });
    expect(JSON.parse(described.definition!)).toEqual(PASS);
    expect(described.creationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const { stateMachines } = await harness.client.send(new ListStateMachinesCommand({}));
    expect(stateMachines!.map((machine) => machine.stateMachineArn)).toEqual([arn]);
  });

  it('updates the definition that new executions run', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);
    const updated = { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: 'v2', End: true } } };

    // Act
    await harness.client.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(updated) }),
    );

    // Assess
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    expect((await waitForExecution(harness.client, executionArn!)).output).toBe('"v2"');
  });

  it('deletes a state machine so that it no longer exists', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);

    // Act
    await harness.client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));

    // Assess
    await expect(harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
    expect((await harness.client.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
  });

  it('treats a repeated identical create as a success and a different one as StateMachineAlreadyExists', async () => {
    // Prepare
    await createStateMachine(harness.client, 'ingest', PASS);

    // Act
    const repeated = createStateMachine(harness.client, 'ingest', PASS);
    const different = createStateMachine(harness.client, 'ingest', { ...PASS, Comment: 'changed' });

    // Assess
    await expect(repeated).resolves.toBe(stateMachineArn('ingest'));
    await expect(different).rejects.toBeInstanceOf(StateMachineAlreadyExists);
  });

  it('rejects definitions the local interpreter cannot run with InvalidDefinition', async () => {
    // Prepare
    const jsonata = { QueryLanguage: 'JSONata', ...PASS };

    // Act
    const created = createStateMachine(harness.client, 'jsonata', jsonata);

    // Assess
    await expect(created).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(created).rejects.toThrow(/JSONata/);
  });

  it('rejects a state machine name AWS would refuse with InvalidName', async () => {
    // Act
    const created = harness.client.send(
      new CreateStateMachineCommand({ name: 'has space', definition: JSON.stringify(PASS), roleArn: ROLE_ARN }),
    );

    // Assess
    await expect(created).rejects.toBeInstanceOf(InvalidName);
  });

  it('tags and untags a state machine', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);

    // Act
    await harness.client.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'app', value: 'mediaplane' },
          { key: 'tier', value: 'local' },
        ],
      }),
    );
    await harness.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['tier'] }));

    // Assess
    const { tags } = await harness.client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags).toEqual([{ key: 'app', value: 'mediaplane' }]);
  });

  it('registers a state machine from a template idempotently, replacing its definition', async () => {
    // Prepare
    const arn = stateMachineArn('from-template');
    await harness.service.registerStateMachine({ name: 'from-template', arn, definition: PASS, roleArn: ROLE_ARN });
    const updated = { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: 2, End: true } } };

    // Act
    await harness.service.registerStateMachine({ name: 'from-template', arn, definition: updated, roleArn: ROLE_ARN });

    // Assess
    const described = await harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(described.definition!)).toEqual(updated);
    expect((await harness.client.send(new ListStateMachinesCommand({}))).stateMachines).toHaveLength(1);
  });
});

describe('executions', () => {
  it('lists executions newest first, filtered by status and paginated with nextToken', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);
    for (const name of ['first', 'second', 'third']) {
      await harness.client.send(new StartExecutionCommand({ stateMachineArn: arn, name }));
      await waitForExecution(harness.client, `arn:aws:states:us-east-1:000000000000:execution:ingest:${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    // Act
    const firstPage = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED', maxResults: 2 }),
    );
    const secondPage = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED', nextToken: firstPage.nextToken }),
    );
    const running = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );

    // Assess
    expect(firstPage.executions!.map((execution) => execution.name)).toEqual(['third', 'second']);
    expect(secondPage.executions!.map((execution) => execution.name)).toEqual(['first']);
    expect(secondPage.nextToken).toBeUndefined();
    expect(running.executions).toEqual([]);
  });

  it('pages the history newest first with reverseOrder and omits data when includeExecutionData is false', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: '{"secret":1}' }),
    );
    await waitForExecution(harness.client, executionArn!);
    const request = { executionArn, reverseOrder: true, includeExecutionData: false, maxResults: 2 };

    // Act
    const firstPage = await harness.client.send(new GetExecutionHistoryCommand(request));
    const secondPage = await harness.client.send(
      new GetExecutionHistoryCommand({ ...request, nextToken: firstPage.nextToken }),
    );

    // Assess
    expect([...firstPage.events!, ...secondPage.events!].map((event) => event.type)).toEqual([
      'ExecutionSucceeded',
      'PassStateExited',
      'PassStateEntered',
      'ExecutionStarted',
    ]);
    expect(secondPage.events![1].executionStartedEventDetails).toEqual({
      inputDetails: { truncated: false },
      roleArn: ROLE_ARN,
    });
  });

  it('describes the state machine an execution belongs to', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: arn }));

    // Act
    const described = await harness.client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));

    // Assess
    expect(described).toMatchObject({ stateMachineArn: arn, name: 'ingest', roleArn: ROLE_ARN });
  });

  it('refuses a second execution of the same name with ExecutionAlreadyExists', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);
    await harness.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once' }));

    // Act
    const again = harness.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input: '{"b":1}' }),
    );

    // Assess
    await expect(again).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('answers StateMachineDoesNotExist when starting an unknown machine', async () => {
    // Act
    const started = harness.client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('missing') }));

    // Assess
    await expect(started).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('answers ExecutionDoesNotExist for an unknown execution and InvalidArn for a malformed ARN', async () => {
    // Act
    const unknown = harness.client.send(
      new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:ingest:nope' }),
    );
    const malformed = harness.client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }));

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(unknown).rejects.toMatchObject({ name: 'ExecutionDoesNotExist', $metadata: { httpStatusCode: 400 } });
    await expect(malformed).rejects.toBeInstanceOf(InvalidArn);
  });

  it('refuses StartSyncExecution on a STANDARD machine with StateMachineTypeNotSupported', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'ingest', PASS);

    // Act
    const started = harness.syncClient().send(new StartSyncExecutionCommand({ stateMachineArn: arn }));

    // Assess
    await expect(started).rejects.toBeInstanceOf(StateMachineTypeNotSupported);
  });
});

describe('JSON 1.0 protocol', () => {
  /** A raw request to the endpoint, signed with aws4 as any SigV4 client would sign it (unless `credentials` is null). */
  function post(
    target: string,
    body: string,
    credentials: { accessKeyId: string; secretAccessKey: string } | null = {
      accessKeyId: 'local',
      secretAccessKey: 'local',
    },
  ) {
    const url = new URL(harness.endpoint);
    const request = {
      host: url.host,
      method: 'POST',
      path: '/',
      service: 'states',
      region: REGION,
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target },
      body,
    };
    const headers = credentials ? aws4.sign(request, credentials).headers : request.headers;
    return fetch(harness.endpoint, { method: 'POST', headers: headers as Record<string, string>, body });
  }

  it('answers an unknown X-Amz-Target with UnknownOperationException', async () => {
    // Act
    const response = await post('AWSStepFunctions.Teleport', '{}');

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: expect.stringMatching(/#UnknownOperationException$/) });
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    // Act
    const response = await post('AWSStepFunctions.ListStateMachines', '{nope');

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: expect.stringMatching(/#SerializationException$/) });
  });

  it.each([
    ['no signature', null, 'MissingAuthenticationTokenException'],
    ['an unknown key', { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'local' }, 'UnrecognizedClientException'],
    ['a wrong secret', { accessKeyId: 'local', secretAccessKey: 'wrong' }, 'InvalidSignatureException'],
  ])('refuses a request with %s as Step Functions does', async (_case, credentials, type) => {
    // Act
    const response = await post('AWSStepFunctions.ListStateMachines', '{}', credentials);

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(await response.json()).toMatchObject({ __type: `com.amazon.coral.service#${type}` });
  });
});

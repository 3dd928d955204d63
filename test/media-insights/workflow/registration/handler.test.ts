import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { WorkflowControlPlane as ControlPlane } from '../../../../lambdas/media-insights/workflow/api/control-plane';
import type { Operation, Stage, Workflow } from '../../../../lambdas/media-insights/workflow/domain/types';
import { captureLogs, type CapturedLogs } from '../../../support/logs';
import { WORKFLOW_ENV, callApi, clearTable, startWorkflowTestbed, type WorkflowTestbed } from '../api/support';

type RegistrationHandler = (
  event: CloudFormationCustomResourceEvent,
  context?: { getRemainingTimeInMillis(): number; logStreamName: string },
) => Promise<void>;

interface ReceivedResponse {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly document: Record<string, unknown>;
}

/** Stands for CloudFormation's pre-signed response URL; can be told to fail the next few PUTs. */
class ResponseReceiver {
  readonly received: ReceivedResponse[] = [];
  failures = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (this.failures > 0) {
          this.failures -= 1;
          response.writeHead(500).end();
          return;
        }
        this.received.push({
          path: request.url ?? '',
          method: request.method ?? '',
          headers: request.headers,
          document: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  last(): ReceivedResponse {
    return this.received[this.received.length - 1];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MediaInsights/0f1e2d3c';
const CONTEXT = { getRemainingTimeInMillis: () => 60_000, logStreamName: '2026/11/22/[$LATEST]abc' };
const START = 'arn:aws:lambda:us-east-1:123456789012:function:OperatorLibrary-start';

let bed: WorkflowTestbed;
let receiver: ResponseReceiver;
let handler: RegistrationHandler;
let createRegistrationHandler: typeof import('../../../../lambdas/media-insights/workflow/registration/custom-resource').createRegistrationHandler;
let logs: CapturedLogs;

beforeAll(async () => {
  bed = await startWorkflowTestbed();
  receiver = new ResponseReceiver();
  await receiver.start();
  // The deployed module: it builds its control plane from the environment the testbed set.
  ({ handler } = await import('../../../../lambdas/media-insights/workflow/registration/handler'));
  ({ createRegistrationHandler } =
    await import('../../../../lambdas/media-insights/workflow/registration/custom-resource'));
});

afterAll(async () => {
  await receiver.stop();
  await bed.stop();
});

beforeEach(() => {
  logs = captureLogs();
});

afterEach(() => logs.restore());

function properties(prefix: string) {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:registration',
    Operations: [
      {
        Name: `${prefix}Mediainfo`,
        Type: 'Sync',
        Configuration: { MediaType: 'Video', Enabled: 'true' },
        StartLambdaArn: START,
      },
      {
        Name: `${prefix}Wait`,
        Type: 'Async',
        Configuration: { MediaType: 'MetadataOnly', Enabled: 'false' },
        StartLambdaArn: START,
        MonitorLambdaArn: START,
      },
    ],
    Stages: [{ Name: `${prefix}Analysis`, Operations: [`${prefix}Mediainfo`, `${prefix}Wait`] }],
    Workflows: [
      {
        Name: `${prefix}Workflow`,
        StartAt: `_${prefix}Mediainfo`,
        Stages: JSON.stringify({
          [`_${prefix}Mediainfo`]: { Next: `${prefix}Analysis` },
          [`${prefix}Analysis`]: { End: true },
        }),
      },
    ],
    MaxConcurrentWorkflows: '5',
  };
}

function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  resourceProperties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): CloudFormationCustomResourceEvent {
  const requestId = randomUUID();
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:registration',
    ResponseURL: `${receiver.url}/cloudformation-response/${requestId}?X-Amz-Signature=secret-signature`,
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: 'OperatorRegistration',
    ResourceType: 'Custom::WorkflowRegistration',
    ResourceProperties: resourceProperties,
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'OperatorRegistration-WorkflowRegistration' }),
    ...extra,
  } as CloudFormationCustomResourceEvent;
}

async function read<T>(resource: string, name: string): Promise<T | undefined> {
  const response = await callApi(bed.handler, { resource, pathParameters: { name } });
  return response.statusCode === 200 ? (response.body as T) : undefined;
}

describe('Create', () => {
  it('registers operations with their singleton stages, stages and workflows, then answers SUCCESS', async () => {
    // Prepare
    await clearTable(bed.engines.dynamo, WORKFLOW_ENV.SYSTEM_TABLE_NAME, 'Name');
    const event = cfnEvent('Create', properties('Reg'));

    // Act
    await handler(event, CONTEXT);

    // Assess
    const response = receiver.last();
    expect(response.method).toBe('PUT');
    expect(response.path).toBe(new URL(event.ResponseURL).pathname + new URL(event.ResponseURL).search);
    expect(response.headers['content-type']).toBe('');
    expect(response.document).toEqual({
      Status: 'SUCCESS',
      Reason: `See the details in CloudWatch Log Stream: ${CONTEXT.logStreamName}`,
      PhysicalResourceId: 'OperatorRegistration-WorkflowRegistration',
      StackId: STACK_ID,
      RequestId: event.RequestId,
      LogicalResourceId: 'OperatorRegistration',
      Data: { Message: 'Resource creation successful!' },
    });
    const mediainfo = await read<Operation>('/workflow/operation/{name}', 'RegMediainfo');
    const wait = await read<Operation>('/workflow/operation/{name}', 'RegWait');
    expect(mediainfo).toMatchObject({ Configuration: { Enabled: true }, Trigger: 'custom-resource' });
    expect(wait).toMatchObject({ Configuration: { Enabled: false }, Type: 'Async', StageName: '_RegWait' });
    expect(await read<Stage>('/workflow/stage/{name}', '_RegMediainfo')).toMatchObject({ Trigger: 'custom-resource' });
    expect(await read<Stage>('/workflow/stage/{name}', 'RegAnalysis')).toMatchObject({
      Operations: ['RegMediainfo', 'RegWait'],
      Trigger: 'custom-resource',
    });
    const workflow = await read<Workflow>('/workflow/{name}', 'RegWorkflow');
    expect(workflow).toMatchObject({
      Trigger: 'custom-resource',
      StartAt: '_RegMediainfo',
      Operations: ['RegMediainfo', 'RegMediainfo', 'RegWait'],
      StateMachineArn: WORKFLOW_ENV.STATE_MACHINE_ARN,
    });
    expect(workflow?.Stages.RegAnalysis.End).toBe(true);
    const system = await callApi(bed.handler, { resource: '/system/configuration' });
    expect(system.body).toEqual([{ Name: 'MaxConcurrentWorkflows', Value: 5 }]);
  });

  it('converges when CloudFormation sends the same Create again', async () => {
    // Prepare
    await handler(cfnEvent('Create', properties('Again')), CONTEXT);

    // Act
    await handler(cfnEvent('Create', properties('Again')), CONTEXT);

    // Assess
    expect(receiver.last().document.Status).toBe('SUCCESS');
    const operations = await callApi(bed.handler, { resource: '/workflow/operation' });
    expect((operations.body as Operation[]).filter((operation) => operation.Name === 'AgainMediainfo')).toHaveLength(1);
  });

  it('leaves a MaxConcurrentWorkflows someone already set alone', async () => {
    // Prepare
    await callApi(bed.handler, {
      resource: '/system/configuration',
      method: 'POST',
      body: { Name: 'MaxConcurrentWorkflows', Value: 9 },
    });

    // Act
    await handler(cfnEvent('Create', properties('Tuned')), CONTEXT);

    // Assess
    expect(receiver.last().document.Status).toBe('SUCCESS');
    const system = await callApi(bed.handler, { resource: '/system/configuration' });
    expect(system.body).toEqual([{ Name: 'MaxConcurrentWorkflows', Value: 9 }]);
  });

  it('answers FAILED, naming the entry, rather than replace a definition created through the API', async () => {
    // Prepare
    const created = await callApi(bed.handler, {
      resource: '/workflow/operation',
      method: 'POST',
      body: {
        Name: 'UserMediainfo',
        Type: 'Sync',
        Configuration: { MediaType: 'Audio', Enabled: true },
        StartLambdaArn: START,
      },
    });

    // Act
    await handler(cfnEvent('Create', properties('User')), CONTEXT);

    // Assess
    expect(receiver.last().document).toMatchObject({
      Status: 'FAILED',
      Reason:
        'Operations[0]: Operation UserMediainfo already exists and was not created by the workflow registration ' +
        `custom resource (see CloudWatch Log Stream: ${CONTEXT.logStreamName})`,
      PhysicalResourceId: 'OperatorRegistration-WorkflowRegistration',
    });
    expect(await read('/workflow/operation/{name}', 'UserMediainfo')).toEqual(created.body);
  });

  it.each([
    ['without Operations', { MaxConcurrentWorkflows: '5' }, 'Operations must be a list'],
    [
      'with an invalid operation',
      {
        Operations: [
          {
            Name: 'Broken',
            Type: 'Batch',
            Configuration: { MediaType: 'Video', Enabled: 'true' },
            StartLambdaArn: START,
          },
        ],
      },
      "Operations[0]: 'Batch' is not one of ['Sync', 'Async']",
    ],
  ])('answers FAILED for properties %s', async (_case, resourceProperties, reason) => {
    // Act
    await handler(cfnEvent('Create', resourceProperties), CONTEXT);

    // Assess
    expect(receiver.last().document).toMatchObject({
      Status: 'FAILED',
      Reason: `${reason} (see CloudWatch Log Stream: ${CONTEXT.logStreamName})`,
    });
  });

  it('never logs the pre-signed response URL', async () => {
    // Act
    await handler(cfnEvent('Create', { Operations: 'not a list' }), CONTEXT);

    // Assess
    expect(logs.entries().map((entry) => entry.message)).toEqual([
      'Workflow registration',
      'Workflow registration failed',
    ]);
    expect(logs.text()).not.toContain('secret-signature');
    expect(logs.text()).not.toContain('cloudformation-response');
  });
});

describe('Update and Delete', () => {
  it('registers the new properties and removes what they no longer list, keeping the physical id', async () => {
    // Prepare
    const before = properties('Upd');
    await handler(cfnEvent('Create', before), CONTEXT);
    const after = { ...before, Operations: [before.Operations[0]], Stages: [], Workflows: [] };

    // Act
    await handler(cfnEvent('Update', after, { OldResourceProperties: before }), CONTEXT);

    // Assess
    expect(receiver.last().document).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'OperatorRegistration-WorkflowRegistration',
      Data: { Message: 'Resource update successful!' },
    });
    expect(await read('/workflow/operation/{name}', 'UpdMediainfo')).toBeDefined();
    expect(await read('/workflow/operation/{name}', 'UpdWait')).toBeUndefined();
    expect(await read('/workflow/stage/{name}', '_UpdWait')).toBeUndefined();
    expect(await read('/workflow/stage/{name}', 'UpdAnalysis')).toBeUndefined();
    expect(await read('/workflow/{name}', 'UpdWorkflow')).toBeUndefined();
  });

  it('removes what it registered on Delete and leaves definitions created through the API', async () => {
    // Prepare
    await handler(cfnEvent('Create', properties('Del')), CONTEXT);
    await callApi(bed.handler, {
      resource: '/workflow/operation',
      method: 'POST',
      body: {
        Name: 'DelUser',
        Type: 'Sync',
        Configuration: { MediaType: 'Video', Enabled: true },
        StartLambdaArn: START,
      },
    });
    const listed = properties('Del');
    listed.Operations.push({ ...listed.Operations[0], Name: 'DelUser' });

    // Act
    await handler(cfnEvent('Delete', listed), CONTEXT);

    // Assess
    expect(receiver.last().document).toMatchObject({
      Status: 'SUCCESS',
      Data: { Message: 'Resource deletion successful!' },
    });
    for (const [resource, name] of [
      ['/workflow/{name}', 'DelWorkflow'],
      ['/workflow/stage/{name}', 'DelAnalysis'],
      ['/workflow/stage/{name}', '_DelMediainfo'],
      ['/workflow/operation/{name}', 'DelMediainfo'],
      ['/workflow/operation/{name}', 'DelWait'],
    ]) {
      expect(await read(resource, name)).toBeUndefined();
    }
    expect(await read('/workflow/operation/{name}', 'DelUser')).toBeDefined();
  });

  it('answers SUCCESS to a Delete whose properties never described a registration', async () => {
    // Act
    await handler(cfnEvent('Delete', { Operations: 'junk' }), CONTEXT);

    // Assess
    expect(receiver.last().document).toMatchObject({ Status: 'SUCCESS' });
  });
});

describe('answering CloudFormation', () => {
  it('answers FAILED to a request type it does not know', async () => {
    // Act
    await handler({ ...cfnEvent('Create', properties('Odd')), RequestType: 'Rename' } as never, CONTEXT);

    // Assess
    expect(receiver.last().document).toMatchObject({
      Status: 'FAILED',
      Reason: `Unexpected event received from CloudFormation (see CloudWatch Log Stream: ${CONTEXT.logStreamName})`,
    });
  });

  it('answers FAILED before the function times out when registration hangs', async () => {
    // Prepare: a control plane whose storage never answers
    const hanging = new Proxy({}, { get: () => () => new Promise(() => undefined) });
    const { WorkflowControlPlane } = await import('../../../../lambdas/media-insights/workflow/api/control-plane');
    const controlPlane: ControlPlane = new WorkflowControlPlane(
      {
        operations: hanging,
        stages: hanging,
        workflows: hanging,
        executions: hanging,
        system: hanging,
        dataplane: hanging,
        scheduler: hanging,
        stateMachines: hanging,
      } as never,
      {
        stateMachineArn: 'arn',
        frameworkVersion: 'v',
        defaultMaxConcurrentWorkflows: 5,
        engine: { filterOperation: '', operatorFailed: '', completeStage: '' },
        newId: randomUUID,
        now: () => new Date(),
      },
    );
    const timed = createRegistrationHandler(controlPlane, { responseReserveMs: 1000 });

    // Act
    await timed(cfnEvent('Create', properties('Slow')), { ...CONTEXT, getRemainingTimeInMillis: () => 1050 });

    // Assess
    expect(receiver.last().document).toMatchObject({
      Status: 'FAILED',
      Reason: `Error: Workflow registration did not finish before the function timeout (see CloudWatch Log Stream: ${CONTEXT.logStreamName})`,
    });
  });

  it('retries the response when the response URL fails', async () => {
    // Prepare
    const { createWorkflowPorts } = await import('../../../../lambdas/media-insights/workflow/adapters');
    const { loadConfig } = await import('../../../../lambdas/media-insights/workflow/api/config');
    const { WorkflowControlPlane, settingsFromConfig } =
      await import('../../../../lambdas/media-insights/workflow/api/control-plane');
    const config = loadConfig();
    const retrying = createRegistrationHandler(
      new WorkflowControlPlane(
        createWorkflowPorts(config),
        settingsFromConfig(config, { newId: randomUUID, now: () => new Date() }),
      ),
      { retryDelayMs: 5 },
    );
    receiver.failures = 2;
    const event = cfnEvent('Delete', { Operations: [] });

    // Act
    await retrying(event, CONTEXT);

    // Assess
    expect(receiver.failures).toBe(0);
    expect(receiver.last().document).toMatchObject({ Status: 'SUCCESS', RequestId: event.RequestId });
  });
});

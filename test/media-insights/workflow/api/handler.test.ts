import { randomBytes } from 'node:crypto';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { operationAsl, stageDefinition, engineFunctionArns } from '../../../../lambdas/media-insights/workflow/api/asl';
import type {
  Operation,
  Stage,
  Workflow,
  WorkflowExecution,
} from '../../../../lambdas/media-insights/workflow/domain/types';
import { captureLogs } from '../../../support/logs';
import { DATAPLANE_ENV, MEDIA_BUCKET } from '../../dataplane/support';
import { WORKFLOW_ENV, callApi, clearTable, startWorkflowTestbed, type ApiCall, type WorkflowTestbed } from './support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{10}\.\d+$/;
const ENGINE = engineFunctionArns(WORKFLOW_ENV.ENGINE_FUNCTION_ARN);

let bed: WorkflowTestbed;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  bed = await startWorkflowTestbed();
  documents = DynamoDBDocumentClient.from(bed.engines.dynamo);
});

afterAll(async () => {
  await bed.stop();
});

function api(call: ApiCall) {
  return callApi(bed.handler, call);
}

function expectError(response: { statusCode: number; body: unknown }, status: number, code: string, message: string) {
  expect({ statusCode: response.statusCode, body: response.body }).toEqual({
    statusCode: status,
    body: { Code: code, Message: message },
  });
}

function startArn(name: string): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:${name}-start`;
}

function operationBody(name: string, fields: Record<string, unknown> = {}) {
  return {
    Name: name,
    Type: 'Sync',
    Configuration: { MediaType: 'Video', Enabled: true },
    StartLambdaArn: startArn(name),
    ...fields,
  };
}

async function createOperation(name: string, fields: Record<string, unknown> = {}): Promise<Operation> {
  const response = await api({ resource: '/workflow/operation', method: 'POST', body: operationBody(name, fields) });
  expect(response.statusCode).toBe(200);
  return response.body as Operation;
}

async function createStage(name: string, operations: string[]): Promise<Stage> {
  const response = await api({
    resource: '/workflow/stage',
    method: 'POST',
    body: { Name: name, Operations: operations },
  });
  expect(response.statusCode).toBe(200);
  return response.body as Stage;
}

/** A workflow running the stages one after the other. */
function workflowBody(name: string, stages: string[]) {
  const links: Record<string, unknown> = {};
  stages.forEach((stage, index) => {
    links[stage] = index === stages.length - 1 ? { End: true } : { Next: stages[index + 1] };
  });
  return { Name: name, StartAt: stages[0], Stages: links };
}

async function createWorkflow(name: string, stages: string[]): Promise<Workflow> {
  const response = await api({ resource: '/workflow', method: 'POST', body: workflowBody(name, stages) });
  expect(response.statusCode).toBe(200);
  return response.body as Workflow;
}

/** `<prefix>Workflow`: one stage `<prefix>Stage` running one Video operation `<prefix>Op`. */
async function defineWorkflow(prefix: string) {
  const names = { operation: `${prefix}Op`, stage: `${prefix}Stage`, workflow: `${prefix}Workflow` };
  await createOperation(names.operation);
  await createStage(names.stage, [names.operation]);
  await createWorkflow(names.workflow, [names.stage]);
  return names;
}

const VIDEO_INPUT = { Media: { Video: { S3Bucket: MEDIA_BUCKET, S3Key: 'upload/movie.mp4' } } };

function postExecution(body: unknown) {
  return api({ resource: '/workflow/execution', method: 'POST', body });
}

async function startExecution(workflow: string, input: unknown = VIDEO_INPUT): Promise<WorkflowExecution> {
  const response = await postExecution({ Name: workflow, Input: input });
  expect(response.statusCode).toBe(200);
  return response.body as WorkflowExecution;
}

/** Moves an execution along as the engine would, by writing its record directly. */
async function setExecution(id: string, fields: Record<string, string>): Promise<void> {
  const names = Object.keys(fields);
  await documents.send(
    new UpdateCommand({
      TableName: WORKFLOW_ENV.WORKFLOW_EXECUTION_TABLE_NAME,
      Key: { Id: id },
      UpdateExpression: `SET ${names.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, index) => [`:v${index}`, fields[name]])),
    }),
  );
}

async function dataplaneAssetCount(): Promise<number> {
  const { Count } = await bed.engines.dynamo.send(new ScanCommand({ TableName: DATAPLANE_ENV.DATAPLANE_TABLE_NAME }));
  return Count ?? 0;
}

describe('GET / and GET /version', () => {
  it('answers GET / with hello world', async () => {
    // Act
    const response = await api({ resource: '/' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe('{"hello":"world"}');
  });

  it('reports API version 3.0.0 and the framework version, with chalice CORS headers', async () => {
    // Act
    const response = await api({ resource: '/version' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe('{"ApiVersion":"3.0.0","FrameworkVersion":"v5.1.8"}');
    expect(response.headers['Access-Control-Allow-Origin']).toBe('*');
  });

  it("refuses a Content-Type other than JSON with chalice's 415", async () => {
    // Act
    const response = await api({ resource: '/version', headers: { 'Content-Type': 'text/plain' } });

    // Assess
    expectError(response, 415, 'UnsupportedMediaType', 'Unsupported media type: text/plain');
  });

  it('answers a method the resource does not have with 405', async () => {
    // Act
    const response = await api({ resource: '/workflow', method: 'PATCH' });

    // Assess
    expectError(response, 405, 'MethodNotAllowedError', 'Method PATCH is not allowed on /workflow');
  });
});

describe('/system/configuration', () => {
  beforeEach(async () => {
    await clearTable(bed.engines.dynamo, WORKFLOW_ENV.SYSTEM_TABLE_NAME, 'Name');
  });

  it('reports the default MaxConcurrentWorkflows from the stack while none is stored', async () => {
    // Prepare: the system table is empty; DEFAULT_MAX_CONCURRENT_WORKFLOWS is 5

    // Act
    const response = await api({ resource: '/system/configuration' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([{ Name: 'MaxConcurrentWorkflows', Value: 5 }]);
  });

  it('stores MaxConcurrentWorkflows as a number and answers {}', async () => {
    // Act
    const response = await api({
      resource: '/system/configuration',
      method: 'POST',
      body: { Name: 'MaxConcurrentWorkflows', Value: 3 },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({});
    const { Item } = await bed.engines.dynamo.send(
      new GetItemCommand({ TableName: WORKFLOW_ENV.SYSTEM_TABLE_NAME, Key: { Name: { S: 'MaxConcurrentWorkflows' } } }),
    );
    expect(Item).toEqual({ Name: { S: 'MaxConcurrentWorkflows' }, Value: { N: '3' } });
    const listed = await api({ resource: '/system/configuration' });
    expect(listed.body).toEqual([{ Name: 'MaxConcurrentWorkflows', Value: 3 }]);
  });

  it('accepts exactly 1, despite the message saying "> 1"', async () => {
    // Act
    const response = await api({
      resource: '/system/configuration',
      method: 'POST',
      body: { Name: 'MaxConcurrentWorkflows', Value: 1 },
    });

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['zero', 0],
    ['a fraction', 2.5],
    ['a string', '4'],
    ['no value', undefined],
  ])("refuses %s for MaxConcurrentWorkflows with the original's message as a 400", async (_case, value) => {
    // Act
    const response = await api({
      resource: '/system/configuration',
      method: 'POST',
      body: { Name: 'MaxConcurrentWorkflows', Value: value },
    });

    // Assess
    expectError(response, 400, 'BadRequestError', 'MaxConcurrentWorkflows must be a value > 1');
  });

  it.each([
    ['above the documented maximum', '4294967296', 'MaxConcurrentWorkflows must be at most 1000'],
    ['beyond 2^53', '1e308', 'Request body holds a number beyond ±2^53 at $.Value'],
  ])('refuses a MaxConcurrentWorkflows %s with a 400, storing nothing', async (_case, value, message) => {
    // Prepare
    const before = (await api({ resource: '/system/configuration' })).body;

    // Act
    const response = await api({
      resource: '/system/configuration',
      method: 'POST',
      body: `{"Name":"MaxConcurrentWorkflows","Value":${value}}`,
    });

    // Assess
    expectError(response, 400, 'BadRequestError', message);
    expect((await api({ resource: '/system/configuration' })).body).toEqual(before);
  });

  it('stores any other setting as posted, extra keys included', async () => {
    // Prepare
    const item = { Name: 'ReportingLevel', Value: 'verbose', Owner: 'ops' };

    // Act
    const response = await api({ resource: '/system/configuration', method: 'POST', body: item });

    // Assess
    expect(response.statusCode).toBe(200);
    const listed = await api({ resource: '/system/configuration' });
    expect(listed.body).toEqual(expect.arrayContaining([item, { Name: 'MaxConcurrentWorkflows', Value: 5 }]));
  });

  it('names a missing Name with a 400', async () => {
    // Act
    const response = await api({ resource: '/system/configuration', method: 'POST', body: { Value: 2 } });

    // Assess
    expectError(response, 400, 'BadRequestError', "Key 'Name' is required in 'System Configuration' input");
  });

  it('refuses an empty Name, which DynamoDB cannot store, with a 400', async () => {
    // Act
    const response = await api({ resource: '/system/configuration', method: 'POST', body: { Name: '', Value: 2 } });

    // Assess
    expectError(response, 400, 'BadRequestError', "'Name' must be a string of 1 to 2048 bytes");
  });

  it('answers malformed JSON with a 400', async () => {
    // Act
    const response = await api({ resource: '/system/configuration', method: 'POST', body: '{"Name": ' });

    // Assess
    expectError(response, 400, 'BadRequestError', 'Request body is not valid JSON');
  });
});

describe('/workflow/operation', () => {
  it('stores the operation with its generated ASL and creates its singleton stage', async () => {
    // Prepare
    const body = operationBody('Mediainfo', { Description: 'technical metadata' });

    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(200);
    const operation = response.body as Operation & { Description: string };
    expect(operation).toEqual({
      ...body,
      StateMachineAsl: operationAsl(body as Parameters<typeof operationAsl>[0], ENGINE),
      StageName: '_Mediainfo',
      Version: 'v0',
      Id: expect.stringMatching(UUID),
      Created: expect.stringMatching(TIMESTAMP),
      ResourceType: 'OPERATION',
      ApiVersion: '3.0.0',
    });
    expect((await api({ resource: '/workflow/operation/{name}', pathParameters: { name: 'Mediainfo' } })).body).toEqual(
      operation,
    );
    const stage = await api({ resource: '/workflow/stage/{name}', pathParameters: { name: '_Mediainfo' } });
    expect(stage.body).toMatchObject({
      Name: '_Mediainfo',
      Operations: ['Mediainfo'],
      Configuration: { Mediainfo: { MediaType: 'Video', Enabled: true } },
      Definition: stageDefinition('_Mediainfo', [operation.StateMachineAsl], ENGINE),
      ResourceType: 'STAGE',
    });
  });

  it('stores an async operation with its monitor Lambda', async () => {
    // Prepare
    const body = operationBody('Transcribe', { Type: 'Async', MonitorLambdaArn: 'arn:aws:lambda:::function:monitor' });

    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(200);
    const asl = JSON.parse((response.body as Operation).StateMachineAsl);
    expect(asl.States['Get Transcribe Status (%%STAGE_NAME%%)'].Resource).toBe('arn:aws:lambda:::function:monitor');
  });

  it.each([
    ['a missing Type', { Type: undefined }, "'Type' is a required property"],
    ['an unknown Type', { Type: 'Batch' }, "'Batch' is not one of ['Sync', 'Async']"],
    ['a string Enabled', { Configuration: { MediaType: 'Video', Enabled: 'yes' } }, "'yes' is not of type 'boolean'"],
    ['a missing MediaType', { Configuration: { Enabled: true } }, "'MediaType' is a required property"],
    ['a numeric StartLambdaArn', { StartLambdaArn: 7 }, "7 is not of type 'string'"],
    [
      'an Async type without MonitorLambdaArn',
      { Type: 'Async' },
      "Key 'MonitorLambdaArn' is required in 'Operation monitoring lambda function ARN' input",
    ],
  ])('refuses %s with a 400', async (_case, fields, message) => {
    // Prepare
    const body = JSON.parse(JSON.stringify(operationBody('Refused', fields)));

    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body });

    // Assess
    expectError(response, 400, 'BadRequestError', message);
  });

  it.each([
    ['an empty name', ''],
    ['a name whose singleton stage name would exceed a DynamoDB key', 'o'.repeat(2048)],
  ])('refuses %s with a 400', async (_case, name) => {
    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body: operationBody(name) });

    // Assess
    expectError(response, 400, 'BadRequestError', "'Name' must be a string of 1 to 2048 bytes");
  });

  it('refuses a taken name with a 409', async () => {
    // Prepare
    await createOperation('Taken');

    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body: operationBody('Taken') });

    // Assess
    expectError(response, 409, 'ConflictError', "A operation with the name 'Taken' already exists");
  });

  it('refuses an operation whose singleton stage name is taken with a 409, storing nothing', async () => {
    // Prepare
    await createOperation('Other');
    await createStage('_Shadowed', ['Other']);

    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body: operationBody('Shadowed') });

    // Assess
    expectError(response, 409, 'ConflictError', "A stage with the name '_Shadowed' already exists");
    const lookup = await api({ resource: '/workflow/operation/{name}', pathParameters: { name: 'Shadowed' } });
    expect(lookup.statusCode).toBe(404);
  });

  it('refuses a body that is not JSON with a 400', async () => {
    // Act
    const response = await api({ resource: '/workflow/operation', method: 'POST', body: 'Name=x' });

    // Assess
    expectError(response, 400, 'BadRequestError', 'Request body is not valid JSON');
  });

  it('lists every operation', async () => {
    // Prepare
    await createOperation('Listed');

    // Act
    const response = await api({ resource: '/workflow/operation' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect((response.body as Operation[]).map((operation) => operation.Name)).toContain('Listed');
  });

  it('answers an unknown operation with a 404', async () => {
    // Act
    const response = await api({ resource: '/workflow/operation/{name}', pathParameters: { name: 'Nowhere' } });

    // Assess
    expectError(response, 404, 'NotFoundError', "Exception: operation 'Nowhere' not found");
  });

  it('updates an operation and its singleton stage, and flags the workflows that embed the old one', async () => {
    // Prepare
    const before = await createOperation('PutOperation');
    await createWorkflow('UsesPutOperation', ['_PutOperation']);

    // Act
    const response = await api({
      resource: '/workflow/operation',
      method: 'PUT',
      body: operationBody('PutOperation', { Configuration: { MediaType: 'Audio', Enabled: false, Language: 'de' } }),
    });
    const stage = await api({ resource: '/workflow/stage/{name}', pathParameters: { name: '_PutOperation' } });
    const workflow = await api({ resource: '/workflow/{name}', pathParameters: { name: 'UsesPutOperation' } });
    const unknown = await api({ resource: '/workflow/operation', method: 'PUT', body: operationBody('NeverCreated') });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ Name: 'PutOperation', Id: before.Id, Version: 'v1' });
    expect((stage.body as Stage).Configuration.PutOperation).toMatchObject({ MediaType: 'Audio', Language: 'de' });
    expect((workflow.body as Workflow).StaleOperations).toEqual(['PutOperation']);
    expectError(unknown, 404, 'NotFoundError', "Exception: operation 'NeverCreated' not found");
  });

  it('answers deleting an unknown operation with a 200 warning', async () => {
    // Act
    const response = await api({
      resource: '/workflow/operation/{name}',
      method: 'DELETE',
      pathParameters: { name: 'Ghost' },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ Message: "Warning: operation 'Ghost' not found" });
  });

  it('refuses to delete an operation a workflow uses unless forced', async () => {
    // Prepare
    const { operation } = await defineWorkflow('Guarded');

    // Act
    const response = await api({
      resource: '/workflow/operation/{name}',
      method: 'DELETE',
      pathParameters: { name: operation },
      query: { force: 'yes' },
    });

    // Assess
    const indent = '\n' + ' '.repeat(20);
    expectError(
      response,
      400,
      'BadRequestError',
      `Dependent workflows were found for operation GuardedOp.${indent}Either delete the dependent workflows or set ` +
        `the query parameter${indent}force=true to delete the stage anyhow.  Undeleted dependent workflows${indent}` +
        `will be kept but will contain the deleted definition of the stage.  To${indent}find the workflow that ` +
        `depend on a stage use the following endpoint:${indent}GET /workflow/list/operation/`,
    );
  });

  it('deletes a used operation when forced, with its singleton stage, and flags the workflows stale', async () => {
    // Prepare
    const operation = await createOperation('Doomed');
    await createWorkflow('UsesDoomed', ['_Doomed']);

    // Act
    const response = await api({
      resource: '/workflow/operation/{name}',
      method: 'DELETE',
      pathParameters: { name: 'Doomed' },
      query: { force: 'true' },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual(operation);
    expect((await api({ resource: '/workflow/stage/{name}', pathParameters: { name: '_Doomed' } })).statusCode).toBe(
      404,
    );
    const workflow = await api({ resource: '/workflow/{name}', pathParameters: { name: 'UsesDoomed' } });
    expect(workflow.body).toMatchObject({ StaleOperations: ['Doomed'], StaleStages: ['_Doomed'] });
  });
});

describe('/workflow/stage', () => {
  it('stores the stage with each operation configuration and the stage ASL', async () => {
    // Prepare
    const first = await createOperation('StageOpA');
    const second = await createOperation('StageOpB', { Configuration: { MediaType: 'Audio', Enabled: false } });

    // Act
    const response = await api({
      resource: '/workflow/stage',
      method: 'POST',
      body: { Name: 'Analysis', Operations: ['StageOpA', 'StageOpB'] },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      Name: 'Analysis',
      Operations: ['StageOpA', 'StageOpB'],
      Configuration: {
        StageOpA: { MediaType: 'Video', Enabled: true },
        StageOpB: { MediaType: 'Audio', Enabled: false },
      },
      Definition: stageDefinition('Analysis', [first.StateMachineAsl, second.StateMachineAsl], ENGINE),
      Version: 'v0',
      Id: expect.stringMatching(UUID),
      Created: expect.stringMatching(TIMESTAMP),
      ResourceType: 'STAGE',
      ApiVersion: '3.0.0',
    });
  });

  it('refuses an unknown operation with a 400', async () => {
    // Act
    const response = await api({
      resource: '/workflow/stage',
      method: 'POST',
      body: { Name: 'Orphan', Operations: ['Unknown'] },
    });

    // Assess
    expectError(response, 400, 'BadRequestError', "Exception: operation 'Unknown' not found");
  });

  it.each([
    ['missing Operations', { Name: 'S' }, "'Operations' is a required property"],
    ['a non-string operation', { Name: 'S', Operations: [1] }, "1 is not of type 'string'"],
    ['a numeric Name', { Name: 5, Operations: [] }, "5 is not of type 'string'"],
  ])('refuses %s with a 400', async (_case, body, message) => {
    // Act
    const response = await api({ resource: '/workflow/stage', method: 'POST', body });

    // Assess
    expectError(response, 400, 'BadRequestError', message);
  });

  it('refuses a taken name with a 409', async () => {
    // Prepare
    await createOperation('DupStageOp');
    await createStage('DupStage', ['DupStageOp']);

    // Act
    const response = await api({
      resource: '/workflow/stage',
      method: 'POST',
      body: { Name: 'DupStage', Operations: ['DupStageOp'] },
    });

    // Assess
    expectError(response, 409, 'ConflictError', "A stage with the name 'DupStage' already exists");
  });

  it('lists stages, finds one by name and answers an unknown one with a 404', async () => {
    // Prepare
    await createOperation('ListedStageOp');

    // Act
    const list = await api({ resource: '/workflow/stage' });
    const missing = await api({ resource: '/workflow/stage/{name}', pathParameters: { name: 'Nope' } });

    // Assess
    expect((list.body as Stage[]).map((stage) => stage.Name)).toContain('_ListedStageOp');
    expectError(missing, 404, 'NotFoundError', "Exception: stage 'Nope' not found");
  });

  it("updates a stage's operations, and flags the workflows that embed the old stage", async () => {
    // Prepare
    await createOperation('PutStageFirst');
    await createOperation('PutStageSecond');
    const before = await createStage('PutStage', ['PutStageFirst']);
    await createWorkflow('UsesPutStage', ['PutStage']);

    // Act
    const response = await api({
      resource: '/workflow/stage',
      method: 'PUT',
      body: { Name: 'PutStage', Operations: ['PutStageFirst', 'PutStageSecond'] },
    });
    const workflow = await api({ resource: '/workflow/{name}', pathParameters: { name: 'UsesPutStage' } });
    const invalid = await api({ resource: '/workflow/stage', method: 'PUT', body: { Name: 'PutStage' } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      Name: 'PutStage',
      Id: before.Id,
      Operations: ['PutStageFirst', 'PutStageSecond'],
    });
    expect(Object.keys((response.body as Stage).Configuration)).toEqual(['PutStageFirst', 'PutStageSecond']);
    expect((workflow.body as Workflow).StaleStages).toEqual(['PutStage']);
    expect(invalid.statusCode).toBe(400);
  });

  it('answers deleting an unknown stage with a 200 warning', async () => {
    // Act
    const response = await api({ resource: '/workflow/stage/{name}', method: 'DELETE', pathParameters: { name: 'X' } });

    // Assess
    expect(response.body).toEqual({ Message: "Warning: stage 'X' not found" });
  });

  it('refuses to delete a used stage unless forced, then flags the workflows stale', async () => {
    // Prepare: a stage name with a dot and spaces, which the original could not even look up
    await createOperation('DottedOp');
    const stage = await createStage('Stage. One', ['DottedOp']);
    await createWorkflow('UsesDotted', ['Stage. One']);
    const call = { resource: '/workflow/stage/{name}', method: 'DELETE', pathParameters: { name: 'Stage. One' } };

    // Act
    const refused = await api(call);
    const forced = await api({ ...call, query: { force: 'true' } });

    // Assess
    expect(refused.statusCode).toBe(400);
    expect((refused.body as { Message: string }).Message).toMatch(
      /^Dependent workflows were found for stage Stage\. One\./,
    );
    expect((refused.body as { Message: string }).Message).toMatch(/GET \/workflow\/list\/stage\/$/);
    expect(forced.statusCode).toBe(200);
    expect(forced.body).toEqual(stage);
    const workflow = await api({ resource: '/workflow/{name}', pathParameters: { name: 'UsesDotted' } });
    expect(workflow.body).toMatchObject({ StaleStages: ['Stage. One'], StaleOperations: [] });
  });
});

describe('/workflow', () => {
  it('stores the workflow with embedded stages, pointing at the shared runner state machine', async () => {
    // Prepare
    await createOperation('WfOpA');
    await createOperation('WfOpB');
    const first = await createStage('WfFirst', ['WfOpA']);
    const second = await createStage('WfSecond', ['WfOpB', 'WfOpA']);

    // Act
    const response = await api({
      resource: '/workflow',
      method: 'POST',
      body: { ...workflowBody('TwoStages', ['WfFirst', 'WfSecond']), Description: 'demo' },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      Name: 'TwoStages',
      StartAt: 'WfFirst',
      Description: 'demo',
      Stages: { WfFirst: { ...first, Next: 'WfSecond' }, WfSecond: { ...second, End: true } },
      Trigger: 'api',
      Operations: ['WfOpA', 'WfOpB', 'WfOpA'],
      StaleOperations: [],
      StaleStages: [],
      Version: 'v0',
      Id: expect.stringMatching(UUID),
      Created: expect.stringMatching(TIMESTAMP),
      Revisions: '1',
      ResourceType: 'WORKFLOW',
      ApiVersion: '3.0.0',
      StateMachineArn: WORKFLOW_ENV.STATE_MACHINE_ARN,
    });
  });

  it.each([
    ['a missing StartAt', { Name: 'W', Stages: {} }, "Key 'StartAt' is required in 'Workflow Definition' input"],
    [
      'a stage with neither End nor Next',
      { Name: 'W', StartAt: 'A', Stages: { A: {} } },
      "Stage A must have either an 'End' or and 'Next' key",
    ],
    [
      'two end stages',
      { Name: 'W', StartAt: 'A', Stages: { A: { End: true }, B: { End: true } } },
      "Workflow W must have exactly 1 'End' key within its stages",
    ],
    [
      'an unknown StartAt',
      { Name: 'W', StartAt: 'Z', Stages: { A: { End: true } } },
      "StartAt stage 'Z' is not one of the workflow's Stages",
    ],
    [
      'a cycle',
      { Name: 'W', StartAt: 'A', Stages: { A: { Next: 'B' }, B: { Next: 'A' }, C: { End: true } } },
      'Stage A is reached twice: the stages form a cycle',
    ],
    [
      'an unknown stage',
      { Name: 'W', StartAt: 'Ghost', Stages: { Ghost: { End: true } } },
      "Exception: stage 'Ghost' not found",
    ],
  ])('refuses %s with a 400', async (_case, body, message) => {
    // Act
    const response = await api({ resource: '/workflow', method: 'POST', body });

    // Assess
    expectError(response, 400, 'BadRequestError', message);
  });

  it('refuses a taken name with a 409', async () => {
    // Prepare
    const { stage } = await defineWorkflow('DupWf');

    // Act
    const response = await api({ resource: '/workflow', method: 'POST', body: workflowBody('DupWfWorkflow', [stage]) });

    // Assess
    expectError(response, 409, 'ConflictError', 'Workflow with Name DupWfWorkflow already exists');
  });

  it('lists workflows, finds one, its configuration, and those using an operation or a stage', async () => {
    // Prepare
    const names = await defineWorkflow('Lookup');

    // Act
    const list = await api({ resource: '/workflow' });
    const one = await api({ resource: '/workflow/{name}', pathParameters: { name: names.workflow } });
    const configuration = await api({
      resource: '/workflow/configuration/{name}',
      pathParameters: { name: names.workflow },
    });
    const byOperation = await api({
      resource: '/workflow/list/operation/{operator_name}',
      pathParameters: { operator_name: names.operation },
    });
    const byStage = await api({
      resource: '/workflow/list/stage/{stage_name}',
      pathParameters: { stage_name: names.stage },
    });

    // Assess
    expect((list.body as Workflow[]).map((workflow) => workflow.Name)).toContain(names.workflow);
    expect(one.body).toMatchObject({ Name: names.workflow, StartAt: names.stage });
    expect(configuration.body).toEqual({ [names.stage]: { [names.operation]: { MediaType: 'Video', Enabled: true } } });
    expect(byOperation.body).toEqual([one.body]);
    expect(byStage.body).toEqual([one.body]);
  });

  it('answers an unknown workflow and its configuration with a 404', async () => {
    // Act
    const one = await api({ resource: '/workflow/{name}', pathParameters: { name: 'Nope' } });
    const configuration = await api({ resource: '/workflow/configuration/{name}', pathParameters: { name: 'Nope' } });

    // Assess
    expectError(one, 404, 'NotFoundError', "Exception: workflow 'Nope' not found");
    expectError(configuration, 404, 'NotFoundError', "Exception: workflow 'Nope' not found");
  });

  it('answers the dependency listings with [] when nothing matches', async () => {
    // Act
    const byOperation = await api({
      resource: '/workflow/list/operation/{operator_name}',
      pathParameters: { operator_name: 'NoSuchOp' },
    });

    // Assess
    expect(byOperation.body).toEqual([]);
  });

  it('rebuilds a workflow on PUT, counting revisions and clearing stale marks', async () => {
    // Prepare
    const names = await defineWorkflow('Updated');
    await createOperation('UpdatedExtra');
    await setStale(names.workflow);

    // Act
    const first = await api({
      resource: '/workflow',
      method: 'PUT',
      body: workflowBody(names.workflow, [names.stage, '_UpdatedExtra']),
    });
    const second = await api({ resource: '/workflow', method: 'PUT', body: { Name: names.workflow } });

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatchObject({
      Operations: ['UpdatedOp', 'UpdatedExtra'],
      StaleOperations: [],
      StaleStages: [],
      Revisions: '2',
      Version: 'v2',
    });
    expect(Object.keys((first.body as Workflow).Stages)).toEqual([names.stage, '_UpdatedExtra']);
    expect(second.body).toMatchObject({ Revisions: '3', Version: 'v3' });
    const stored = await api({ resource: '/workflow/{name}', pathParameters: { name: names.workflow } });
    expect(stored.body).toEqual(second.body);
  });

  it('answers PUT of an unknown workflow with a 404 and PUT without Name with a 400', async () => {
    // Act
    const unknown = await api({ resource: '/workflow', method: 'PUT', body: { Name: 'Nope' } });
    const nameless = await api({ resource: '/workflow', method: 'PUT', body: { StartAt: 'A' } });

    // Assess
    expectError(unknown, 404, 'NotFoundError', "Exception: workflow 'Nope' not found");
    expectError(nameless, 400, 'BadRequestError', "Key 'Name' is required in 'Workflow Definition' input");
  });

  it('deletes a workflow and answers the deleted record; an unknown one gets a 200 message', async () => {
    // Prepare
    const names = await defineWorkflow('Removed');
    const stored = await api({ resource: '/workflow/{name}', pathParameters: { name: names.workflow } });

    // Act
    const deleted = await api({
      resource: '/workflow/{name}',
      method: 'DELETE',
      pathParameters: { name: names.workflow },
    });
    const again = await api({
      resource: '/workflow/{name}',
      method: 'DELETE',
      pathParameters: { name: names.workflow },
    });

    // Assess
    expect(deleted.body).toEqual(stored.body);
    expect(again.statusCode).toBe(200);
    expect(again.body).toEqual({ Message: "Workflow 'RemovedWorkflow' not found" });
  });
});

async function setStale(workflowName: string): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: WORKFLOW_ENV.WORKFLOW_TABLE_NAME,
      Key: { Name: workflowName },
      UpdateExpression: 'SET StaleOperations = :ops, StaleStages = :stages',
      ExpressionAttributeValues: { ':ops': ['Gone'], ':stages': ['_Gone'] },
    }),
  );
}

describe('POST /workflow/execution', () => {
  it('creates a data plane asset for the media, stores the execution Queued and asks the scheduler to run', async () => {
    // Prepare
    const names = await defineWorkflow('Run');

    // Act
    const response = await postExecution({ Name: names.workflow, Input: VIDEO_INPUT });

    // Assess
    expect(response.statusCode).toBe(200);
    const execution = response.body as WorkflowExecution;
    const media = { Video: { S3Bucket: MEDIA_BUCKET, S3Key: 'upload/movie.mp4' } };
    expect(execution).toMatchObject({
      Id: expect.stringMatching(UUID),
      Trigger: 'api',
      CurrentStage: names.stage,
      Globals: { Media: media, MetaData: {} },
      Configuration: {},
      AssetId: expect.stringMatching(UUID),
      Version: 'v0',
      Created: expect.stringMatching(TIMESTAMP),
      ResourceType: 'WORKFLOW_EXECUTION',
      ApiVersion: '3.0.0',
      Status: 'Queued',
    });
    expect(execution.Workflow.Stages[names.stage]).toMatchObject({
      Status: 'Started',
      Input: { Media: media, MetaData: {} },
      WorkflowExecutionId: execution.Id,
      AssetId: execution.AssetId,
    });
    const asset = await callApi(bed.dataplane, {
      resource: '/metadata/{asset_id}',
      pathParameters: { asset_id: execution.AssetId },
    });
    expect(asset.body).toMatchObject({ results: { MediaType: 'Video', S3Bucket: MEDIA_BUCKET } });
    expect(bed.invoker.scheduleRequests()).toContainEqual({
      action: 'schedule',
      reason: 'execution-created',
      executionId: execution.Id,
      requestedAt: expect.any(Number),
    });
    const stored = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: execution.Id } });
    expect(stored.body).toEqual(execution);
  });

  it("runs an existing asset with the data plane's media once no other execution is active on it", async () => {
    // Prepare
    const names = await defineWorkflow('Rerun');
    const first = await startExecution(names.workflow);
    await setExecution(first.Id, { Status: 'Complete' });

    // Act
    const response = await postExecution({ Name: names.workflow, Input: { AssetId: first.AssetId } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ AssetId: first.AssetId, Globals: first.Globals, Status: 'Queued' });
  });

  it('refuses an asset with an active execution with a 409', async () => {
    // Prepare
    const names = await defineWorkflow('Busy');
    const active = await startExecution(names.workflow);

    // Act
    const response = await postExecution({ Name: names.workflow, Input: { AssetId: active.AssetId } });

    // Assess
    expectError(
      response,
      409,
      'ConflictError',
      `There is currently another workflow execution(Id = ${active.Id}) active on AssetId ${active.AssetId}.`,
    );
  });

  it('refuses an asset the data plane does not know with a 400', async () => {
    // Prepare
    const names = await defineWorkflow('NoAsset');

    // Act
    const response = await postExecution({ Name: names.workflow, Input: { AssetId: 'missing-asset' } });

    // Assess
    expectError(response, 400, 'BadRequestError', 'Unable to retrieve asset: missing-asset');
  });

  it('refuses an unknown workflow with a 400, before any asset is created', async () => {
    // Prepare
    const assetsBefore = await dataplaneAssetCount();

    // Act
    const response = await postExecution({ Name: 'NoSuchWorkflow', Input: VIDEO_INPUT });

    // Assess
    expectError(response, 400, 'BadRequestError', "Exception: workflow name 'NoSuchWorkflow' not found");
    expect(await dataplaneAssetCount()).toBe(assetsBefore);
  });

  it.each([
    [
      'stage',
      { Elsewhere: { OverrideOp: { Enabled: false } } },
      "Exception: Invalid stage found in Configuration 'Elsewhere'",
    ],
    ['operation', { OverrideStage: { Other: { Enabled: false } } }, "Exception: Invalid operation 'Other'"],
  ])(
    'refuses an override naming an unknown %s with a 400, before any asset is created',
    async (_case, configuration, message) => {
      // Prepare
      const names = await defineWorkflow(`Override${_case}`);
      const body = {
        Name: names.workflow,
        Input: VIDEO_INPUT,
        Configuration: JSON.parse(
          JSON.stringify(configuration).replace('OverrideOp', names.operation).replace('OverrideStage', names.stage),
        ),
      };
      const assetsBefore = await dataplaneAssetCount();

      // Act
      const response = await postExecution(body);

      // Assess
      expectError(response, 400, 'BadRequestError', message);
      expect(await dataplaneAssetCount()).toBe(assetsBefore);
    },
  );

  it('applies configuration overrides key by key and keeps them verbatim', async () => {
    // Prepare
    const names = await defineWorkflow('Tuned');
    const overrides = { [names.stage]: { [names.operation]: { Enabled: false, Language: 'de' } } };

    // Act
    const response = await postExecution({ Name: names.workflow, Input: VIDEO_INPUT, Configuration: overrides });

    // Assess
    expect(response.statusCode).toBe(200);
    const execution = response.body as WorkflowExecution;
    expect(execution.Configuration).toEqual(overrides);
    expect(execution.Workflow.Stages[names.stage].Configuration[names.operation]).toEqual({
      MediaType: 'Video',
      Enabled: false,
      Language: 'de',
    });
  });

  it.each([
    ['no Input', { Name: 'W' }, 'Input must contain either "AssetId" or "Media"'],
    ['no Name', { Input: VIDEO_INPUT }, "Key 'Name' is required in 'Workflow Execution' input"],
    [
      'an unsupported media type',
      { Name: 'W', Input: { Media: { Frame: { S3Bucket: 'b', S3Key: 'k' } } } },
      "Unsupported media type 'Frame' in Input.Media; expected one of Video, Audio, Image, Text",
    ],
    [
      'a media object without S3Key',
      { Name: 'W', Input: { Media: { Video: { S3Bucket: 'b' } } } },
      "Key 'S3Key' is required in 'Input.Media.Video' input",
    ],
    ['a body that is not an object', [1], 'Request body must be a JSON object'],
  ])('refuses %s with a 400', async (_case, body, message) => {
    // Act
    const response = await postExecution(body);

    // Assess
    expectError(response, 400, 'BadRequestError', message);
  });

  it("refuses media the data plane refuses, with the data plane's reason", async () => {
    // Prepare
    const names = await defineWorkflow('BadMedia');

    // Act
    const response = await postExecution({
      Name: names.workflow,
      Input: { Media: { Video: { S3Bucket: 'not a bucket!', S3Key: 'movie.mp4' } } },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { Message: string }).Message).toMatch(/^Error creating asset '.+'$/);
  });

  it('still answers 200 with a Queued execution when the scheduler cannot be reached', async () => {
    // Prepare
    const names = await defineWorkflow('Unscheduled');
    bed.invoker.failAsync = true;
    const logs = captureLogs();

    // Act
    const response = await postExecution({ Name: names.workflow, Input: VIDEO_INPUT });
    bed.invoker.failAsync = false;
    logs.restore();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Could not ask the workflow scheduler to run',
        reason: 'execution-created',
        executionId: (response.body as WorkflowExecution).Id,
        error: expect.objectContaining({ name: expect.any(String) }),
      }),
    ]);
    const stored = await api({
      resource: '/workflow/execution/{id}',
      pathParameters: { id: (response.body as WorkflowExecution).Id },
    });
    expect(stored.body).toMatchObject({ Status: 'Queued' });
  });
});

describe('reading workflow executions', () => {
  it('lists executions and answers an unknown id with a 404', async () => {
    // Prepare
    const names = await defineWorkflow('Read');
    const execution = await startExecution(names.workflow);

    // Act
    const list = await api({ resource: '/workflow/execution' });
    const missing = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: 'no-such-id' } });

    // Assess
    expect((list.body as WorkflowExecution[]).map((item) => item.Id)).toContain(execution.Id);
    expectError(missing, 404, 'NotFoundError', "Exception: workflow execution 'no-such-id' not found");
  });

  it('lists executions by status as summaries without Created', async () => {
    // Prepare
    const names = await defineWorkflow('ByStatus');
    const execution = await startExecution(names.workflow);
    await setExecution(execution.Id, { Status: 'Waiting', StateMachineExecutionArn: 'arn:sm:exec' });

    // Act
    const response = await api({
      resource: '/workflow/execution/status/{status}',
      pathParameters: { status: 'Waiting' },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContainEqual({
      Id: execution.Id,
      AssetId: execution.AssetId,
      CurrentStage: names.stage,
      StateMachineExecutionArn: 'arn:sm:exec',
      Status: 'Waiting',
      Workflow: { Name: names.workflow },
    });
  });

  it('answers a status nobody has with []', async () => {
    // Act
    const response = await api({ resource: '/workflow/execution/status/{status}', pathParameters: { status: 'Nope' } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([]);
  });

  it("lists an asset's executions newest first, with Created", async () => {
    // Prepare
    const names = await defineWorkflow('ByAsset');
    const older = await startExecution(names.workflow);
    await setExecution(older.Id, { Status: 'Complete', Created: '1600000000.5' });
    const newer = await startExecution(names.workflow, { AssetId: older.AssetId });

    // Act
    const response = await api({
      resource: '/workflow/execution/asset/{asset_id}',
      pathParameters: { asset_id: older.AssetId },
    });

    // Assess
    expect(response.body).toEqual([
      {
        Id: newer.Id,
        AssetId: older.AssetId,
        CurrentStage: names.stage,
        Created: newer.Created,
        Status: 'Queued',
        Workflow: { Name: names.workflow },
      },
      {
        Id: older.Id,
        AssetId: older.AssetId,
        CurrentStage: names.stage,
        Created: '1600000000.5',
        Status: 'Complete',
        Workflow: { Name: names.workflow },
      },
    ]);
  });
});

describe('DELETE /workflow/execution/{id}', () => {
  it('deletes a queued execution without stopping anything and lets the scheduler reclaim', async () => {
    // Prepare
    const names = await defineWorkflow('DeleteQueued');
    const execution = await startExecution(names.workflow);
    const stopsBefore = bed.stateMachines.stopped.length;

    // Act
    const response = await api({
      resource: '/workflow/execution/{id}',
      method: 'DELETE',
      pathParameters: { id: execution.Id },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual(execution);
    expect(bed.stateMachines.stopped.length).toBe(stopsBefore);
    expect(bed.invoker.scheduleRequests()).toContainEqual({
      action: 'schedule',
      reason: 'execution-deleted',
      executionId: execution.Id,
      requestedAt: expect.any(Number),
    });
    const lookup = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: execution.Id } });
    expect(lookup.statusCode).toBe(404);
  });

  it.each(['Started', 'Waiting', 'Resumed'])(
    'stops the state machine execution of a %s execution first',
    async (status) => {
      // Prepare
      const names = await defineWorkflow(`Delete${status}`);
      const execution = await startExecution(names.workflow);
      const arn = `arn:aws:states:us-east-1:123456789012:execution:mie-workflow-runner:${execution.Id}`;
      await setExecution(execution.Id, { Status: status, StateMachineExecutionArn: arn });

      // Act
      const response = await api({
        resource: '/workflow/execution/{id}',
        method: 'DELETE',
        pathParameters: { id: execution.Id },
      });

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatchObject({ Id: execution.Id, Status: status });
      expect(bed.stateMachines.stopped).toContainEqual({
        executionArn: arn,
        error: 'MediaInsights.ExecutionDeleted',
        cause: `Workflow execution ${execution.Id} was deleted through the workflow API`,
      });
    },
  );

  it('answers an unknown execution with a 404', async () => {
    // Act
    const response = await api({
      resource: '/workflow/execution/{id}',
      method: 'DELETE',
      pathParameters: { id: 'gone' },
    });

    // Assess
    expectError(response, 404, 'NotFoundError', "Exception: workflow execution 'gone' not found");
  });
});

describe('PUT /workflow/execution/{id} (resume)', () => {
  async function waitingExecution(prefix: string) {
    const names = await defineWorkflow(prefix);
    const execution = await startExecution(names.workflow);
    await setExecution(execution.Id, { Status: 'Waiting' });
    return { names, execution };
  }

  function resume(id: string, body: unknown) {
    return api({ resource: '/workflow/execution/{id}', method: 'PUT', pathParameters: { id }, body });
  }

  it('resumes an execution waiting at the given stage and asks the scheduler to run', async () => {
    // Prepare
    const { names, execution } = await waitingExecution('Resume');

    // Act
    const response = await resume(execution.Id, { WaitingStageName: names.stage });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ Id: execution.Id, Status: 'Resumed' });
    const stored = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: execution.Id } });
    expect(stored.body).toMatchObject({ Status: 'Resumed' });
    expect(bed.invoker.scheduleRequests()).toContainEqual({
      action: 'schedule',
      reason: 'execution-resumed',
      executionId: execution.Id,
      requestedAt: expect.any(Number),
    });
  });

  it('refuses another stage, a non-waiting execution and an unknown id with the same 400', async () => {
    // Prepare
    const { names, execution } = await waitingExecution('ResumeRefused');
    const running = await startExecution((await defineWorkflow('ResumeRunning')).workflow);
    const message = "Workflow status is not 'Waiting' or Current stage doesn't match the request";

    // Act
    const wrongStage = await resume(execution.Id, { WaitingStageName: 'Elsewhere' });
    const notWaiting = await resume(running.Id, { WaitingStageName: 'ResumeRunningStage' });
    const unknown = await resume('no-such-execution', { WaitingStageName: names.stage });

    // Assess
    expectError(wrongStage, 400, 'BadRequestError', message);
    expectError(notWaiting, 400, 'BadRequestError', message);
    expectError(unknown, 400, 'BadRequestError', message);
    const stored = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: execution.Id } });
    expect(stored.body).toMatchObject({ Status: 'Waiting' });
    const lookup = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: 'no-such-execution' } });
    expect(lookup.statusCode).toBe(404);
  });

  it('answers {} and changes nothing without WaitingStageName', async () => {
    // Prepare
    const { execution } = await waitingExecution('ResumeNoop');

    // Act
    const response = await resume(execution.Id, {});

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({});
    const stored = await api({ resource: '/workflow/execution/{id}', pathParameters: { id: execution.Id } });
    expect(stored.body).toMatchObject({ Status: 'Waiting' });
  });

  it('refuses a WaitingStageName that is not a string, and a missing body, with a 400', async () => {
    // Act
    const numeric = await resume('any', { WaitingStageName: 3 });
    const empty = await resume('any', undefined);

    // Assess
    expectError(numeric, 400, 'BadRequestError', "3 is not of type 'string'");
    expectError(empty, 400, 'BadRequestError', 'Request body must be a JSON object');
  });
});

describe('the deployed handler module', () => {
  it('wires the same API from the environment', async () => {
    // Prepare: the module reads its configuration and creates its SDK clients when loaded
    const { handler } = await import('../../../../lambdas/media-insights/workflow/api/handler');

    // Act
    const version = await callApi(handler, { resource: '/version' });
    const created = await callApi(handler, {
      resource: '/workflow/operation',
      method: 'POST',
      body: operationBody('Wired'),
    });
    const read = await api({ resource: '/workflow/operation/{name}', pathParameters: { name: 'Wired' } });

    // Assess
    expect(version.body).toEqual({ ApiVersion: '3.0.0', FrameworkVersion: 'v5.1.8' });
    expect(created.statusCode).toBe(200);
    expect(read.body).toEqual(created.body);
  });
});

describe('records beyond one DynamoDB item', () => {
  /** Incompressible text: stays over 400 KB however the record is stored. */
  const noise = (): string => randomBytes(450_000).toString('base64');

  it('stores a stage of 180 operations, whose generated ASL is larger than an item, and a workflow running it', async () => {
    // Prepare
    const names = Array.from({ length: 180 }, (_, index) => `Wide${index}`);
    for (const name of names) await createOperation(name);

    // Act
    const created = await createStage('WideStage', names);
    const read = await api({ resource: '/workflow/stage/{name}', pathParameters: { name: 'WideStage' } });
    const workflow = await createWorkflow('WideWorkflow', ['_Wide0', 'WideStage']);
    const readWorkflow = await api({ resource: '/workflow/{name}', pathParameters: { name: 'WideWorkflow' } });

    // Assess
    expect(Buffer.byteLength(created.Definition as string)).toBeGreaterThan(400 * 1024);
    expect(read.body).toEqual(created);
    expect(readWorkflow.body).toEqual(workflow);
    expect((readWorkflow.body as Workflow).Stages['WideStage'].Definition).toBe(created.Definition);
  });

  it('refuses an operation too large to store with a 400 naming it, storing neither it nor its stage', async () => {
    // Act
    const response = await api({
      resource: '/workflow/operation',
      method: 'POST',
      body: operationBody('Oversized', { Description: noise() }),
    });
    const operation = await api({ resource: '/workflow/operation/{name}', pathParameters: { name: 'Oversized' } });
    const stage = await api({ resource: '/workflow/stage/{name}', pathParameters: { name: '_Oversized' } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      Code: 'BadRequestError',
      Message: expect.stringContaining('Operation Oversized is too large to store'),
    });
    expect([operation.statusCode, stage.statusCode]).toEqual([404, 404]);
  });

  it('refuses an update too large to store with a 400 and keeps the stored operation', async () => {
    // Prepare
    const before = await createOperation('KeptOperation');

    // Act
    const response = await api({
      resource: '/workflow/operation',
      method: 'PUT',
      body: operationBody('KeptOperation', { Configuration: { MediaType: 'Video', Enabled: true, Notes: noise() } }),
    });
    const after = await api({ resource: '/workflow/operation/{name}', pathParameters: { name: 'KeptOperation' } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(after.body).toEqual(before);
  });

  it('refuses an execution whose overrides are too large to store with a 400, before any asset is created', async () => {
    // Prepare
    const names = await defineWorkflow('OversizedRun');
    const assetsBefore = await dataplaneAssetCount();

    // Act
    const response = await postExecution({
      Name: names.workflow,
      Input: VIDEO_INPUT,
      Configuration: { [names.stage]: { [names.operation]: { Notes: noise() } } },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      Code: 'BadRequestError',
      Message: expect.stringContaining(`Workflow execution of ${names.workflow} is too large to store`),
    });
    expect(await dataplaneAssetCount()).toBe(assetsBefore);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError } from '../../../../lambdas/shared/http/errors';
import { LambdaDataplaneAssets } from '../../../../lambdas/media-insights/workflow/adapters/lambda-dataplane';
import {
  FunctionInvocationError,
  LambdaFunctionInvoker,
  type FunctionInvoker,
} from '../../../../lambdas/media-insights/workflow/adapters/lambda-invoker';
import { LambdaWorkflowScheduler } from '../../../../lambdas/media-insights/workflow/adapters/lambda-scheduler';
import { SfnStateMachineExecutions } from '../../../../lambdas/media-insights/workflow/adapters/sfn-executions';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** An HTTP endpoint standing for the Lambda or Step Functions service: records requests, answers what it is told. */
class FakeService {
  readonly requests: Recorded[] = [];
  reply: Reply = { status: 200, body: '{}' };
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({
          method: request.method ?? '',
          path: decodeURIComponent(request.url ?? ''),
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(this.reply.status, this.reply.headers ?? {});
        response.end(this.reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:target';
const service = new FakeService();
let lambda: LambdaClient;
let sfn: SFNClient;

beforeAll(async () => {
  const endpoint = await service.start();
  lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  sfn = new SFNClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});

afterAll(async () => {
  lambda.destroy();
  sfn.destroy();
  await service.stop();
});

describe('LambdaFunctionInvoker', () => {
  it('invokes synchronously with the JSON payload and returns the parsed result', async () => {
    // Prepare
    service.reply = { status: 200, body: '{"statusCode":200,"body":"{}"}' };

    // Act
    const result = await new LambdaFunctionInvoker(lambda).invoke(FUNCTION, { hello: 'world' });

    // Assess
    expect(result).toEqual({ statusCode: 200, body: '{}' });
    const request = service.requests.at(-1)!;
    expect(request.path).toBe(`/2015-03-31/functions/${FUNCTION}/invocations`);
    expect(request.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(JSON.parse(request.body)).toEqual({ hello: 'world' });
  });

  it('throws when the function itself failed', async () => {
    // Prepare
    service.reply = {
      status: 200,
      headers: { 'X-Amz-Function-Error': 'Unhandled' },
      body: '{"errorType":"TypeError","errorMessage":"boom"}',
    };

    // Act
    const invocation = new LambdaFunctionInvoker(lambda).invoke(FUNCTION, {});

    // Assess
    await expect(invocation).rejects.toBeInstanceOf(FunctionInvocationError);
    await expect(new LambdaFunctionInvoker(lambda).invoke(FUNCTION, {})).rejects.toThrow(/Unhandled.*boom/);
  });

  it('queues an asynchronous invocation as an Event', async () => {
    // Prepare
    service.reply = { status: 202 };

    // Act
    await new LambdaWorkflowScheduler(new LambdaFunctionInvoker(lambda), FUNCTION).requestSchedule(
      'execution-created',
      'exec-1',
    );

    // Assess
    const request = service.requests.at(-1)!;
    expect(request.headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(request.body)).toEqual({
      action: 'schedule',
      reason: 'execution-created',
      executionId: 'exec-1',
      requestedAt: expect.any(Number),
    });
  });
});

describe('SfnStateMachineExecutions', () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:runner:exec-1';

  it('stops the execution with the given error and cause', async () => {
    // Prepare
    service.reply = { status: 200, body: '{"stopDate":1700000000}' };

    // Act
    await new SfnStateMachineExecutions(sfn).stop(arn, 'MediaInsights.ExecutionDeleted', 'deleted');

    // Assess
    const request = service.requests.at(-1)!;
    expect(request.headers['x-amz-target']).toBe('AWSStepFunctions.StopExecution');
    expect(JSON.parse(request.body)).toEqual({
      executionArn: arn,
      error: 'MediaInsights.ExecutionDeleted',
      cause: 'deleted',
    });
  });

  it('counts an execution that no longer exists as stopped', async () => {
    // Prepare
    service.reply = {
      status: 400,
      headers: { 'Content-Type': 'application/x-amz-json-1.0' },
      body: '{"__type":"com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist","message":"Execution Does Not Exist"}',
    };

    // Act
    const stop = new SfnStateMachineExecutions(sfn).stop(arn, 'E', 'c');

    // Assess
    await expect(stop).resolves.toBeUndefined();
  });

  it('passes any other failure on', async () => {
    // Prepare
    service.reply = {
      status: 400,
      headers: { 'Content-Type': 'application/x-amz-json-1.0' },
      body: '{"__type":"com.amazonaws.swf.service.v2.model#InvalidArn","message":"Invalid Arn"}',
    };

    // Act
    const stop = new SfnStateMachineExecutions(sfn).stop('not-an-arn', 'E', 'c');

    // Assess
    await expect(stop).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

/** A data plane that answers every call with one proxy response, recording the events it received. */
class StubDataplane implements FunctionInvoker {
  readonly events: APIGatewayProxyEvent[] = [];
  constructor(private readonly answer: unknown) {}

  async invoke(_functionName: string, payload: unknown): Promise<unknown> {
    this.events.push(payload as APIGatewayProxyEvent);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }

  async invokeAsync(): Promise<void> {
    throw new Error('not used');
  }
}

function proxyAnswer(statusCode: number, body: unknown) {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

const VIDEO = { MediaType: 'Video' as const, S3Bucket: 'media', S3Key: 'in/movie.mp4' };

describe('LambdaDataplaneAssets', () => {
  it('sends POST /create as the API Gateway proxy event of stage api', async () => {
    // Prepare
    const stub = new StubDataplane(
      proxyAnswer(200, { AssetId: 'a1', MediaType: 'Video', S3Bucket: 'media', S3Key: 'k' }),
    );

    // Act
    const asset = await new LambdaDataplaneAssets(stub, FUNCTION).createAsset(VIDEO);

    // Assess
    expect(asset).toEqual({ AssetId: 'a1', Media: { Video: { S3Bucket: 'media', S3Key: 'k' } } });
    expect(stub.events[0]).toMatchObject({
      resource: '/create',
      path: '/create',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json' },
      pathParameters: null,
      requestContext: { stage: 'api', resourcePath: '/create', path: '/api/create' },
    });
    expect(JSON.parse(stub.events[0].body!)).toEqual({ Input: VIDEO });
  });

  it("turns the data plane's 400 into ours, with its reason", async () => {
    // Prepare
    const stub = new StubDataplane(proxyAnswer(400, { Code: 'BadRequestError', Message: 'Invalid bucket' }));

    // Act
    const creation = new LambdaDataplaneAssets(stub, FUNCTION).createAsset(VIDEO);

    // Assess
    await expect(creation).rejects.toEqual(new BadRequestError("Error creating asset 'Invalid bucket'"));
  });

  it.each([
    ['a 500', proxyAnswer(500, { Code: 'InternalServerError', Message: 'x' })],
    ['a 200 without an AssetId', proxyAnswer(200, { S3Bucket: 'b', S3Key: 'k' })],
    ['something that is not a proxy response', { errorMessage: 'oops' }],
  ])('treats %s as a failure of ours, not the caller', async (_case, answer) => {
    // Prepare
    const stub = new StubDataplane(answer);

    // Act
    const creation = new LambdaDataplaneAssets(stub, FUNCTION).createAsset(VIDEO);

    // Assess
    await expect(creation).rejects.toThrow(Error);
    await expect(creation).rejects.not.toBeInstanceOf(BadRequestError);
  });

  it("reads an asset's media from GET /metadata/{asset_id}, with the id encoded in the path", async () => {
    // Prepare
    const stub = new StubDataplane(
      proxyAnswer(200, { asset_id: 'a/1', results: { MediaType: 'Audio', S3Bucket: 'b', S3Key: 'k', Created: '1' } }),
    );

    // Act
    const media = await new LambdaDataplaneAssets(stub, FUNCTION).assetMedia('a/1');

    // Assess
    expect(media).toEqual({ Audio: { S3Bucket: 'b', S3Key: 'k' } });
    expect(stub.events[0]).toMatchObject({
      resource: '/metadata/{asset_id}',
      path: '/metadata/a%2F1',
      httpMethod: 'GET',
      pathParameters: { asset_id: 'a/1' },
      body: null,
    });
  });

  it.each([404, 400])('answers a %s for the asset as no such asset', async (status) => {
    // Prepare
    const stub = new StubDataplane(proxyAnswer(status, { Code: 'NotFoundError', Message: 'nope' }));

    // Act
    const media = await new LambdaDataplaneAssets(stub, FUNCTION).assetMedia('missing');

    // Assess
    expect(media).toBeUndefined();
  });

  it('passes a failed invocation on', async () => {
    // Prepare
    const stub = new StubDataplane(new Error('Rate exceeded'));

    // Act
    const media = new LambdaDataplaneAssets(stub, FUNCTION).assetMedia('a1');

    // Assess
    await expect(media).rejects.toThrow('Rate exceeded');
  });
});

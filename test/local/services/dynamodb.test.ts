import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import aws4 from 'aws4';
import { dynamoDbModule } from '../../../lib/local/dynamodb/module';
import type { LocalService } from '../../../lib/local/service-module';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

describe('local DynamoDB', () => {
  let stop: () => Promise<void>;
  let endpoint: string;

  beforeAll(async () => {
    const started = await startModule<LocalService>(dynamoDbModule);
    stop = started.stop;
    endpoint = started.service.endpoint!;
  });

  afterAll(() => stop());

  /** A raw JSON 1.0 call, signed with aws4 unless `credentials` is null. */
  function call(
    target: string,
    body: object,
    credentials: { accessKeyId: string; secretAccessKey: string } | null,
    headers: Record<string, string> = {},
  ) {
    const url = new URL(endpoint);
    const request = {
      host: url.host,
      method: 'POST',
      path: '/',
      service: 'dynamodb',
      region: 'us-east-1',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': `DynamoDB_20120810.${target}`,
        ...headers,
      },
      body: JSON.stringify(body),
    };
    const signed = credentials ? aws4.sign(request, credentials).headers : request.headers;
    return fetch(endpoint, { method: 'POST', headers: signed as Record<string, string>, body: request.body });
  }

  it('serves a default-configured SDK client signed with the local keys', async () => {
    // Prepare
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    await client.send(
      new CreateTableCommand({
        TableName: 'items',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    // Act
    await client.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, n: { N: '1' } } }));
    const item = await client.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'a' } } }));

    // Assess
    expect(item.Item).toEqual({ id: { S: 'a' }, n: { N: '1' } });
    client.destroy();
  });

  it.each([
    ['no signature', null, 'MissingAuthenticationTokenException'],
    ['an unknown key', { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }, 'UnrecognizedClientException'],
    ['a wrong secret', { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }, 'InvalidSignatureException'],
  ])('refuses a request with %s as DynamoDB does', async (_case, credentials, type) => {
    // Act
    const response = await call('ListTables', {}, credentials);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: `com.amazon.coral.service#${type}` });
  });

  it('refuses a request signed five minutes too early, as a replay', async () => {
    // Prepare
    const old = new Date(Date.now() - 6 * 60_000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');

    // Act
    const response = await call('ListTables', {}, TEST_CREDENTIALS, { 'X-Amz-Date': old });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/Signature expired/);
  });

  it('answers a browser preflight from any origin without CORS headers, so no web page can read the tables', async () => {
    // Act
    const response = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    const signed = await call('ListTables', {}, TEST_CREDENTIALS, { Origin: 'https://evil.example' });

    // Assess
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(signed.status).toBe(200);
    expect(signed.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the unsigned health check as DynamoDB does', async () => {
    // Act
    const response = await fetch(endpoint);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^healthy: dynamodb/);
  });

  it('lists tables for a signed client', async () => {
    // Act
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const tables = await client.send(new ListTablesCommand({}));

    // Assess
    expect(tables.TableNames).toContain('items');
    client.destroy();
  });

  it('returns the item in a failed condition check when asked to, as DynamoDB does', async () => {
    // Prepare
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    await client.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'held' }, n: { N: '7' } } }));
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const never = { ConditionExpression: 'attribute_not_exists(id)' };

    // Act
    const update = await failure(
      client.send(
        new UpdateItemCommand({
          TableName: 'items',
          Key: { id: { S: 'held' } },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': { N: '8' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...never,
        }),
      ),
    );
    const put = await failure(
      client.send(
        new PutItemCommand({
          TableName: 'items',
          Item: { id: { S: 'held' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...never,
        }),
      ),
    );
    const remove = await failure(
      client.send(
        new DeleteItemCommand({
          TableName: 'items',
          Key: { id: { S: 'held' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...never,
        }),
      ),
    );
    const without = await failure(
      client.send(new DeleteItemCommand({ TableName: 'items', Key: { id: { S: 'held' } }, ...never })),
    );
    const missing = await failure(
      client.send(
        new UpdateItemCommand({
          TableName: 'items',
          Key: { id: { S: 'absent' } },
          UpdateExpression: 'SET n = :n',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':n': { N: '1' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    const invalid = await call(
      'DeleteItem',
      { TableName: 'items', Key: { id: { S: 'held' } }, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' },
      TEST_CREDENTIALS,
    );

    // Assess
    for (const error of [update, put, remove]) {
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect((error as ConditionalCheckFailedException).Item).toEqual({ id: { S: 'held' }, n: { N: '7' } });
    }
    expect(without).toBeInstanceOf(ConditionalCheckFailedException);
    expect((without as ConditionalCheckFailedException).Item).toBeUndefined();
    expect(missing).toBeInstanceOf(ConditionalCheckFailedException);
    expect((missing as ConditionalCheckFailedException).Item).toBeUndefined();
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ __type: 'com.amazon.coral.validate#ValidationException' });
    client.destroy();
  });
});

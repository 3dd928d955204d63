import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { DATAPLANE_ROUTES } from '../../lambdas/media-insights/dataplane/routes';
import { WORKFLOW_API_ROUTES } from '../../lambdas/media-insights/workflow/routes';
import { M2A_ROUTES } from '../../lambdas/m2a-mediapackage/routes';
import { MEDIA2CLOUD_ROUTES } from '../../lambdas/media2cloud/routes';
import { request, startTestLocalMode, type HttpResult, type TestLocalMode } from '../support/local';

/**
 * Every route of every API, called through local mode by a signed client with bodies, path ids, queries and tokens
 * that fast-check generates (seeded, so a failure replays). Whatever the input: never a 5xx, and a request that is
 * refused (4xx) leaves every table and bucket exactly as it was.
 */

const SEED = 8_2026;
/** Requests per route; 82 routes, so about 330 requests in all. */
const RUNS_PER_ROUTE = 4;

interface Route {
  readonly method: string;
  readonly path: string;
}

interface Api {
  readonly name: string;
  /** The stack whose tables and buckets the API writes: what must not change when it refuses a request. */
  readonly stack: string;
  readonly endpoint: () => string;
  readonly routes: readonly Route[];
  /** Field names the API's bodies use, so generated bodies reach past the first check. */
  readonly fields: readonly string[];
  /** Query parameters the API reads. */
  readonly queries: readonly string[];
}

interface FuzzRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

let env: TestLocalMode;
let dynamo: DynamoDBClient;
let s3: S3Client;

const output = (stack: string, key: string) => () => {
  const value = env.local.outputs[stack]?.[key];
  if (!value) throw new Error(`no output ${stack}.${key}`);
  return value.endsWith('/') ? value : `${value}/`;
};

const APIS: readonly Api[] = [
  {
    name: 'Media Insights data plane',
    stack: 'MediaInsights',
    endpoint: output('MediaInsights', 'DataplaneApiEndpoint'),
    routes: DATAPLANE_ROUTES,
    fields: ['Input', 'MediaType', 'S3Bucket', 'S3Key', 'OperatorName', 'WorkflowId', 'Results', 'LockedBy'],
    queries: ['cursor', 'paginated', 'end'],
  },
  {
    name: 'Media Insights workflow',
    stack: 'MediaInsights',
    endpoint: output('MediaInsights', 'WorkflowApiEndpoint'),
    routes: WORKFLOW_API_ROUTES,
    fields: [
      ...['Name', 'Value', 'Type', 'Configuration', 'StartAt', 'Stages', 'Operations', 'Input', 'Media', 'Video'],
      ...['vocabulary_name', 'language_code', 's3uri', 'terminology_name', 'terminology_csv', 'ModelName'],
    ],
    queries: ['force'],
  },
  {
    name: 'Media2Cloud',
    stack: 'Media2Cloud',
    endpoint: output('Media2Cloud', 'ApiEndpoint'),
    routes: MEDIA2CLOUD_ROUTES,
    fields: [
      ...['input', 'key', 'uuid', 'bucket', 'group', 'attributes', 'aiOptions', 'destination', 'mime', 'md5'],
      ...['collectionId', 'celeb', 'blob', 'faceId', 'action'],
    ],
    queries: [
      ...['token', 'pageSize', 'type', 'overallStatus', 'query', 'size', 'from', 'exact', 'video', 'image'],
      ...['collectionId', 'faceId', 'faceIds', 'aggregate'],
    ],
  },
  {
    name: 'M2A Mediapackage',
    stack: 'M2aMediapackage',
    endpoint: output('M2aMediapackage', 'ApiEndpoint'),
    routes: M2A_ROUTES,
    fields: ['data', 'type', 'id', 'attributes', 'relationships', 'template', 'action', 'target-account-id'],
    queries: ['page[size]', 'page[cursor]', 'filter[state]'],
  },
];

beforeAll(async () => {
  env = await startTestLocalMode();
  const { Local } = env.local.outputs;
  const common = { region: Local?.Region, credentials: env.local.credentials };
  dynamo = new DynamoDBClient({ ...common, endpoint: Local?.DynamoDbEndpoint });
  s3 = new S3Client({ ...common, endpoint: Local?.S3Endpoint, forcePathStyle: true });
}, 120_000);

afterAll(async () => {
  dynamo?.destroy();
  s3?.destroy();
  await env?.stop();
});

describe.each(APIS)('$name: generated input through local mode', (api) => {
  it.each(api.routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s never answers 5xx, and a refused request changes nothing',
    async (_name, route) => {
      // Prepare: the store as it is; it moves on only with a request that was accepted.
      let store = await storeSnapshot(api.stack);
      // A GET never writes, accepted or not: one look at the store after all of them is enough.
      const readOnly = route.method === 'GET';
      await fc.assert(
        fc.asyncProperty(fuzzRequest(route, api), async (generated) => {
          // Act
          const response = await send(api.endpoint(), route.method, generated);

          // Assess
          expect(`${response.status} ${response.text.slice(0, 300)}`).not.toMatch(/^5\d\d /);
          if (readOnly) return;
          const after = await storeSnapshot(api.stack);
          if (response.status >= 400) expect(after).toEqual(store);
          store = after;
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
      if (readOnly) expect(await storeSnapshot(api.stack)).toEqual(store);
    },
    60_000,
  );
});

function send(endpoint: string, method: string, generated: FuzzRequest): Promise<HttpResult> {
  const query = new URLSearchParams(generated.query).toString();
  return request(`${endpoint}${generated.path.replace(/^\//, '')}${query ? `?${query}` : ''}`, {
    method,
    body: generated.body,
    headers: generated.body === undefined ? {} : { 'Content-Type': 'application/json' },
    credentials: env.local.credentials,
    region: env.local.outputs.Local?.Region,
  });
}

/**
 * Every item of every table and every object (key and ETag) of every bucket of the stack, read in parallel. Local
 * mode names them as CloudFormation does, after the stack.
 */
async function storeSnapshot(stack: string): Promise<Record<string, readonly string[]>> {
  const [{ TableNames = [] }, { Buckets = [] }] = await Promise.all([
    dynamo.send(new ListTablesCommand({})),
    s3.send(new ListBucketsCommand({})),
  ]);
  const ours = (name: string) => name.toLowerCase().startsWith(`${stack.toLowerCase()}-`);
  const entries = await Promise.all([
    ...TableNames.filter(ours).map(async (TableName) => [`table:${TableName}`, await tableItems(TableName)] as const),
    ...Buckets.map(({ Name }) => Name!)
      .filter(ours)
      .map(async (Name) => [`bucket:${Name}`, await bucketObjects(Name)] as const),
  ]);
  return Object.fromEntries(entries);
}

async function tableItems(TableName: string): Promise<string[]> {
  const items: string[] = [];
  let ExclusiveStartKey: Record<string, any> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort();
}

async function bucketObjects(Bucket: string): Promise<string[]> {
  const objects: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken }));
    objects.push(...(page.Contents ?? []).map((object) => `${object.Key} ${object.ETag}`));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return objects.sort();
}

function fuzzRequest(route: Route, api: Api): fc.Arbitrary<FuzzRequest> {
  const parameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  return fc.record({
    path: fc
      .tuple(...parameters.map(() => pathValue()))
      .map((values) =>
        values.reduce<string>(
          (path, value, index) => path.replace(`{${parameters[index]}}`, encodeURIComponent(value)),
          route.path,
        ),
      ),
    query: fc.dictionary(fc.oneof(fc.constantFrom(...api.queries), fc.string({ maxLength: 8 })), queryValue(), {
      maxKeys: 3,
    }),
    body: route.method === 'GET' || route.method === 'DELETE' ? fc.constant(undefined) : bodyText(api.fields),
  });
}

/** Ids: valid-looking, empty-ish, too long for a key, climbing out of a prefix, or anything at all. */
function pathValue(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.uuid(),
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.constantFrom('..', '.', '%', 'a/b', ' ', '__proto__', 'constructor', 'page', 'MediaType'),
    fc.nat({ max: 3000 }).map((length) => 'a'.repeat(length + 1)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  );
}

/** Query values, pagination tokens among them: base64 of keys DynamoDB could never have returned. */
function queryValue(): fc.Arbitrary<string> {
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  return fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer().map(String),
    fc.constantFrom('0', '-1', '1e308', '9223372036854775808', 'NaN', 'true', ''),
    fc.constant(base64({ uuid: 'a'.repeat(3000), type: 'video', timestamp: 1 })),
    fc.constant(base64({ uuid: 'a', type: 'video', timestamp: 1e300 })),
    fc.constant(base64({ a: JSON.parse('['.repeat(50) + ']'.repeat(50)) })),
    fc.jsonValue({ maxDepth: 3 }).map(base64),
  );
}

/** Bodies: JSON shaped like the API's (its field names, any values), JSON that is not, and text that is not JSON. */
function bodyText(fields: readonly string[]): fc.Arbitrary<string | undefined> {
  const value = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string({ maxLength: 20 }),
      fc.constantFrom(1, 0, -1, 2.5, true, false, null, 'Video', 'mie-dataplane', 'a.mp4', 4294967296),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 4 }),
    ),
  })).value;
  const shaped = fc.dictionary(fc.constantFrom(...fields), value, { minKeys: 1, maxKeys: 5 });
  return fc.oneof(
    fc.constant(undefined),
    shaped.map((body) => JSON.stringify(body)),
    fc.jsonValue({ maxDepth: 4 }).map((body) => JSON.stringify(body)),
    // What no parser should be walked into, and numbers no JavaScript value holds exactly.
    fc.constantFrom(...fields).map((field) => `{"${field}":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    fc.constantFrom(...fields).map((field) => `{"${field}":{"Name":"MaxConcurrentWorkflows","Value":1e308}}`),
    fc.constantFrom(
      '{"Name":"MaxConcurrentWorkflows","Value":1e308}',
      '{"Name":"MaxConcurrentWorkflows","Value":4294967296}',
    ),
    fc.constantFrom('', '{', 'null', '[]', '"text"', '{"a":1,}', '\u0000', '{"__proto__":{"polluted":1}}'),
    fc.string({ maxLength: 50 }),
  );
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalMode } from '../../../lib/local/local-mode';
import { allocatePorts } from '../../../lib/local/ports';
import type { LocalServiceModule } from '../../../lib/local/service-module';
import { SERVICE_MODULES } from '../../../lib/local/services';
import { startAwsEndpoint } from '../../../lib/local/protocol/endpoint';
import { jsonRpc } from '../../../lib/local/protocol/json-rpc';

/** A cloud assembly written by hand: one stack with these resources, and function bundles as CDK lays them out. */
function assembly(resources: Record<string, unknown>, bundles: Record<string, string> = {}): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-kernel-'));
  fs.writeFileSync(
    path.join(directory, 'manifest.json'),
    JSON.stringify({
      artifacts: { Kernel: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Kernel.template.json' } } },
    }),
  );
  fs.writeFileSync(path.join(directory, 'Kernel.template.json'), JSON.stringify({ Resources: resources }));
  for (const [hash, source] of Object.entries(bundles)) {
    fs.mkdirSync(path.join(directory, `asset.${hash}`));
    fs.writeFileSync(path.join(directory, `asset.${hash}`, 'index.js'), source);
  }
  return directory;
}

function probe(environment: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Code: { S3Bucket: 'cdk-assets', S3Key: 'probe.zip' },
      Handler: 'index.handler',
      Environment: { Variables: environment },
    },
  };
}
const PROBE_SOURCE = 'exports.handler = async () => ({ env: process.env });\n';

describe('local mode kernel', () => {
  const dataDirs: string[] = [];
  const dataDir = () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-kernel-data-'));
    dataDirs.push(directory);
    return directory;
  };
  afterAll(() => dataDirs.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true })));

  it('refuses to start a template with a resource type no module provides, naming resource and type', async () => {
    // Prepare
    const cloudAssemblyDir = assembly({ Fleet: { Type: 'AWS::GameLift::Fleet', Properties: {} } });

    // Act
    const started = startLocalMode({ port: 0, dataDir: dataDir(), cloudAssemblyDir, log: () => {} });

    // Assess
    await expect(started).rejects.toThrow(
      'Kernel/Fleet: no local service module provides resource type AWS::GameLift::Fleet',
    );
  });

  it('refuses an attribute the type does not have, naming resource, attribute and type', async () => {
    // Prepare
    const cloudAssemblyDir = assembly(
      {
        Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Probe: probe({ SHARD: { 'Fn::GetAtt': ['Table', 'ShardCount'] } }),
      },
      { probe: PROBE_SOURCE },
    );

    // Act
    const started = startLocalMode({ port: 0, dataDir: dataDir(), cloudAssemblyDir, log: () => {} });

    // Assess
    await expect(started).rejects.toThrow(
      'Kernel/Table: local mode does not provide attribute ShardCount of AWS::DynamoDB::Table',
    );
  });

  it('also checks attributes read through Fn::Sub', async () => {
    // Prepare
    const cloudAssemblyDir = assembly(
      { Queue: { Type: 'AWS::Lambda::Function', Properties: {} }, Probe: probe({ X: { 'Fn::Sub': '${Queue.Nope}' } }) },
      { probe: PROBE_SOURCE },
    );

    // Act
    const started = startLocalMode({ port: 0, dataDir: dataDir(), cloudAssemblyDir, log: () => {} });

    // Assess
    await expect(started).rejects.toThrow('local mode does not provide attribute Nope of AWS::Lambda::Function');
  });

  it('runs a service added as one module: its type deploys, its endpoint reaches functions and outputs.json', async () => {
    // Prepare
    const deployed: string[] = [];
    const widgets: LocalServiceModule = {
      name: 'widgets',
      listens: true,
      endpointVariable: 'AWS_ENDPOINT_URL_WIDGETS',
      outputKey: 'WidgetsEndpoint',
      resourceTypes: {
        'Test::Widgets::Widget': {
          physicalId: ({ explicit, generated }) => explicit('WidgetName') ?? generated,
          arn: ({ name, region, accountId }) => `arn:aws:widgets:${region}:${accountId}:widget/${name}`,
        },
      },
      async start({ cloud, port }) {
        const running = await startAwsEndpoint(
          {
            protocol: 'json',
            signingName: 'widgets',
            region: cloud.region,
            principals: cloud.principals,
            handle: jsonRpc({ targetPrefix: 'Widgets', operations: { List: () => ({ widgets: deployed }) } }),
          },
          port,
        );
        return {
          endpoint: running.endpoint,
          deploy: ({ resolver, logicalId }) => void deployed.push(resolver.physicalId(logicalId)),
          close: () => running.close(),
        };
      },
    };
    const cloudAssemblyDir = assembly(
      {
        Gizmo: { Type: 'Test::Widgets::Widget', Properties: { WidgetName: 'gizmo' } },
        Probe: probe({ WIDGET_ARN: { 'Fn::GetAtt': ['Gizmo', 'Arn'] }, WIDGET: { Ref: 'Gizmo' } }),
      },
      { probe: PROBE_SOURCE },
    );

    // Act
    const local = await startLocalMode({
      port: 0,
      dataDir: dataDir(),
      cloudAssemblyDir,
      modules: [...SERVICE_MODULES, widgets],
      log: () => {},
    });
    try {
      const { env } = (await local.invoke('Kernel-Probe', {})) as { env: Record<string, string> };

      // Assess
      expect(deployed).toEqual(['gizmo']);
      expect(env.WIDGET).toBe('gizmo');
      expect(env.WIDGET_ARN).toBe('arn:aws:widgets:us-east-1:000000000000:widget/gizmo');
      expect(env.AWS_ENDPOINT_URL_WIDGETS).toBe(local.outputs.Local?.WidgetsEndpoint);
      expect(env.AWS_ENDPOINT_URL_WIDGETS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.AWS_ENDPOINT_URL_DYNAMODB).toBe(local.outputs.Local?.DynamoDbEndpoint);
    } finally {
      await local.stop();
    }
  });

  it('makes the data directory private to its owner', async () => {
    // Prepare
    const directory = dataDir();
    fs.chmodSync(directory, 0o755);

    // Act
    const local = await startLocalMode({ port: 0, dataDir: directory, cloudAssemblyDir: assembly({}), log: () => {} });
    await local.stop();

    // Assess
    expect(fs.statSync(directory).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(directory, 'credentials')).mode & 0o777).toBe(0o600);
  });
});

describe('port allocation', () => {
  it('gives the API the base port and each listening module the next, in registry order', () => {
    // Act
    const ports = allocatePorts(4000, SERVICE_MODULES);

    // Assess
    expect(Object.fromEntries(ports)).toEqual({
      apigateway: 4000,
      dynamodb: 4001,
      s3: 4002,
      stepfunctions: 4003,
      search: 4004,
      lambda: 4005,
      cloudformation: 4006,
      sts: 4007,
      mediapackage: 4008,
      kinesisvideo: 4009,
      rekognition: 4010,
      textract: 4011,
      mediaconvert: 4012,
      transcribe: 4013,
      comprehend: 4014,
      translate: 4015,
      polly: 4016,
      cognito: 4017,
      iot: 4018,
      bedrock: 4019,
    });
  });

  it('gives every module a free port for base 0', () => {
    expect(new Set(allocatePorts(0, SERVICE_MODULES).values())).toEqual(new Set([0]));
  });

  it.each([-1, 1.5, 65_534])('refuses base port %s, whose range does not fit', (port) => {
    expect(() => allocatePorts(port, SERVICE_MODULES)).toThrow(RangeError);
  });
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../lib/constructs/node-function';
import { MEDIA2CLOUD_ROUTES } from '../../lambdas/media2cloud/routes';
import { PIPELINE_FUNCTIONS, PIPELINE_STATE_MACHINES } from '../../lambdas/media2cloud/pipeline/catalog';
import { INGEST_TABLE } from '../../lambdas/media2cloud/tables/ingest';
import { runsX64Binaries } from '../../lambdas/shared/media/function-spec';
import { SEARCH_CLUSTER_SIZES } from '../../lib/constructs/media2cloud-search';
import { defaultStackName, defaultTemplate, testApp } from '../support/app';

describe('Media2Cloud stack', () => {
  const template = defaultTemplate('Media2Cloud');
  const functions = template.findResources('AWS::Lambda::Function');
  /** The function whose description starts with `prefix` (descriptions come from the catalog). */
  const functionDescribed = (prefix: string) => {
    const found = Object.entries(functions).filter(([, fn]) =>
      String(fn.Properties.Description ?? '').startsWith(prefix),
    );
    expect(found).toHaveLength(1);
    return found[0] as [string, { Properties: Record<string, any> }];
  };

  it('is named Media2Cloud and exposes the original output keys ApiEndpoint, IngestBucket and ProxyBucket', () => {
    const outputs = template.findOutputs('*');

    expect(defaultStackName('Media2Cloud')).toBe('Media2Cloud');
    expect(userOutputs(outputs)).toEqual(['AlarmTopicArn', 'ApiEndpoint', 'IngestBucket', 'ProxyBucket']);
    const parts = outputs.ApiEndpoint?.Value['Fn::Join'][1] as unknown[];
    expect(parts[0]).toBe('https://');
    expect(parts.at(-2)).toBe('/');
    const stageRef = (parts.at(-1) as { Ref: string }).Ref;
    expect(template.findResources('AWS::ApiGateway::Stage')[stageRef]?.Properties.StageName).toBe('demo');
  });

  it('serves every route of the original with SigV4, and CORS preflights without', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const signed = methods.filter((method) => method.Properties.AuthorizationType === 'AWS_IAM');
    const open = methods.filter((method) => method.Properties.AuthorizationType !== 'AWS_IAM');

    expect(signed).toHaveLength(MEDIA2CLOUD_ROUTES.length);
    expect(new Set(open.map((method) => method.Properties.HttpMethod))).toEqual(new Set(['OPTIONS']));
  });

  it('gives the API function the tables, buckets, state machines, removal function and search endpoint', () => {
    const [, api] = functionDescribed('Media2Cloud v4 RESTful API');
    const variables = api.Properties.Environment.Variables as Record<string, unknown>;

    expect(Object.keys(variables).sort()).toEqual(
      [
        'AIML_TABLE_NAME',
        'ANALYSIS_STATE_MACHINE_ARN',
        'BEDROCK_MODEL_ID',
        'DEFAULT_AI_OPTIONS',
        'FACEINDEXER_TABLE_NAME',
        'INGEST_BUCKET',
        'INGEST_TABLE_NAME',
        'IOT_POLICY_NAME',
        'MAIN_STATE_MACHINE_ARN',
        'NODE_OPTIONS',
        'POWERTOOLS_SERVICE_NAME',
        'PROXY_BUCKET',
        'REMOVAL_FUNCTION_ARN',
        'SEARCH_ENDPOINT',
        'USER_POOL_ID',
      ].sort(),
    );
    expect(variables.SEARCH_ENDPOINT).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SearchDomain/), 'DomainEndpoint'],
    });
    expect(variables.DEFAULT_AI_OPTIONS).toEqual({ Ref: 'DefaultAIOptions' });
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('Media2Cloud/ApiHandler');
    expect(template.toJSON().Parameters.DefaultAIOptions.Default).toBe('v4.default');
  });

  it("declares the web portal's user pool with the original's groups and the IoT status policy, scoped for the API", () => {
    const [apiId] = functionDescribed('Media2Cloud v4 RESTful API');
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        (policy.Properties.Roles as Array<{ Ref: string }>).some((role) =>
          role.Ref.startsWith(apiId.replace(/Function[0-9A-F]{8}$/, '')),
        ),
      )
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const resourcesOf = (action: string) =>
      statements.filter((statement) => [statement.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat());

    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    for (const [GroupName, Precedence] of [
      ['admin', 1],
      ['creator', 98],
      ['viewer', 99],
    ]) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName, Precedence });
    }
    template.resourceCountIs('AWS::IoT::Policy', 1);
    expect(resourcesOf('cognito-idp:AdminCreateUser')).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^WebPortalUsers/), 'Arn'] },
    ]);
    expect(resourcesOf('states:DescribeExecution')).toHaveLength(PIPELINE_STATE_MACHINES.length);
    expect(JSON.stringify(resourcesOf('s3:PutObject'))).toContain('_settings/aioptions.json');
    expect(resourcesOf('bedrock:InvokeModel')).toHaveLength(1);
    expect(JSON.stringify(resourcesOf('bedrock:InvokeModel'))).toContain('BedrockModelId');
  });

  it('creates one function per pipeline catalog entry, native-binary ones on x86_64 with the sizes the catalog asks', () => {
    for (const spec of PIPELINE_FUNCTIONS) {
      const [, fn] = functionDescribed(spec.description);

      expect(fn.Properties.Architectures).toEqual([runsX64Binaries(spec) ? 'x86_64' : 'arm64']);
      expect(fn.Properties.Timeout).toBe(spec.sizing.timeoutSeconds);
      expect(fn.Properties.MemorySize).toBe(spec.sizing.memorySizeMb);
      expect(fn.Properties.EphemeralStorage?.Size ?? 512).toBe(spec.sizing.ephemeralStorageMb);
      expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(
        ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', ...spec.environment].sort(),
      );
    }
  });

  it('builds the three state machines from their ASL files with every substitution filled', () => {
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));

    expect(machines).toHaveLength(PIPELINE_STATE_MACHINES.length);
    const substitutions = machines.map(
      (machine) => machine.Properties.DefinitionSubstitutions as Record<string, unknown>,
    );
    expect(substitutions.map((each) => Object.keys(each).sort())).toEqual(
      expect.arrayContaining(PIPELINE_STATE_MACHINES.map((spec) => Object.keys(spec.substitutions).sort())),
    );
    for (const each of substitutions) for (const value of Object.values(each)) expect(value).toBeTruthy();
    for (const machine of machines) expect(machine.Properties.DefinitionS3Location).toBeDefined();
  });

  it('keys the ingest table by uuid with the original indexes, and the analysis table by uuid and type', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const ingest = tables.find(
      (table) => table.Properties.GlobalSecondaryIndexes && table.Properties.KeySchema[0].AttributeName === 'uuid',
    );
    const analysis = tables.find((table) => !table.Properties.GlobalSecondaryIndexes);

    expect(ingest?.Properties.KeySchema).toEqual([{ AttributeName: 'uuid', KeyType: 'HASH' }]);
    expect(
      ingest?.Properties.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName).sort(),
    ).toEqual(
      Object.values(INGEST_TABLE.indexes)
        .map((index) => index.indexName)
        .sort(),
    );
    expect(analysis?.Properties.KeySchema).toEqual([
      { AttributeName: 'uuid', KeyType: 'HASH' },
      { AttributeName: 'type', KeyType: 'RANGE' },
    ]);
    for (const table of tables) expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it("keys the face indexer table by faceId with the original's celeb index, read by analysis and written by the API", () => {
    const [tableId, table] = Object.entries(template.findResources('AWS::DynamoDB::Table')).find(
      ([, each]) => each.Properties.KeySchema[0].AttributeName === 'faceId',
    )!;
    const [, analyzer] = functionDescribed('Media2Cloud analysis: runs one analyzer');
    const [, api] = functionDescribed('Media2Cloud v4 RESTful API');

    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          IndexName: 'gsi-celeb-timestamp',
          KeySchema: [
            { AttributeName: 'celeb', KeyType: 'HASH' },
            { AttributeName: 'timestamp', KeyType: 'RANGE' },
          ],
        }),
      ]),
    );
    expect(analyzer.Properties.Environment.Variables.FACEINDEXER_TABLE_NAME).toEqual({ Ref: tableId });
    expect(api.Properties.Environment.Variables.FACEINDEXER_TABLE_NAME).toEqual({ Ref: tableId });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'dynamodb:BatchGetItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } }),
        ]),
      },
    });
  });

  it('sends ingest bucket events to EventBridge and starts ingest for created objects', () => {
    const [s3EventId] = functionDescribed('Media2Cloud: starts ingest for media uploaded');

    template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: Match.stringLikeRegexp('^IngestBucket') }] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [s3EventId, 'Arn'] } })],
    });
  });

  it('marks the asset of any pipeline execution that failed, timed out or was stopped', () => {
    const [endedId] = functionDescribed('Media2Cloud: marks the asset of a run that failed');

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: ['Ingest', 'Analysis', 'Main'].map((id) => ({
            Ref: Match.stringLikeRegexp(`^Pipeline${id}StateMachine`),
          })),
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [endedId, 'Arn'] } })],
    });
  });

  describe('video ingest through MediaConvert', () => {
    const ingestSpec = PIPELINE_STATE_MACHINES.find((spec) => spec.id === 'Ingest')!;
    const [, ingestMachine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(([id]) =>
      id.startsWith('PipelineIngestStateMachine'),
    )!;
    const asl = JSON.parse(readFileSync(path.join(PROJECT_ROOT, ingestSpec.file), 'utf8')) as {
      States: Record<string, Record<string, any>>;
    };
    /** The template function a Task state invokes, through the state machine's synthesized substitutions. */
    const taskFunction = (state: Record<string, any>) => {
      const reference = String(state.Parameters?.FunctionName ?? state.Resource);
      const name = /^\$\{(\w+)\}$/.exec(reference)?.[1];
      const value = name && ingestMachine.Properties.DefinitionSubstitutions[name];
      const id = value?.['Fn::GetAtt']?.[0] as string | undefined;
      return id ? { id, properties: functions[id]!.Properties as Record<string, any> } : undefined;
    };
    /** Every state a video reaches after `Video or audio?`, following Next and Catch. */
    const videoPath = () => {
      const start = asl.States['Video or audio?']!.Choices.find(
        (choice: Record<string, unknown>) => choice.StringEquals === 'video',
      ).Next as string;
      const seen = new Set<string>();
      const visit = (name: string | undefined) => {
        if (!name || seen.has(name)) return;
        seen.add(name);
        const state = asl.States[name]!;
        visit(state.Next);
        for (const caught of state.Catch ?? []) visit(caught.Next);
      };
      visit(start);
      return [...seen].map((name) => ({ name, state: asl.States[name]! }));
    };

    it('runs no ffmpeg function for video: the transcode is a MediaConvert job waited for with a task token', () => {
      const tasks = videoPath().filter(({ state }) => state.Type === 'Task');
      const start = tasks.find(({ state }) => String(state.Resource).endsWith(':lambda:invoke.waitForTaskToken'));

      expect(start?.state.Parameters.Payload['token.$']).toBe('$$.Task.Token');
      expect(start && taskFunction(start.state)?.properties.Description).toMatch(/submits the MediaConvert job/);
      expect(tasks.length).toBeGreaterThan(1);
      // Short audio keeps its ffmpeg function, which the layer equips.
      expect(functionDescribed('Media2Cloud ingest: AAC proxy and cover art')[1].Properties.Layers).toHaveLength(1);
      for (const { name, state } of tasks) {
        const fn = taskFunction(state);
        expect(fn).toBeDefined();
        // The ffmpeg layer is what gives a function ffmpeg; no task on the video path has it.
        expect({ name, layers: fn!.properties.Layers }).toEqual({ name, layers: undefined });
      }
    });

    it('scopes the MediaConvert role to reading the ingest bucket and writing the proxy bucket', () => {
      const [roleId] = Object.entries(template.findResources('AWS::IAM::Role')).find(
        ([, role]) =>
          JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('mediaconvert.amazonaws.com') &&
          String(role.Properties.Description).startsWith('Media2Cloud'),
      )!;
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);

      expect(statements.map(({ Action, Resource }) => ({ Action, Resource }))).toEqual([
        {
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^IngestBucket/), 'Arn'] }, '/*']] },
        },
        {
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ProxyBucket/), 'Arn'] }, '/*']] },
        },
      ]);
      // Only the function that starts the jobs may pass the role.
      const passers = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
        (policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>).some(
          (statement) =>
            [statement.Action].flat().includes('iam:PassRole') && JSON.stringify(statement.Resource).includes(roleId),
        ),
      );
      const [startId] = functionDescribed('Media2Cloud ingest: submits the MediaConvert job');
      expect(passers.map((policy) => policy.Properties.Roles)).toEqual([
        [{ Ref: functions[startId]!.Properties.Role['Fn::GetAtt'][0] }],
      ]);
    });

    it("ends the waiting task from the job's state change event", () => {
      const [endedId] = functionDescribed('Media2Cloud ingest: ends the task waiting for a MediaConvert job');

      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.mediaconvert'],
          'detail-type': ['MediaConvert Job State Change'],
          detail: {
            status: ['COMPLETE', 'ERROR', 'CANCELED'],
            userMetadata: { bucket: [{ Ref: Match.stringLikeRegexp('^ProxyBucket') }], taskToken: [{ exists: true }] },
          },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [endedId, 'Arn'] } })],
      });
    });
  });

  it('creates an encrypted OpenSearch domain, development-sized unless the context asks for production', () => {
    const production = Template.fromStack(
      testApp({ media2cloudSearchCluster: 'production' }, { nag: false }).stacks.media2Cloud,
    );

    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceCount: SEARCH_CLUSTER_SIZES.development.dataNodes,
        InstanceType: SEARCH_CLUSTER_SIZES.development.dataNodeInstanceType,
      }),
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: Match.objectLike({ EnforceHTTPS: true }),
    });
    production.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceCount: SEARCH_CLUSTER_SIZES.production.dataNodes,
        DedicatedMasterEnabled: true,
        ZoneAwarenessEnabled: true,
      }),
    });
    expect(() => testApp({ media2cloudSearchCluster: 'huge' }, { nag: false })).toThrow(/media2cloudSearchCluster/);
  });

  it('lets no role read or write the domain beyond the content index', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
    );
    const search = statements.filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('es:')),
    );

    expect(search.length).toBeGreaterThan(0);
    for (const statement of search) {
      expect(JSON.stringify(statement.Resource)).toMatch(/\/content/);
      expect([statement.Action].flat().every((action) => /^es:ESHttp(Get|Put|Post|Delete)$/.test(action))).toBe(true);
    }
  });
});

/** The stack's own outputs, without the exports CDK adds for the stacks that reference it (KvsConsumer). */
function userOutputs(outputs: Record<string, { Export?: unknown }>): string[] {
  return Object.keys(outputs)
    .filter((key) => outputs[key]?.Export === undefined)
    .sort();
}

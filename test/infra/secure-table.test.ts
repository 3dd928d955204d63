import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { EXECUTION_TABLE } from '../../lambdas/media-insights/tables/executions';
import { ANALYSIS_TABLE } from '../../lambdas/media2cloud/tables/analysis';
import { SecureTable } from '../../lib/constructs/secure-table';
import { defaultTemplate, testApp, type StackId } from '../support/app';

describe('SecureTable', () => {
  it('builds the keys and indexes of the schema, on demand, recoverable, encrypted, protected and retained', () => {
    // Prepare
    const stack = new Stack(new App(), 'Test');

    // Act
    new SecureTable(stack, 'Executions', { schema: EXECUTION_TABLE });

    // Assess
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [
          {
            IndexName: 'WorkflowExecutionStatus',
            KeySchema: [
              { AttributeName: 'Status', KeyType: 'HASH' },
              { AttributeName: 'Created', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          Match.objectLike({ IndexName: 'WorkflowExecutionAssetId' }),
        ],
      },
    });
  });

  it('keeps the construct id as the logical id stem, so existing tables are not replaced', () => {
    // Prepare
    const stack = new Stack(new App(), 'Test');

    // Act
    new SecureTable(stack, 'AnalysisTable', { schema: ANALYSIS_TABLE });

    // Assess
    const [logicalId] = Object.keys(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    expect(logicalId).toMatch(/^AnalysisTable[0-9A-F]{8}$/);
  });

  it('refuses a schema that declares one attribute with two types', () => {
    // Act
    const create = () =>
      new SecureTable(new Stack(new App(), 'Test'), 'Broken', {
        schema: {
          partitionKey: { name: 'Id', type: 'S' },
          indexes: {
            byId: { indexName: 'ById', partitionKey: { name: 'Id', type: 'N' }, projection: { type: 'ALL' } },
          },
        },
      });

    // Assess
    expect(create).toThrow('SecureTable Broken: key attribute Id is declared both S and N');
  });

  it('is what every table of every stack is built with', () => {
    // Prepare
    const { app } = testApp({}, { nag: false });

    // Act
    const tablesByStack = new Map(
      app.node.children
        .filter((child): child is Stack => child instanceof Stack)
        .map((stack) => [
          stack,
          Object.values(defaultTemplate(stack.node.id as StackId).findResources('AWS::DynamoDB::Table')),
        ]),
    );
    const tables = [...tablesByStack.values()].flat();
    const builtBy = app.node
      .findAll()
      .filter((construct) => construct instanceof CfnTable)
      .map((table) => table.node.scope?.constructor.name);

    // Assess
    const backends = [...tablesByStack].filter(([, stackTables]) => stackTables.length > 0);
    expect(backends.map(([stack]) => stack.constructor.name).sort()).toEqual([
      'KvsConsumerStack',
      'M2aMediapackageStack',
      'Media2CloudStack',
      'MediaInsightsStack',
      'PixopStack',
    ]);
    expect(tables).toHaveLength(22);
    expect(builtBy).toEqual(tables.map(() => 'SecureTable'));
    for (const table of tables) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
        },
      });
    }
  });
});

import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { M2A_ROUTES } from '../../lambdas/m2a-mediapackage/routes';
import { PACKAGERS_TABLE } from '../../lambdas/m2a-mediapackage/tables/packagers';
import { PERMISSIONS_TABLE } from '../../lambdas/m2a-mediapackage/tables/permissions';
import { TARGET_ACCOUNTS_TABLE } from '../../lambdas/m2a-mediapackage/tables/target-accounts';
import { TEMPLATES_TABLE } from '../../lambdas/m2a-mediapackage/tables/templates';
import { RestApiFromRoutes } from '../constructs/rest-api-from-routes';
import { FailedInvocations } from '../constructs/failed-invocations';
import { acknowledgeWildcards, invokeGrantFinding, tableIndexFinding } from '../constructs/nag';
import { NodeFunction, PROJECT_ROOT } from '../constructs/node-function';
import { SecureTable } from '../constructs/secure-table';

export interface M2aMediapackageStackProps extends StackProps {
  /**
   * Deploy-time permissions: principal ARN pattern (`*`, `?` as in IAM) → grants
   * (`[{"permission": "read"|"write", "resource-type": "packager"|"template", "conditions": {...}}]`). More grants
   * can be stored in the permissions table at run time. @default - the `m2aPermissions` context, else none
   */
  readonly permissions?: Readonly<Record<string, unknown>>;
  /**
   * Hosts callbacks may reach although the SSRF guard would refuse them (`host` or `host:port`, matched as the URL
   * writes them), for test receivers. @default - the `m2aCallbackAllowedHosts` context, else none
   */
  readonly callbackAllowedHosts?: readonly string[];
  /** The value of the `m2a:cloud_env` macro. @default - the `m2aCloudEnv` context, else `prod` */
  readonly cloudEnv?: string;
  /**
   * Roles in target accounts the orchestration may assume must have names starting with this.
   * @default - the `m2aTargetRoleNamePrefix` context, else `M2aMediapackage`
   */
  readonly targetRoleNamePrefix?: string;
}

/**
 * M2A Mediapackage v1: the packager and template API (stage `v1`, SigV4), its tables, and the orchestration that
 * creates and deletes MediaPackage (v1) channels and origin endpoints in target accounts through an assumed role.
 */
export class M2aMediapackageStack extends Stack {
  public readonly api: RestApiFromRoutes;
  public readonly orchestration: sfn.StateMachine;
  public readonly worker: NodeFunction;
  public readonly tables: Readonly<
    Record<'packagers' | 'templates' | 'targetAccounts' | 'permissions', dynamodb.Table>
  >;

  constructor(scope: Construct, id: string, props: M2aMediapackageStackProps = {}) {
    super(scope, id, { description: 'mediaplane: M2A Mediapackage v1 API and MediaPackage orchestration', ...props });
    const context = (key: string): unknown => this.node.tryGetContext(key);
    const permissions = props.permissions ?? jsonContext(context('m2aPermissions'), 'm2aPermissions');
    const allowedHosts = props.callbackAllowedHosts ?? listContext(context('m2aCallbackAllowedHosts'));
    const cloudEnv = props.cloudEnv ?? stringContext(context('m2aCloudEnv'), 'm2aCloudEnv') ?? 'prod';
    const rolePrefix =
      props.targetRoleNamePrefix ??
      stringContext(context('m2aTargetRoleNamePrefix'), 'm2aTargetRoleNamePrefix') ??
      'M2aMediapackage';
    if (!/^[\w+=,.@-]{1,64}$/.test(rolePrefix)) throw new Error(`Invalid target role name prefix: ${rolePrefix}`);

    const packagers = new SecureTable(this, 'PackagersTable', { schema: PACKAGERS_TABLE });
    const templates = new SecureTable(this, 'TemplatesTable', { schema: TEMPLATES_TABLE });
    const targetAccounts = new SecureTable(this, 'TargetAccountsTable', { schema: TARGET_ACCOUNTS_TABLE });
    const permissionsTable = new SecureTable(this, 'PermissionsTable', { schema: PERMISSIONS_TABLE });
    this.tables = { packagers, templates, targetAccounts, permissions: permissionsTable };

    const shared = {
      PACKAGERS_TABLE_NAME: packagers.tableName,
      TEMPLATES_TABLE_NAME: templates.tableName,
      TARGET_ACCOUNTS_TABLE_NAME: targetAccounts.tableName,
      PERMISSIONS_TABLE_NAME: permissionsTable.tableName,
      CLOUD_ENV: cloudEnv,
      CALLBACK_ALLOWED_HOSTS: allowedHosts.join(','),
    };

    // Callbacks take up to 10 s to connect and 10 s per read, both URLs at once; the rest is a few API calls.
    this.worker = new NodeFunction(this, 'Worker', {
      entry: 'm2a-mediapackage/orchestration/handler.ts',
      description: 'M2A Mediapackage: orchestration steps (STS, MediaPackage) and packager callbacks',
      timeout: Duration.seconds(60),
      environment: shared,
    });
    // The API hands packager callbacks to the worker as asynchronous invocations.
    new FailedInvocations(this, 'WorkerFailures', { function: this.worker.function });
    packagers.grantReadWriteData(this.worker.function);
    templates.grantReadData(this.worker.function);
    targetAccounts.grantReadData(this.worker.function);
    const rolePattern = Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      account: '*',
      resource: 'role',
      resourceName: `${rolePrefix}*`,
    });
    this.worker.role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [rolePattern] }));
    acknowledgeWildcards(
      this.worker.role,
      'Target accounts are data (the target accounts table): the worker may assume the M2A role, by its name ' +
        'prefix, in any of them; the role trust policy and its ExternalId decide. Reading templates grants their ' +
        'owner index too.',
      [`Resource::arn:<AWS::Partition>:iam::*:role/${rolePrefix}*`, tableIndexFinding(templates)],
    );

    this.orchestration = new sfn.StateMachine(this, 'Orchestration', {
      definitionBody: sfn.DefinitionBody.fromFile(path.join(PROJECT_ROOT, 'statemachines', 'm2a-packager.asl.json')),
      definitionSubstitutions: { WorkerArn: this.worker.function.functionArn },
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'OrchestrationLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ALL,
        // Execution data holds callback URLs, which may carry one-time tokens.
        includeExecutionData: false,
      },
    });
    this.worker.function.grantInvoke(this.orchestration);
    acknowledgeWildcards(
      this.orchestration.role,
      'X-Ray and CloudWatch Logs delivery actions accept only "*"; invoking a function grants its versions.',
      ['Resource::*', invokeGrantFinding(this.worker.function)],
    );

    const apiHandler = new NodeFunction(this, 'ApiHandler', {
      entry: 'm2a-mediapackage/api/handler.ts',
      description: 'M2A Mediapackage v1 API (packagers, actions, templates)',
      environment: {
        ...shared,
        ORCHESTRATION_STATE_MACHINE_ARN: this.orchestration.stateMachineArn,
        WORKER_FUNCTION_ARN: this.worker.function.functionArn,
        PERMISSIONS: JSON.stringify(permissions),
      },
    });
    const fn = apiHandler.function;
    packagers.grantReadWriteData(fn);
    templates.grantReadWriteData(fn);
    targetAccounts.grantReadData(fn);
    permissionsTable.grantReadData(fn);
    this.orchestration.grantStartExecution(fn);
    this.worker.function.grantInvoke(fn);
    acknowledgeWildcards(
      apiHandler.role,
      'The API lists templates through the templates table owner index and queues callbacks on the worker ' +
        '(and its versions).',
      [
        `Resource::<${this.getLogicalId(templates.node.defaultChild as dynamodb.CfnTable)}.Arn>/index/*`,
        invokeGrantFinding(this.worker.function),
      ],
    );

    this.api = new RestApiFromRoutes(this, 'Api', {
      restApiName: 'M2aMediapackageApi',
      stageName: 'v1',
      description: 'M2A Mediapackage v1 API (mediaplane)',
      routes: M2A_ROUTES,
      handler: fn,
    });

    new CfnOutput(this, 'ApiEndpoint', {
      description: 'M2A Mediapackage API endpoint, stage included (https://<id>.execute-api.<region>.amazonaws.com/v1)',
      value: this.api.stageEndpoint,
    });
    new CfnOutput(this, 'TargetAccountsTableName', {
      description: 'Register target accounts here: {id, awsAccountId, roleArn, externalId?, regions}',
      value: targetAccounts.tableName,
    });
    new CfnOutput(this, 'PermissionsTableName', {
      description: 'Run-time grants per IAM principal ARN: {principal, grants}',
      value: permissionsTable.tableName,
    });
  }
}

function jsonContext(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Context "${name}" must be an object of principal ARN → grants`);
  }
  return parsed as Record<string, unknown>;
}

function listContext(value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : String(value).split(',');
  return list.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
}

function stringContext(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`Context "${name}" must be a non-empty string`);
  return value;
}

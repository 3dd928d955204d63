import * as path from 'node:path';
import { ArnFormat, CustomResource, Duration, Stack, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CatalogOperator } from '../../lambdas/media-insights/operators/catalog';
import { OPERATION_TABLE, STAGE_TABLE, WORKFLOW_TABLE } from '../../lambdas/media-insights/tables/definitions';
import { EXECUTION_STAGE_TABLE } from '../../lambdas/media-insights/tables/execution-stages';
import { EXECUTION_TABLE } from '../../lambdas/media-insights/tables/executions';
import { WORKFLOW_VERSION_TABLE } from '../../lambdas/media-insights/tables/workflow-versions';
import { SLOT_TABLE } from '../../lambdas/media-insights/tables/slots';
import { SYSTEM_TABLE } from '../../lambdas/media-insights/tables/system';
import { WORKFLOW_API_ROUTES } from '../../lambdas/media-insights/workflow/routes';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RestApiFromRoutes } from './rest-api-from-routes';
import { OperatorFunctions } from './mie-operator-functions';
import { FailedInvocations } from './failed-invocations';
import { acknowledgeWildcards, arnToken, invokeGrantFinding, tableIndexFinding } from './nag';
import { NodeFunction, PROJECT_ROOT } from './node-function';
import { SecureTable } from './secure-table';

/** Operator functions the engine may call carry this tag; the engine's permission is scoped by it, not by name. */
export const OPERATOR_TAG_KEY = 'mediaplane:mie-operator';

/** One built-in operator: its functions and the configuration it is registered with. */
export interface OperatorDefinition {
  readonly Name: string;
  readonly Type: 'Sync' | 'Async';
  readonly Configuration: { readonly MediaType: string; readonly Enabled: boolean; readonly [key: string]: unknown };
  readonly start: lambda.IFunction;
  readonly monitor?: lambda.IFunction;
}

export interface MediaInsightsWorkflowProps {
  /** The data plane API function: the API creates and reads assets through it, as the original does. */
  readonly dataplaneHandler: lambda.IFunction;
  /** Reported by `GET /version`. */
  readonly frameworkVersion: string;
  /** `MaxConcurrentWorkflows` until one is posted to `/system/configuration`. */
  readonly defaultMaxConcurrentWorkflows: string;
  /** Operators to deploy and register at deploy time (and by local mode at start). @default - none */
  readonly catalog?: readonly CatalogOperator[];
  /** Where operators write derived media (thumbnails, proxies). */
  readonly dataplaneBucket: s3.IBucket;
  /** Buckets besides the dataplane bucket operators may read workflow input media from (`['*']`: any). @default - none */
  readonly mediaBuckets?: readonly string[];
}

/**
 * The Media Insights workflow engine: the control plane API (stage `api`), its tables, one workflow-runner state
 * machine for every workflow, the engine and scheduler functions, and the rules that keep the scheduler fed.
 */
export class MediaInsightsWorkflow extends Construct {
  public readonly tables: Readonly<
    Record<
      'system' | 'operation' | 'stage' | 'workflow' | 'workflowVersion' | 'execution' | 'executionStage' | 'slot',
      dynamodb.Table
    >
  >;
  public readonly api: RestApiFromRoutes;
  public readonly stateMachine: sfn.StateMachine;
  public readonly engine: NodeFunction;
  public readonly scheduler: NodeFunction;
  /** The scheduler's failed asynchronous invocations (rules, the engine, the API and the wait operator invoke it so). */
  public readonly schedulerFailures: FailedInvocations;
  public readonly apiHandler: NodeFunction;

  constructor(scope: Construct, id: string, props: MediaInsightsWorkflowProps) {
    super(scope, id);

    const execution = new SecureTable(this, 'ExecutionTable', { schema: EXECUTION_TABLE });
    // Per-stage state and operator outputs, so completing a stage writes what it changes, not the whole execution.
    const executionStage = new SecureTable(this, 'ExecutionStageTable', { schema: EXECUTION_STAGE_TABLE });
    this.tables = {
      system: new SecureTable(this, 'SystemTable', { schema: SYSTEM_TABLE }),
      operation: new SecureTable(this, 'OperationTable', { schema: OPERATION_TABLE }),
      stage: new SecureTable(this, 'StageTable', { schema: STAGE_TABLE }),
      workflow: new SecureTable(this, 'WorkflowTable', { schema: WORKFLOW_TABLE }),
      workflowVersion: new SecureTable(this, 'WorkflowVersionTable', { schema: WORKFLOW_VERSION_TABLE }),
      execution,
      executionStage,
      slot: new SecureTable(this, 'SlotTable', { schema: SLOT_TABLE }),
    };
    const tableEnvironment = {
      SYSTEM_TABLE_NAME: this.tables.system.tableName,
      OPERATION_TABLE_NAME: this.tables.operation.tableName,
      STAGE_TABLE_NAME: this.tables.stage.tableName,
      WORKFLOW_TABLE_NAME: this.tables.workflow.tableName,
      WORKFLOW_EXECUTION_TABLE_NAME: execution.tableName,
      WORKFLOW_EXECUTION_STAGE_TABLE_NAME: executionStage.tableName,
      WORKFLOW_VERSION_TABLE_NAME: this.tables.workflowVersion.tableName,
      SLOT_TABLE_NAME: this.tables.slot.tableName,
      DEFAULT_MAX_CONCURRENT_WORKFLOWS: props.defaultMaxConcurrentWorkflows,
    };

    this.scheduler = new NodeFunction(this, 'Scheduler', {
      entry: 'media-insights/workflow/engine/scheduler-handler.ts',
      description: 'Media Insights workflow scheduler: starts queued workflow executions into free slots',
      timeout: Duration.seconds(60),
      // One scheduler at a time keeps starts in queue order; conditional writes keep it correct regardless.
      reservedConcurrentExecutions: 1,
      environment: tableEnvironment,
    });
    this.engine = new NodeFunction(this, 'Engine', {
      entry: 'media-insights/workflow/engine/handler.ts',
      description: 'Media Insights workflow engine: runs operators and completes stages',
      // Long enough to watch an async operator for many minutes without state transitions.
      timeout: Duration.minutes(15),
      environment: { ...tableEnvironment, SCHEDULER_FUNCTION_ARN: this.scheduler.function.functionArn },
    });

    // The runner is named, and the scheduler and API refer to it by that name rather than by reference: the runner
    // calls the engine, the engine calls the scheduler, and the scheduler starts the runner — references would
    // make that a circular dependency in CloudFormation.
    const stack = Stack.of(this);
    const runnerName = `${stack.stackName}-WorkflowRunner`;
    const runnerArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: runnerName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const runnerExecutionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${runnerName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const logGroup = new logs.LogGroup(this, 'RunnerLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stateMachine = new sfn.StateMachine(this, 'Runner', {
      stateMachineName: runnerName,
      definitionBody: sfn.DefinitionBody.fromFile(
        path.join(PROJECT_ROOT, 'statemachines', 'mie-workflow-runner.asl.json'),
      ),
      definitionSubstitutions: { EngineFunctionArn: this.engine.function.functionArn },
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.engine.function.grantInvoke(this.stateMachine);

    this.scheduler.function.addEnvironment('STATE_MACHINE_ARN', runnerArn);
    this.scheduler.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [runnerArn] }),
    );
    this.scheduler.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [runnerExecutionsArn],
      }),
    );
    for (const tableItem of [this.tables.system, execution, executionStage, this.tables.slot])
      tableItem.grantReadWriteData(this.scheduler.function);
    for (const tableItem of [execution, executionStage, this.tables.slot])
      tableItem.grantReadWriteData(this.engine.function);
    this.tables.operation.grantReadData(this.engine.function);
    this.scheduler.function.grantInvoke(this.engine.function);

    // Operators are invoked by the engine, scoped by tag: hundreds of operators need no policy growth.
    this.engine.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [
          Stack.of(this).formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        conditions: { StringEquals: { [`aws:ResourceTag/${OPERATOR_TAG_KEY}`]: 'true' } },
      }),
    );

    this.schedulerFailures = new FailedInvocations(this, 'SchedulerFailures', { function: this.scheduler.function });
    new events.Rule(this, 'RunnerFailed', {
      description: 'Marks a workflow execution Error and frees its slot when its runner fails, times out or is stopped',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [runnerArn] },
      },
      targets: [this.schedulerFailures.ruleTarget(4)],
    });
    new events.Rule(this, 'SchedulerTick', {
      description: 'Safety net: schedule queued executions and enforce workflow timeouts every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [this.schedulerFailures.ruleTarget(0)],
    });

    this.apiHandler = new NodeFunction(this, 'ApiHandler', {
      entry: 'media-insights/workflow/api/handler.ts',
      description: 'Media Insights workflow (control plane) API',
      environment: {
        ...tableEnvironment,
        STATE_MACHINE_ARN: runnerArn,
        SCHEDULER_FUNCTION_ARN: this.scheduler.function.functionArn,
        DATAPLANE_HANDLER_ARN: props.dataplaneHandler.functionArn,
        ENGINE_FUNCTION_ARN: this.engine.function.functionArn,
        FRAMEWORK_VERSION: props.frameworkVersion,
      },
    });
    for (const tableItem of Object.values(this.tables)) tableItem.grantReadWriteData(this.apiHandler.function);
    this.scheduler.function.grantInvoke(this.apiHandler.function);
    props.dataplaneHandler.grantInvoke(this.apiHandler.function);
    this.apiHandler.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StopExecution'], resources: [runnerExecutionsArn] }),
    );

    this.api = new RestApiFromRoutes(this, 'Api', {
      restApiName: 'MediaInsightsWorkflowApi',
      stageName: 'api',
      description: 'Media Insights on AWS workflow (control plane) API (mediaplane)',
      routes: WORKFLOW_API_ROUTES,
      handler: this.apiHandler.function,
    });
    this.grantServiceProxies(props.dataplaneBucket);

    this.registerOperators(props, { ...tableEnvironment, STATE_MACHINE_ARN: runnerArn });
    this.acknowledgeFindings(props, runnerName);
  }

  /**
   * The `/service/*` routes manage Transcribe vocabularies and Translate terminologies and parallel data of any
   * name the caller gives (listing has no resource-level permission), and read language models. Vocabulary and
   * parallel data files are read by the services with the caller's permissions, from the dataplane bucket where
   * the original's web app uploads them.
   */
  private grantServiceProxies(dataplaneBucket: s3.IBucket): void {
    const stack = Stack.of(this);
    const arn = (service: string, resource: string) =>
      stack.formatArn({ service, resource, resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const api = this.apiHandler.function;
    api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['transcribe:CreateVocabulary', 'transcribe:GetVocabulary', 'transcribe:DeleteVocabulary'],
        resources: [arn('transcribe', 'vocabulary')],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['transcribe:DescribeLanguageModel'],
        resources: [arn('transcribe', 'language-model')],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['translate:ImportTerminology', 'translate:GetTerminology', 'translate:DeleteTerminology'],
        resources: [arn('translate', 'terminology')],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['translate:CreateParallelData', 'translate:GetParallelData', 'translate:DeleteParallelData'],
        resources: [arn('translate', 'parallel-data')],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'transcribe:ListVocabularies',
          'transcribe:ListLanguageModels',
          'translate:ListTerminologies',
          'translate:ListParallelData',
        ],
        resources: ['*'],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [dataplaneBucket.arnForObjects('*')] }),
    );
    acknowledgeWildcards(
      this.apiHandler.role,
      'The /service/* proxies manage vocabularies, terminologies and parallel data whose names the caller chooses; ' +
        "the List operations have no resource-level permission; the services read the caller's vocabulary and " +
        'parallel data files from the dataplane bucket.',
      [
        ...[
          ['transcribe', 'vocabulary'],
          ['transcribe', 'language-model'],
          ['translate', 'terminology'],
          ['translate', 'parallel-data'],
        ].map(
          ([service, resource]) =>
            `Resource::arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}/*`,
        ),
        'Resource::*',
        `Resource::${arnToken(dataplaneBucket)}/*`,
      ],
    );
  }

  private registerOperators(props: MediaInsightsWorkflowProps, environment: Record<string, string>): void {
    const registration = new NodeFunction(this, 'Registration', {
      entry: 'media-insights/workflow/registration/handler.ts',
      description: 'Registers the built-in operators and seeds MaxConcurrentWorkflows at deploy time',
      timeout: Duration.minutes(2),
      environment: {
        ...environment,
        SCHEDULER_FUNCTION_ARN: this.scheduler.function.functionArn,
        DATAPLANE_HANDLER_ARN: props.dataplaneHandler.functionArn,
        ENGINE_FUNCTION_ARN: this.engine.function.functionArn,
        FRAMEWORK_VERSION: props.frameworkVersion,
      },
    });
    for (const tableItem of Object.values(this.tables)) tableItem.grantReadWriteData(registration.function);
    acknowledgeWildcards(registration.role, "Registration reads the execution table's indexes like the API does.", [
      tableIndexFinding(this.tables.execution),
    ]);
    const operators = new OperatorFunctions(this, 'Operators', {
      catalog: props.catalog ?? [],
      dataplaneHandler: props.dataplaneHandler,
      dataplaneBucket: props.dataplaneBucket,
      executionTable: this.tables.execution,
      scheduler: this.scheduler.function,
      mediaBuckets: props.mediaBuckets,
    }).operators;
    for (const operator of operators) {
      for (const fn of [operator.start, operator.monitor]) if (fn) Tags.of(fn).add(OPERATOR_TAG_KEY, 'true');
    }
    new CustomResource(this, 'BuiltInOperators', {
      serviceToken: registration.function.functionArn,
      resourceType: 'Custom::MediaInsightsRegistration',
      properties: {
        MaxConcurrentWorkflows: props.defaultMaxConcurrentWorkflows,
        Operations: operators.map((operator) => ({
          Name: operator.Name,
          Type: operator.Type,
          Configuration: operator.Configuration,
          StartLambdaArn: operator.start.functionArn,
          ...(operator.monitor ? { MonitorLambdaArn: operator.monitor.functionArn } : {}),
        })),
      },
    });
  }

  private acknowledgeFindings(props: MediaInsightsWorkflowProps, runnerName: string): void {
    const executionsOfRunner = `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${runnerName}:*`;
    const indexes = tableIndexFinding(this.tables.execution);
    acknowledgeWildcards(
      this.engine.role,
      `The engine invokes operator functions, which users add at run time: any function, but only if tagged ` +
        `${OPERATOR_TAG_KEY}=true. It also queries the execution table's indexes and invokes the scheduler (with its versions).`,
      [
        'Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*',
        indexes,
        invokeGrantFinding(this.scheduler.function),
      ],
    );
    acknowledgeWildcards(
      this.scheduler.role,
      'The scheduler describes and stops executions of the workflow runner (execution ARNs are only known at run ' +
        'time) and queries the execution table by status.',
      [executionsOfRunner, indexes],
    );
    acknowledgeWildcards(
      this.apiHandler.role,
      'The API stops runner executions of deleted workflow executions, queries the execution table by status and ' +
        'asset, and invokes the scheduler and the data plane (with their versions).',
      [
        executionsOfRunner,
        indexes,
        invokeGrantFinding(this.scheduler.function),
        invokeGrantFinding(props.dataplaneHandler),
      ],
    );
    acknowledgeWildcards(
      this.stateMachine.role,
      'X-Ray tracing and CloudWatch Logs delivery actions have no resource-level permissions; the runner invokes ' +
        'only the engine function (with its versions).',
      ['Resource::*', `Resource::${arnToken(this.engine.function)}:*`],
    );
  }
}

/**
 * Request validation for the workflow API. Each function takes a parsed JSON body and returns it typed, or throws a
 * `BadRequestError` with the original's message where the original had one.
 */
import { BadRequestError } from '../../../shared/http/errors';
import { Messages } from './messages';
import {
  INPUT_MEDIA_TYPES,
  MAX_CONCURRENT_WORKFLOWS_LIMIT,
  type ConfigurationOverrides,
  type InputMediaType,
  type JsonObject,
  type OperationConfiguration,
  type OperationType,
  type SystemConfigurationItem,
} from './types';

export interface CreateOperationRequest {
  Name: string;
  Type: OperationType;
  Configuration: OperationConfiguration;
  StartLambdaArn: string;
  MonitorLambdaArn?: string;
  /** The original stores any other key of the body with the operation. */
  [key: string]: unknown;
}

export interface CreateStageRequest {
  Name: string;
  Operations: string[];
  [key: string]: unknown;
}

/** A stage entry of a workflow request, normalised: `End` is present only when true. */
export interface WorkflowStageLink {
  Next?: string;
  End?: true;
  [key: string]: unknown;
}

export interface CreateWorkflowRequest {
  Name: string;
  StartAt: string;
  Stages: Record<string, WorkflowStageLink>;
  [key: string]: unknown;
}

export interface UpdateWorkflowRequest {
  Name: string;
  StartAt?: string;
  Stages?: Record<string, WorkflowStageLink>;
}

export interface MediaInput {
  MediaType: InputMediaType;
  S3Bucket: string;
  S3Key: string;
}

/** Where an execution's media comes from: an existing data plane asset, or an S3 object to make an asset of. */
export type ExecutionSource = { readonly AssetId: string } | { readonly Media: MediaInput };

export interface CreateExecutionRequest {
  Name: string;
  Input: ExecutionSource;
  Configuration: ConfigurationOverrides;
}

export interface ResumeExecutionRequest {
  /** Absent means the original's no-op: `PUT /workflow/execution/{Id}` answers `{}`. */
  WaitingStageName?: string;
}

const OPERATION_TYPES: readonly OperationType[] = ['Sync', 'Async'];

export function validateCreateOperation(body: unknown): CreateOperationRequest {
  // The original validates with a JSON schema and reports the error jsonschema ranks first: the shallowest one,
  // in schema order. Collecting every error with its depth reproduces that choice.
  const errors = new SchemaErrors();
  if (!isObject(body)) throw new BadRequestError(Messages.wrongType(pythonRepr(body), 'object'));
  errors.required(body, ['StartLambdaArn', 'Configuration', 'Type', 'Name'], 0);
  errors.type(body.StartLambdaArn, 'string', 1);
  errors.type(body.MonitorLambdaArn, 'string', 1);
  const configuration = body.Configuration;
  if (configuration !== undefined) {
    if (!isObject(configuration)) errors.add(1, Messages.wrongType(pythonRepr(configuration), 'object'));
    else {
      errors.required(configuration, ['MediaType', 'Enabled'], 1);
      errors.type(configuration.MediaType, 'string', 2);
      errors.type(configuration.Enabled, 'boolean', 2);
    }
  }
  errors.type(body.ResourceType, 'string', 1);
  if (body.Type !== undefined) {
    errors.type(body.Type, 'string', 1);
    if (!OPERATION_TYPES.includes(body.Type as OperationType)) {
      errors.add(1, Messages.notOneOf(pythonRepr(body.Type), OPERATION_TYPES));
    }
  }
  errors.type(body.Name, 'string', 1);
  errors.throwFirst();

  const request = body as CreateOperationRequest;
  if (request.Type === 'Async' && !('MonitorLambdaArn' in request)) {
    throw new BadRequestError(Messages.requiredKey('MonitorLambdaArn', 'Operation monitoring lambda function ARN'));
  }
  return request;
}

export function validateCreateStage(body: unknown): CreateStageRequest {
  const errors = new SchemaErrors();
  if (!isObject(body)) throw new BadRequestError(Messages.wrongType(pythonRepr(body), 'object'));
  errors.required(body, ['Name', 'Operations'], 0);
  errors.type(body.Name, 'string', 1);
  if (body.Operations !== undefined) {
    if (!Array.isArray(body.Operations)) errors.add(1, Messages.wrongType(pythonRepr(body.Operations), 'array'));
    else for (const operation of body.Operations) errors.type(operation, 'string', 2);
  }
  errors.throwFirst();
  return body as CreateStageRequest;
}

export function validateCreateWorkflow(body: unknown): CreateWorkflowRequest {
  const workflow = requireObject(body);
  for (const key of ['Name', 'StartAt', 'Stages']) {
    if (!(key in workflow)) throw new BadRequestError(Messages.requiredKey(key, 'Workflow Definition'));
  }
  const name = requireString(workflow.Name);
  const startAt = requireString(workflow.StartAt);
  const stages = validateWorkflowStages(name, startAt, workflow.Stages);
  return { ...workflow, Name: name, StartAt: startAt, Stages: stages };
}

/** `PUT /workflow`: only `Name` is required; the merged result is validated again by {@link validateWorkflowStages}. */
export function validateUpdateWorkflow(body: unknown): UpdateWorkflowRequest {
  const workflow = requireObject(body);
  if (!('Name' in workflow)) throw new BadRequestError(Messages.requiredKey('Name', 'Workflow Definition'));
  const request: UpdateWorkflowRequest = { Name: requireString(workflow.Name) };
  if ('StartAt' in workflow) request.StartAt = requireString(workflow.StartAt);
  if ('Stages' in workflow) {
    if (!isObject(workflow.Stages))
      throw new BadRequestError(Messages.wrongType(pythonRepr(workflow.Stages), 'object'));
    request.Stages = workflow.Stages as Record<string, WorkflowStageLink>;
  }
  return request;
}

/**
 * The stage graph of a workflow: every stage has `End` or `Next`, exactly one has `End`, and following `Next` from
 * `StartAt` visits every stage once. The original checks only the first two itself; Step Functions then rejects
 * unknown, unreachable or cyclic stages when the workflow's state machine is created (a 500 there).
 */
export function validateWorkflowStages(
  workflowName: string,
  startAt: string,
  stages: unknown,
): Record<string, WorkflowStageLink> {
  if (!isObject(stages)) throw new BadRequestError(Messages.wrongType(pythonRepr(stages), 'object'));
  const links: Record<string, WorkflowStageLink> = {};
  let endCount = 0;
  for (const [name, stage] of Object.entries(stages)) {
    if (!isObject(stage)) throw new BadRequestError(Messages.wrongType(pythonRepr(stage), 'object'));
    // The original tests End with Python truthiness, so `"End": false` beside a Next is an ordinary link.
    const isEnd = isPythonTruthy(stage.End);
    if (isEnd) endCount += 1;
    else if (!('Next' in stage)) throw new BadRequestError(Messages.stageNeedsEndOrNext(name));
    const { End: _end, ...rest } = stage;
    links[name] = isEnd ? { ...rest, End: true } : { ...rest };
  }
  if (endCount !== 1) throw new BadRequestError(Messages.exactlyOneEnd(workflowName));

  for (const [name, link] of Object.entries(links)) {
    if (link.End && 'Next' in link) throw new BadRequestError(Messages.stageHasEndAndNext(name));
    if ('Next' in link && typeof link.Next !== 'string') {
      throw new BadRequestError(Messages.wrongType(pythonRepr(link.Next), 'string'));
    }
  }
  if (!(startAt in links)) throw new BadRequestError(Messages.startAtUnknown(startAt));
  for (const [name, link] of Object.entries(links)) {
    if (link.Next !== undefined && !(link.Next in links))
      throw new BadRequestError(Messages.nextUnknown(name, link.Next));
  }

  const visited = new Set<string>();
  let current: string | undefined = startAt;
  while (current !== undefined) {
    if (visited.has(current)) throw new BadRequestError(Messages.stageCycle(current));
    visited.add(current);
    current = links[current].Next;
  }
  const unreachable = Object.keys(links).find((name) => !visited.has(name));
  if (unreachable !== undefined) throw new BadRequestError(Messages.stageUnreachable(unreachable, startAt));
  return links;
}

export function validateCreateExecution(body: unknown): CreateExecutionRequest {
  const execution = requireObject(body);
  // The original looks at Input before anything else, and prefers AssetId when both are given.
  const input = execution.Input ?? {};
  if (!isObject(input) || !('AssetId' in input || 'Media' in input)) {
    throw new BadRequestError(Messages.inputNeedsAssetOrMedia);
  }
  const source = 'AssetId' in input ? { AssetId: requireString(input.AssetId) } : { Media: validateMedia(input.Media) };

  if (!('Name' in execution)) throw new BadRequestError(Messages.requiredKey('Name', 'Workflow Execution'));
  const name = requireString(execution.Name);
  const configuration = validateConfigurationOverrides(execution.Configuration ?? {});
  return { Name: name, Input: source, Configuration: configuration };
}

function validateMedia(media: unknown): MediaInput {
  if (!isObject(media)) throw new BadRequestError(Messages.wrongType(pythonRepr(media), 'object'));
  // The original makes the asset from the first media type only and ignores any others.
  const first = Object.entries(media)[0];
  if (first === undefined) throw new BadRequestError(Messages.inputNeedsAssetOrMedia);
  const [mediaType, location] = first;
  if (!(INPUT_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new BadRequestError(Messages.unsupportedInputMediaType(mediaType, INPUT_MEDIA_TYPES));
  }
  if (!isObject(location)) throw new BadRequestError(Messages.wrongType(pythonRepr(location), 'object'));
  for (const key of ['S3Bucket', 'S3Key']) {
    if (!(key in location)) throw new BadRequestError(Messages.requiredKey(key, `Input.Media.${mediaType}`));
  }
  return {
    MediaType: mediaType as InputMediaType,
    S3Bucket: requireString(location.S3Bucket),
    S3Key: requireString(location.S3Key),
  };
}

function validateConfigurationOverrides(configuration: unknown): ConfigurationOverrides {
  if (!isObject(configuration)) throw new BadRequestError(Messages.wrongType(pythonRepr(configuration), 'object'));
  for (const stage of Object.values(configuration)) {
    if (!isObject(stage)) throw new BadRequestError(Messages.wrongType(pythonRepr(stage), 'object'));
    for (const operation of Object.values(stage)) {
      if (!isObject(operation)) throw new BadRequestError(Messages.wrongType(pythonRepr(operation), 'object'));
    }
  }
  return configuration as ConfigurationOverrides;
}

export function validateSystemConfiguration(body: unknown): SystemConfigurationItem {
  const item = requireObject(body);
  if (!('Name' in item)) throw new BadRequestError(Messages.requiredKey('Name', 'System Configuration'));
  const name = requireString(item.Name);
  if (name === 'MaxConcurrentWorkflows') {
    const value = item.Value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new BadRequestError(Messages.maxConcurrentWorkflows);
    }
    if (value > MAX_CONCURRENT_WORKFLOWS_LIMIT) {
      throw new BadRequestError(Messages.maxConcurrentWorkflowsLimit(MAX_CONCURRENT_WORKFLOWS_LIMIT));
    }
  }
  return { ...item, Name: name };
}

export function validateResumeExecution(body: unknown): ResumeExecutionRequest {
  const request = requireObject(body);
  if (!('WaitingStageName' in request)) return {};
  return { WaitingStageName: requireString(request.WaitingStageName) };
}

/** `?force=true` exactly; the original treats any other value, or none, as false. */
export function isForced(query: Readonly<Record<string, string | undefined>>): boolean {
  return query.force === 'true';
}

/** Python's idea of a false value, which the original applies to `End` and `Enabled`. */
export function isPythonTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** A value as Python's `repr` prints it, for messages the original gets from jsonschema. */
export function pythonRepr(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') {
    return value.includes("'") && !value.includes('"')
      ? `"${value}"`
      : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([key, entry]) => `${pythonRepr(key)}: ${pythonRepr(entry)}`)
      .join(', ')}}`;
  }
  return String(value);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(body: unknown): JsonObject {
  if (!isObject(body)) throw new BadRequestError(Messages.bodyMustBeObject);
  return body;
}

function requireString(value: unknown): string {
  if (typeof value !== 'string') throw new BadRequestError(Messages.wrongType(pythonRepr(value), 'string'));
  return value;
}

type SchemaType = 'string' | 'boolean';

class SchemaErrors {
  private readonly errors: { depth: number; message: string }[] = [];

  add(depth: number, message: string): void {
    this.errors.push({ depth, message });
  }

  required(object: JsonObject, keys: readonly string[], depth: number): void {
    for (const key of keys) if (!(key in object)) this.add(depth, Messages.requiredProperty(key));
  }

  type(value: unknown, type: SchemaType, depth: number): void {
    if (value !== undefined && typeof value !== type) this.add(depth, Messages.wrongType(pythonRepr(value), type));
  }

  throwFirst(): void {
    if (this.errors.length === 0) return;
    const shallowest = Math.min(...this.errors.map((error) => error.depth));
    const first = this.errors.find((error) => error.depth === shallowest);
    if (first) throw new BadRequestError(first.message);
  }
}

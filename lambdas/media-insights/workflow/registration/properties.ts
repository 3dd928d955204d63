/**
 * The registration custom resource's properties. CloudFormation delivers every scalar of `ResourceProperties` as a
 * string, so booleans and numbers are turned back into what the workflow API expects before the same validation
 * the API applies.
 */
import { HttpError } from '../../../shared/http/errors';
import { isObject } from '../domain/validation';
import { MAX_CONCURRENT_WORKFLOWS_LIMIT, type JsonObject } from '../domain/types';

/** What the custom resource registers, in the order it must be registered (each builds on the one before). */
export interface Registration {
  /** Request bodies for `POST /workflow/operation`. */
  readonly operations: readonly JsonObject[];
  readonly stages: readonly JsonObject[];
  readonly workflows: readonly JsonObject[];
  /** Seeded into the system table unless a value is already stored. */
  readonly maxConcurrentWorkflows?: number;
}

export interface RegisteredNames {
  readonly operations: readonly string[];
  readonly stages: readonly string[];
  readonly workflows: readonly string[];
}

/** The properties do not describe a registration; the message names the offending entry. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}

export function parseRegistration(properties: unknown): Registration {
  if (!isObject(properties)) throw new InvalidPropertiesError('ResourceProperties must be an object');
  const operations = entries(properties, 'Operations', true).map((operation, index) =>
    withConfigurationBooleans(operation, `Operations[${index}]`),
  );
  const stages = entries(properties, 'Stages', false);
  const workflows = entries(properties, 'Workflows', false).map((workflow, index) =>
    withWorkflowStages(workflow, `Workflows[${index}]`),
  );
  return { operations, stages, workflows, maxConcurrentWorkflows: maxConcurrent(properties.MaxConcurrentWorkflows) };
}

/**
 * The names a Delete must remove, read leniently: an entry that cannot be parsed was never registered, and a Delete
 * that fails on it would leave the stack unable to roll back or be deleted.
 */
export function registeredNames(properties: unknown): RegisteredNames {
  const names = (key: string): string[] => {
    const list = isObject(properties) ? properties[key] : undefined;
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry: unknown) => (isObject(entry) && typeof entry.Name === 'string' ? [entry.Name] : []));
  };
  return { operations: names('Operations'), stages: names('Stages'), workflows: names('Workflows') };
}

/** Names registered before an update and no longer listed: the update removes them. */
export function removedNames(before: RegisteredNames, after: RegisteredNames): RegisteredNames {
  const removed = (old: readonly string[], current: readonly string[]) => old.filter((name) => !current.includes(name));
  return {
    operations: removed(before.operations, after.operations),
    stages: removed(before.stages, after.stages),
    workflows: removed(before.workflows, after.workflows),
  };
}

/** Prefixes a validation failure with the entry it is about, so the CloudFormation event says where to look. */
export function describeEntryError(entry: string, error: unknown): Error {
  if (error instanceof HttpError) return new InvalidPropertiesError(`${entry}: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

function entries(properties: JsonObject, key: string, required: boolean): JsonObject[] {
  const list = properties[key];
  if (list === undefined && !required) return [];
  if (!Array.isArray(list)) throw new InvalidPropertiesError(`${key} must be a list`);
  return list.map((entry: unknown, index) => {
    if (!isObject(entry)) throw new InvalidPropertiesError(`${key}[${index}] must be an object`);
    return entry;
  });
}

/** The original converts `Enabled` only, with `== 'true'`: any other string is false. */
function withConfigurationBooleans(operation: JsonObject, entry: string): JsonObject {
  const configuration = operation.Configuration;
  if (!isObject(configuration)) return operation;
  if (typeof configuration.Enabled !== 'string') return operation;
  if (!['true', 'false'].includes(configuration.Enabled)) {
    throw new InvalidPropertiesError(`${entry}: Configuration.Enabled must be "true" or "false"`);
  }
  return { ...operation, Configuration: { ...configuration, Enabled: configuration.Enabled === 'true' } };
}

/**
 * The original receives `Stages` as a JSON string and parses it; a nested object is accepted too. Inside it, a
 * stringified `End` must not count as true when it says "false" (Python truthiness would make it true).
 */
function withWorkflowStages(workflow: JsonObject, entry: string): JsonObject {
  let stages = workflow.Stages;
  if (typeof stages === 'string') {
    try {
      stages = JSON.parse(stages) as unknown;
    } catch {
      throw new InvalidPropertiesError(`${entry}: Stages is not valid JSON`);
    }
  }
  if (!isObject(stages)) return { ...workflow, Stages: stages };
  const links: JsonObject = {};
  for (const [name, link] of Object.entries(stages)) {
    if (isObject(link) && typeof link.End === 'string') {
      const { End: end, ...rest } = link;
      links[name] = end === 'true' ? { ...rest, End: true } : rest;
    } else links[name] = link;
  }
  return { ...workflow, Stages: links };
}

function maxConcurrent(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (
    typeof number !== 'number' ||
    !Number.isInteger(number) ||
    number < 1 ||
    number > MAX_CONCURRENT_WORKFLOWS_LIMIT
  ) {
    throw new InvalidPropertiesError(
      `MaxConcurrentWorkflows must be an integer from 1 to ${MAX_CONCURRENT_WORKFLOWS_LIMIT}`,
    );
  }
  return number;
}

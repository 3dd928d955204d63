import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { InvalidDefinition } from './errors';
import { interpreterLibrary } from './interpreter';
import { parseTaskResource } from './resources';

type JsonObject = Record<string, unknown>;

/** Node timers overflow past 2^31-1 ms and then fire at once: no timeout handed to the interpreter may exceed this. */
export const MAX_TIMER_SECONDS = 2_147_483;

/**
 * The interpreter rebuilds `$$.Execution` for every Map iteration and Parallel branch, so there `$$.Execution.Input`
 * would be the item, not the execution's input. Paths are rewritten to read this context key instead.
 */
export const ROOT_EXECUTION_CONTEXT_KEY = 'LocalModeRootExecution';

const SUPPORTED_RESOURCES =
  'lambda:invoke, lambda:invoke.waitForTaskToken, Lambda function ARNs, states:startExecution, ' +
  'states:startExecution.sync, states:startExecution.sync:2, states:startExecution.waitForTaskToken';

// Fields that only Distributed Map accepts; the interpreter runs every Map inline and would silently ignore them.
const DISTRIBUTED_MAP_FIELDS = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'Label',
];

// The interpreter's validator compiles its JSON schemas on every call (~60 ms); local mode re-registers the same
// definitions on every start, so results are remembered per definition text.
const knownProblems = new Map<string, readonly string[]>();
const KNOWN_PROBLEMS_LIMIT = 500;

export interface ValidateDefinitionOptions {
  /**
   * Refuse `${...}` DefinitionSubstitutions in `Resource`, as CreateStateMachine must. Definition files in
   * `statemachines/` still hold them; only CloudFormation resolves them.
   * @default false
   */
  readonly requireResolvedArns?: boolean;
}

/** A Task state as the local task runner needs it. */
export interface TaskStateDefinition {
  readonly Resource: string;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number;
}

export interface PreparedDefinition {
  /** The definition the interpreter runs: timeouts clamped, root-execution paths rewritten. */
  readonly interpreterDefinition: StateMachineDefinition;
  /** Every Task state of the machine, nested ones included; AWS requires state names to be unique machine-wide. */
  readonly taskStates: ReadonlyMap<string, TaskStateDefinition>;
}

/**
 * Everything in `definition` that local mode cannot run faithfully, one sentence each; empty when it can run it.
 * Covers what the interpreter lacks (JSONata, variables, Distributed Map, unsupported Task resources) and what the
 * Amazon States Language itself forbids.
 */
export function findDefinitionProblems(definition: unknown, options: ValidateDefinitionOptions = {}): string[] {
  const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
  const key = `${options.requireResolvedArns === true}:${text}`;
  let problems = knownProblems.get(key);
  if (!problems) {
    problems = computeDefinitionProblems(definition, options);
    if (knownProblems.size >= KNOWN_PROBLEMS_LIMIT) knownProblems.delete(knownProblems.keys().next().value!);
    knownProblems.set(key, problems);
  }
  return [...problems];
}

function computeDefinitionProblems(definition: unknown, options: ValidateDefinitionOptions): string[] {
  let machine: JsonObject;
  try {
    machine = parseDefinition(definition);
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  if (machine.QueryLanguage === 'JSONata') {
    problems.push('QueryLanguage "JSONata" is not supported by the local interpreter: use JSONPath');
  }
  forEachState(machine, (name, state) => problems.push(...stateProblems(name, state, options)));
  problems.push(...aslProblems(machine));
  return problems;
}

/** Throws `InvalidDefinition` listing every problem `findDefinitionProblems` reports; returns the parsed definition. */
export function validateDefinition(
  definition: unknown,
  options: ValidateDefinitionOptions = {},
): StateMachineDefinition {
  const problems = findDefinitionProblems(definition, options);
  if (problems.length > 0) {
    throw new InvalidDefinition(`Invalid State Machine Definition: ${problems.join('; ')}`);
  }
  return parseDefinition(definition) as unknown as StateMachineDefinition;
}

export function parseDefinition(definition: unknown): JsonObject {
  let parsed = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw new InvalidDefinition(`Invalid State Machine Definition: not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(parsed)) throw new InvalidDefinition('Invalid State Machine Definition: must be a JSON object');
  return cloneJson(parsed);
}

export function prepareDefinition(definition: StateMachineDefinition): PreparedDefinition {
  const machine = cloneJson(definition) as unknown as JsonObject;
  const taskStates = new Map<string, TaskStateDefinition>();
  if (typeof machine.TimeoutSeconds === 'number') {
    machine.TimeoutSeconds = Math.min(machine.TimeoutSeconds, MAX_TIMER_SECONDS);
  }
  forEachState(machine, (name, state) => {
    rewriteRootExecutionPaths(state);
    if (state.Type !== 'Task') return;
    // The interpreter defaults a Task to 60 s (the ASL spec); AWS defaults it to 99999999 s.
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      state.TimeoutSeconds = MAX_TIMER_SECONDS;
    } else if (typeof state.TimeoutSeconds === 'number') {
      state.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_TIMER_SECONDS);
    }
    taskStates.set(name, state as unknown as TaskStateDefinition);
  });
  return { interpreterDefinition: machine as unknown as StateMachineDefinition, taskStates };
}

function stateProblems(name: string, state: JsonObject, options: ValidateDefinitionOptions): string[] {
  const problems: string[] = [];
  const at = `State "${name}"`;
  if (state.QueryLanguage === 'JSONata') {
    problems.push(`${at}: QueryLanguage "JSONata" is not supported by the local interpreter: use JSONPath`);
  }
  for (const field of ['Arguments', 'Output']) {
    if (field in state) problems.push(`${at}: "${field}" is a JSONata field: use Parameters/ResultSelector/OutputPath`);
  }
  if ('Assign' in state)
    problems.push(`${at}: "Assign" (workflow variables) is not supported by the local interpreter`);
  for (const catcher of arrayOfObjects(state.Catch)) {
    if ('Assign' in catcher) problems.push(`${at}: "Assign" in Catch is not supported by the local interpreter`);
    if ('Output' in catcher) problems.push(`${at}: "Output" in Catch is a JSONata field: use ResultPath`);
  }
  for (const choice of arrayOfObjects(state.Choices)) {
    if ('Condition' in choice) problems.push(`${at}: choice "Condition" is a JSONata field: use Variable`);
    if ('Assign' in choice) problems.push(`${at}: "Assign" in Choices is not supported by the local interpreter`);
  }
  if (state.Type === 'Map') problems.push(...mapProblems(at, state));
  if (state.Type === 'Task') problems.push(...taskProblems(at, state, options));
  return problems;
}

function mapProblems(at: string, state: JsonObject): string[] {
  const problems: string[] = [];
  const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : undefined;
  const mode = isObject(processor?.ProcessorConfig) ? processor.ProcessorConfig.Mode : undefined;
  if (mode === 'DISTRIBUTED') {
    problems.push(`${at}: Distributed Map (ProcessorConfig.Mode DISTRIBUTED) is not supported: use Mode INLINE`);
  }
  for (const field of DISTRIBUTED_MAP_FIELDS) {
    if (field in state) problems.push(`${at}: "${field}" belongs to Distributed Map, which is not supported`);
  }
  return problems;
}

function taskProblems(at: string, state: JsonObject, options: ValidateDefinitionOptions): string[] {
  const problems: string[] = [];
  if ('HeartbeatSecondsPath' in state) {
    problems.push(`${at}: "HeartbeatSecondsPath" is not supported locally: use HeartbeatSeconds`);
  }
  const resource = state.Resource;
  if (typeof resource !== 'string') return problems;
  // `${...}` is a DefinitionSubstitution CloudFormation resolves at deploy time: only its resolved value can be judged.
  if (resource.includes('${')) {
    if (options.requireResolvedArns) problems.push(`${at}: Resource "${resource}" is an unresolved substitution`);
  } else if (parseTaskResource(resource) === undefined) {
    problems.push(`${at}: Resource "${resource}" is not supported locally (supported: ${SUPPORTED_RESOURCES})`);
  }
  return problems;
}

/**
 * asl-validator builds and compiles its JSON schemas anew on every call, about a second of CPU per definition, which
 * every start of local mode paid for each state machine. A definition it accepted is remembered on disk by digest
 * (per validator version), so the same state machines are not judged again by the next start or the next test.
 */
const ACCEPTED_DIR = path.join(
  os.tmpdir(),
  `mediaplane-asl-accepted-${JSON.parse(fs.readFileSync(require.resolve('asl-validator/package.json'), 'utf8')).version}`,
);

function aslProblems(machine: JsonObject): string[] {
  const marker = path.join(ACCEPTED_DIR, createHash('sha256').update(JSON.stringify(machine)).digest('hex'));
  if (fs.existsSync(marker)) return [];
  const problems = validateAsl(machine);
  if (problems.length === 0) {
    fs.mkdirSync(ACCEPTED_DIR, { recursive: true });
    fs.writeFileSync(marker, '');
  }
  return problems;
}

function validateAsl(machine: JsonObject): string[] {
  try {
    // With ARN checks on, the validator still accepts a whole-value `${...}` Resource as a substitution.
    new (interpreterLibrary().StateMachine)(machine as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    return [];
  } catch (error) {
    const text = (error as Error).message.replace(/^State machine definition is invalid, see error\(s\) below:\s*/, '');
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
  }
}

/** Visits every state, including those inside Parallel branches and Map processors. */
function forEachState(machine: JsonObject, visit: (name: string, state: JsonObject) => void): void {
  if (!isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    visit(name, state);
    if (state.Type === 'Parallel') {
      for (const branch of arrayOfObjects(state.Branches)) forEachState(branch, visit);
    }
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (isObject(processor)) forEachState(processor, visit);
    }
  }
}

const ROOT_EXECUTION_PATH = /\$\$\.Execution\.(Input|StartTime)\b/g;
const NESTED_MACHINE_FIELDS = new Set(['Branches', 'Iterator', 'ItemProcessor', 'Result']);

/** Rewrites `$$.Execution.Input|StartTime` in every path-valued field of one state (nested machines excluded). */
function rewriteRootExecutionPaths(state: JsonObject): void {
  const rewrite = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      const isPath = key.endsWith('.$') || key.endsWith('Path') || key === 'Variable';
      return isPath
        ? value.replace(ROOT_EXECUTION_PATH, (_, field) => `$$.${ROOT_EXECUTION_CONTEXT_KEY}.${field}`)
        : value;
    }
    if (Array.isArray(value)) return value.map((item) => rewrite(item, key));
    if (isObject(value)) {
      for (const [childKey, child] of Object.entries(value)) value[childKey] = rewrite(child, childKey);
    }
    return value;
  };
  for (const [key, value] of Object.entries(state)) {
    if (!NESTED_MACHINE_FIELDS.has(key)) state[key] = rewrite(value, key);
  }
}

/**
 * The interpreter only expands payload templates made of plain objects of its own realm (it compares prototypes), so
 * definitions are copied through JSON rather than `structuredClone`, whose copies may come from another realm.
 */
function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOfObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

import { InvalidInputError, StateConflictError } from './errors';
import { CallbackAllowList, parseCallbackUrl } from './callback-targets';
import { isPlainObject, labelsField, onlyKnownMembers, stringField, uuidField } from './validation';

/**
 * A packager's lifecycle. Created INITIAL; START moves INITIAL → STARTING → RUNNING (or FAILED); STOP moves
 * RUNNING → STOPPING → STOPPED (or FAILED). STOPPED and FAILED are terminal: no action leaves them.
 */
export const PACKAGER_STATES = ['INITIAL', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'FAILED'] as const;
export type PackagerState = (typeof PACKAGER_STATES)[number];

export const ACTIONS = ['START', 'STOP'] as const;
export type PackagerAction = (typeof ACTIONS)[number];

/** The state an action needs, and the state it moves the packager to at once. */
export const ACTION_TRANSITIONS: Readonly<Record<PackagerAction, { from: PackagerState; to: PackagerState }>> = {
  START: { from: 'INITIAL', to: 'STARTING' },
  STOP: { from: 'RUNNING', to: 'STOPPING' },
};

/** Where the orchestration ends an action. */
export const ACTION_OUTCOMES: Readonly<Record<PackagerAction, { done: PackagerState; failed: PackagerState }>> = {
  START: { done: 'RUNNING', failed: 'FAILED' },
  STOP: { done: 'STOPPED', failed: 'FAILED' },
};

/** Packagers can be updated only while no MediaPackage resources exist for them. */
export const UPDATABLE_STATES: readonly PackagerState[] = ['INITIAL', 'FAILED', 'STOPPED'];

export function checkAction(action: PackagerAction, state: PackagerState): PackagerState {
  const transition = ACTION_TRANSITIONS[action];
  if (state !== transition.from) {
    throw new StateConflictError(
      `Cannot ${action} a packager in state ${state}: ${action} needs state ${transition.from}`,
    );
  }
  return transition.to;
}

export function checkUpdatable(state: PackagerState): void {
  if (!UPDATABLE_STATES.includes(state)) {
    throw new StateConflictError(
      `Cannot update a packager in state ${state}: only ${UPDATABLE_STATES.join(', ')} packagers can be updated`,
    );
  }
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: unknown;
}

export interface PackagerConfiguration {
  readonly template: string;
  readonly config: readonly ConfigEntry[];
}

export interface ChannelSummary {
  readonly arn: string;
  readonly id: string;
}

export interface OriginEndpointSummary {
  readonly arn: string;
  readonly id: string;
  readonly url: string;
}

export interface PackagerRecord {
  readonly id: string;
  readonly targetAccountId: string;
  readonly organisationId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly configuration: PackagerConfiguration;
  /** The template `configuration.template` named when the packager was created or last updated. */
  readonly templateId: string;
  readonly state: PackagerState;
  readonly region: string;
  readonly stateCallbackUrl?: string;
  readonly internalCallbackUrl?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bumped by every write; writes are conditional on it, so concurrent changes cannot both land. */
  readonly version: number;
  readonly channel?: ChannelSummary;
  readonly originEndpoints?: readonly OriginEndpointSummary[];
  /** Why the last action failed; kept for operators, not part of the representation. */
  readonly failure?: string;
}

export interface PackagerDraft {
  readonly targetAccountId: string;
  readonly organisationId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly configuration: PackagerConfiguration;
  readonly region?: string;
  readonly stateCallbackUrl?: string;
  readonly internalCallbackUrl?: string;
}

export interface PackagerChanges {
  readonly labels?: Readonly<Record<string, string>>;
  readonly configuration?: PackagerConfiguration;
  readonly region?: string;
  /** `null` removes the URL. */
  readonly stateCallbackUrl?: string | null;
  readonly internalCallbackUrl?: string | null;
}

const REGION = /^[a-z0-9-]+$/;
const CREATE_MEMBERS = [
  'target-account-id',
  'metadata',
  'configuration',
  'region',
  'state-callback-url',
  'internal-callback-url',
] as const;
const UPDATE_MEMBERS = ['metadata', 'configuration', 'region', 'state-callback-url', 'internal-callback-url'] as const;

export function parsePackagerCreate(body: unknown, allowList: CallbackAllowList): PackagerDraft {
  if (!isPlainObject(body)) throw new InvalidInputError('The body must be a JSON object', { pointer: '' });
  onlyKnownMembers(body, CREATE_MEMBERS, '', 'A packager');
  for (const required of ['target-account-id', 'metadata', 'configuration'] as const) {
    if (body[required] === undefined) {
      throw new InvalidInputError(`${required} is required`, { pointer: `/${required}` });
    }
  }
  const metadata = body.metadata;
  if (!isPlainObject(metadata)) throw new InvalidInputError('metadata must be an object', { pointer: '/metadata' });
  onlyKnownMembers(metadata, ['organisation-id', 'labels'], '/metadata', 'metadata');
  if (metadata['organisation-id'] === undefined) {
    throw new InvalidInputError('metadata.organisation-id is required', { pointer: '/metadata/organisation-id' });
  }
  return {
    targetAccountId: uuidField(body['target-account-id'], 'target-account-id', { pointer: '/target-account-id' }),
    organisationId: uuidField(metadata['organisation-id'], 'metadata.organisation-id', {
      pointer: '/metadata/organisation-id',
    }),
    labels: metadata.labels === undefined ? {} : labelsField(metadata.labels, '/metadata/labels'),
    configuration: parseConfiguration(body.configuration),
    ...(body.region !== undefined ? { region: parseRegion(body.region) } : {}),
    ...(callbackUrls(body, allowList) as { stateCallbackUrl?: string; internalCallbackUrl?: string }),
  };
}

export function parsePackagerUpdate(body: unknown, allowList: CallbackAllowList): PackagerChanges {
  if (!isPlainObject(body)) throw new InvalidInputError('The body must be a JSON object', { pointer: '' });
  onlyKnownMembers(body, UPDATE_MEMBERS, '', 'A packager update');
  let labels: Record<string, string> | undefined;
  if (body.metadata !== undefined) {
    if (!isPlainObject(body.metadata))
      throw new InvalidInputError('metadata must be an object', { pointer: '/metadata' });
    // Only labels change after creation; the organisation stays the packager's owner.
    onlyKnownMembers(body.metadata, ['labels'], '/metadata', 'metadata (labels only)');
    if (body.metadata.labels !== undefined) labels = labelsField(body.metadata.labels, '/metadata/labels');
  }
  const changes: PackagerChanges = {
    ...(labels !== undefined ? { labels } : {}),
    ...(body.configuration !== undefined ? { configuration: parseConfiguration(body.configuration) } : {}),
    ...(body.region !== undefined ? { region: parseRegion(body.region) } : {}),
    ...callbackUrls(body, allowList, true),
  };
  return changes;
}

function callbackUrls(
  body: Record<string, unknown>,
  allowList: CallbackAllowList,
  nullable = false,
): { stateCallbackUrl?: string | null; internalCallbackUrl?: string | null } {
  const result: { stateCallbackUrl?: string | null; internalCallbackUrl?: string | null } = {};
  for (const [field, key] of [
    ['state-callback-url', 'stateCallbackUrl'],
    ['internal-callback-url', 'internalCallbackUrl'],
  ] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (value === null && nullable) result[key] = null;
    else result[key] = parseCallbackUrl(value, field, allowList);
  }
  return result;
}

function parseRegion(value: unknown): string {
  return stringField(
    value,
    'region',
    { pointer: '/region' },
    { max: 32, pattern: REGION, patternText: '^[a-z0-9-]+$' },
  );
}

/**
 * `{template, config: [{name, value}]}`, or the deprecated bare template name, which means the same with no config
 * values (the original still accepts it in v1).
 */
export function parseConfiguration(value: unknown): PackagerConfiguration {
  const pointer = '/configuration';
  if (typeof value === 'string') {
    return { template: stringField(value, 'configuration', { pointer }, { max: 256 }), config: [] };
  }
  if (!isPlainObject(value)) {
    throw new InvalidInputError('configuration must be an object {template, config} or a template name', { pointer });
  }
  onlyKnownMembers(value, ['template', 'config'], pointer, 'configuration');
  const template = stringField(
    value.template,
    'configuration.template',
    { pointer: `${pointer}/template` },
    { max: 256 },
  );
  const config = value.config ?? [];
  if (!Array.isArray(config) || config.length > 100) {
    throw new InvalidInputError('configuration.config must be a list of at most 100 {name, value} entries', {
      pointer: `${pointer}/config`,
    });
  }
  const seen = new Set<string>();
  const entries = config.map((entry: unknown, index): ConfigEntry => {
    const at = `${pointer}/config/${index}`;
    if (!isPlainObject(entry)) throw new InvalidInputError('a config entry must be {name, value}', { pointer: at });
    onlyKnownMembers(entry, ['name', 'value'], at, 'a config entry');
    const name = stringField(entry.name, 'config name', { pointer: `${at}/name` }, { max: 64 });
    if (seen.has(name)) throw new InvalidInputError(`config "${name}" is given twice`, { pointer: `${at}/name` });
    seen.add(name);
    if (!('value' in entry)) throw new InvalidInputError(`config "${name}" has no value`, { pointer: `${at}/value` });
    return { name, value: entry.value };
  });
  return { template, config: entries };
}

/** The packager as the API shows it: the same body for create, get, update and inside an action's answer. */
export function packagerRepresentation(record: PackagerRecord): Record<string, unknown> {
  const showsResources = record.state === 'RUNNING' || record.state === 'STOPPING';
  return {
    id: record.id,
    'target-account-id': record.targetAccountId,
    metadata: {
      'organisation-id': record.organisationId,
      labels: record.labels,
      'created-at': record.createdAt,
      'updated-at': record.updatedAt,
    },
    configuration: { template: record.configuration.template, config: record.configuration.config },
    state: record.state,
    region: record.region,
    ...(record.stateCallbackUrl !== undefined ? { 'state-callback-url': record.stateCallbackUrl } : {}),
    ...(record.internalCallbackUrl !== undefined ? { 'internal-callback-url': record.internalCallbackUrl } : {}),
    ...(showsResources && record.channel
      ? {
          mediapackage: {
            channel: { arn: record.channel.arn, id: record.channel.id },
            'origin-endpoints': (record.originEndpoints ?? []).map((endpoint) => ({
              arn: endpoint.arn,
              id: endpoint.id,
              url: endpoint.url,
            })),
          },
        }
      : {}),
  };
}

import { ClientIdRefusedError, InvalidInputError, StateConflictError } from './errors';
import { CONFIG_TYPES, checkPlaceholders, findPlaceholders, type ConfigDeclaration, type ConfigType } from './render';
import { CHANNEL_MEMBERS, ORIGIN_ENDPOINT_MEMBERS, PACKAGE_MEMBERS } from './mediapackage-shapes';
import { isPlainObject, labelsField, onlyKnownMembers, stringField, uuidField } from './validation';

/** The JSON:API resource type of packager templates. */
export const TEMPLATE_TYPE = 'template';

export type TemplateState = 'ACTIVE' | 'DELETED';

/** The attributes a sparse fieldset may name, as the original lists them. */
export const TEMPLATE_FIELDS = ['description', 'mediapackage', 'metadata', 'resource_name', 'state'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** The `mediapackage` attribute: MediaPackage request blocks keyed by resource, and the config they declare. */
export interface MediapackageBlock {
  readonly channel?: Record<string, unknown>;
  readonly origin_endpoints?: ReadonlyArray<Record<string, unknown>>;
  readonly config?: readonly ConfigDeclaration[];
}

export interface TemplateRecord {
  readonly id: string;
  /** The owning target account. */
  readonly owner: string;
  readonly resourceName: string;
  readonly description: string | null;
  readonly mediapackage: MediapackageBlock;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: TemplateState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt?: string;
  /** Bumped by every write; writes are conditional on it. */
  readonly version: number;
}

/** What a create carries once validated. */
export interface TemplateDraft {
  readonly owner: string;
  readonly resourceName: string;
  readonly description: string | null;
  readonly mediapackage: MediapackageBlock;
  readonly labels: Readonly<Record<string, string>>;
}

/** A PATCH: each top-level attribute present replaces the stored one whole; absent ones stay. */
export type TemplatePatch = Partial<Pick<TemplateDraft, 'resourceName' | 'description' | 'mediapackage' | 'labels'>>;

const MAX_ORIGIN_ENDPOINTS = 10;
const CONFIG_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ATTRIBUTES = ['resource_name', 'description', 'mediapackage', 'metadata', 'state'] as const;

/** The config declarations of a template, by name. */
export function declarations(block: MediapackageBlock): ReadonlyMap<string, ConfigDeclaration> {
  return new Map((block.config ?? []).map((declaration) => [declaration.name, declaration]));
}

/** A JSON:API create document (`{data: {type, attributes}}`) as a template draft, or a 400/403/409 saying why not. */
export function parseTemplateCreate(document: unknown): TemplateDraft {
  const data = resourceObject(document);
  if (data.id !== undefined) throw new ClientIdRefusedError();
  const attributes = data.attributes;
  if (!isPlainObject(attributes)) {
    throw new InvalidInputError('data.attributes must be an object', { pointer: '/data/attributes' });
  }
  onlyKnownMembers(attributes, ATTRIBUTES, '/data/attributes', 'A template');
  if (attributes.state !== undefined && attributes.state !== 'ACTIVE') {
    throw new InvalidInputError('A new template is ACTIVE; state cannot be set', {
      pointer: '/data/attributes/state',
    });
  }
  for (const required of ['resource_name', 'mediapackage', 'metadata'] as const) {
    if (attributes[required] === undefined) {
      throw new InvalidInputError(`data.attributes.${required} is required`, {
        pointer: `/data/attributes/${required}`,
      });
    }
  }
  const metadata = parseMetadata(attributes.metadata);
  if (metadata.owner === undefined) {
    throw new InvalidInputError('data.attributes.metadata.owner is required (the owning target account id)', {
      pointer: '/data/attributes/metadata/owner',
    });
  }
  return {
    owner: metadata.owner,
    resourceName: parseResourceName(attributes.resource_name),
    description: attributes.description === undefined ? null : parseDescription(attributes.description),
    mediapackage: parseMediapackageBlock(attributes.mediapackage),
    labels: metadata.labels ?? {},
  };
}

/** A JSON:API update document for template `id`, checked against the stored template. */
export function parseTemplatePatch(document: unknown, current: TemplateRecord): TemplatePatch {
  const data = resourceObject(document);
  if (data.id === undefined) throw new InvalidInputError('data.id is required', { pointer: '/data/id' });
  if (data.id !== current.id) {
    throw new StateConflictError(`data.id ${String(data.id)} does not match the template ${current.id}`, {
      pointer: '/data/id',
    });
  }
  const attributes = data.attributes ?? {};
  if (!isPlainObject(attributes)) {
    throw new InvalidInputError('data.attributes must be an object', { pointer: '/data/attributes' });
  }
  onlyKnownMembers(attributes, ATTRIBUTES, '/data/attributes', 'A template');
  if (attributes.state !== undefined && attributes.state !== current.state) {
    throw new InvalidInputError('state cannot be changed; DELETE the template to delete it', {
      pointer: '/data/attributes/state',
    });
  }
  const patch: { -readonly [K in keyof TemplatePatch]: TemplatePatch[K] } = {};
  if (attributes.resource_name !== undefined) patch.resourceName = parseResourceName(attributes.resource_name);
  if (attributes.description !== undefined) patch.description = parseDescription(attributes.description);
  if (attributes.mediapackage !== undefined) patch.mediapackage = parseMediapackageBlock(attributes.mediapackage);
  if (attributes.metadata !== undefined) {
    const metadata = parseMetadata(attributes.metadata);
    if (metadata.owner !== undefined && metadata.owner !== current.owner) {
      throw new InvalidInputError('metadata.owner cannot be changed', { pointer: '/data/attributes/metadata/owner' });
    }
    patch.labels = metadata.labels ?? {};
  }
  return patch;
}

function resourceObject(document: unknown): Record<string, unknown> {
  if (!isPlainObject(document)) throw new InvalidInputError('The body must be a JSON:API document', { pointer: '' });
  const data = document.data;
  if (!isPlainObject(data)) throw new InvalidInputError('data must be a resource object', { pointer: '/data' });
  if (data.type === undefined) throw new InvalidInputError('data.type is required', { pointer: '/data/type' });
  if (data.type !== TEMPLATE_TYPE) {
    throw new StateConflictError(`data.type must be "${TEMPLATE_TYPE}"`, { pointer: '/data/type' });
  }
  return data;
}

function parseResourceName(value: unknown): string {
  const name = stringField(value, 'resource_name', { pointer: '/data/attributes/resource_name' }, { max: 256 });
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point of this test
  if (name.trim() !== name || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new InvalidInputError('resource_name must not have surrounding spaces or control characters', {
      pointer: '/data/attributes/resource_name',
    });
  }
  return name;
}

function parseDescription(value: unknown): string | null {
  if (value === null) return null;
  return stringField(value, 'description', { pointer: '/data/attributes/description' }, { min: 0, max: 4096 });
}

function parseMetadata(value: unknown): { owner?: string; labels?: Record<string, string> } {
  const pointer = '/data/attributes/metadata';
  if (!isPlainObject(value)) throw new InvalidInputError('metadata must be an object', { pointer });
  // Timestamps are the server's; a client may send back what it read.
  onlyKnownMembers(value, ['owner', 'labels', 'created_at', 'updated_at', 'deleted_at'], pointer, 'metadata');
  return {
    owner:
      value.owner === undefined ? undefined : uuidField(value.owner, 'metadata.owner', { pointer: `${pointer}/owner` }),
    labels: value.labels === undefined ? undefined : labelsField(value.labels, `${pointer}/labels`),
  };
}

/**
 * The `mediapackage` attribute: `channel` (CreateChannel members), `origin_endpoints` (a list of CreateOriginEndpoint
 * members, one packaging type each) and `config` (the values packagers pass in). Every placeholder must name a
 * declared config value or a macro. Member types are checked again after rendering, when placeholders are filled.
 */
export function parseMediapackageBlock(value: unknown): MediapackageBlock {
  const pointer = '/data/attributes/mediapackage';
  if (!isPlainObject(value)) throw new InvalidInputError('mediapackage must be an object', { pointer });
  onlyKnownMembers(value, ['channel', 'origin_endpoints', 'config'], pointer, 'mediapackage');

  const config = value.config === undefined ? [] : parseConfigDeclarations(value.config, `${pointer}/config`);
  if (value.channel !== undefined) {
    if (!isPlainObject(value.channel)) {
      throw new InvalidInputError('mediapackage.channel must be an object', { pointer: `${pointer}/channel` });
    }
    onlyKnownMembers(value.channel, Object.keys(CHANNEL_MEMBERS), `${pointer}/channel`, 'mediapackage.channel');
  }
  const endpoints = value.origin_endpoints;
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints) || endpoints.length > MAX_ORIGIN_ENDPOINTS) {
      throw new InvalidInputError(`mediapackage.origin_endpoints must be a list of at most ${MAX_ORIGIN_ENDPOINTS}`, {
        pointer: `${pointer}/origin_endpoints`,
      });
    }
    endpoints.forEach((endpoint: unknown, index) => {
      const at = `${pointer}/origin_endpoints/${index}`;
      if (!isPlainObject(endpoint))
        throw new InvalidInputError('an origin endpoint must be an object', { pointer: at });
      onlyKnownMembers(endpoint, Object.keys(ORIGIN_ENDPOINT_MEMBERS), at, 'an origin endpoint');
      const packages = PACKAGE_MEMBERS.filter((member) => endpoint[member] !== undefined);
      if (packages.length !== 1) {
        throw new InvalidInputError(`an origin endpoint needs exactly one of ${PACKAGE_MEMBERS.join(', ')}`, {
          pointer: at,
        });
      }
    });
  }
  const { config: _config, ...resources } = value;
  checkPlaceholders(findPlaceholders(resources, pointer), new Set(config.map((declaration) => declaration.name)));
  return {
    ...(value.channel !== undefined ? { channel: value.channel as Record<string, unknown> } : {}),
    ...(endpoints !== undefined ? { origin_endpoints: endpoints as Array<Record<string, unknown>> } : {}),
    config,
  };
}

function parseConfigDeclarations(value: unknown, pointer: string): ConfigDeclaration[] {
  if (!Array.isArray(value)) throw new InvalidInputError('mediapackage.config must be a list', { pointer });
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const at = `${pointer}/${index}`;
    if (!isPlainObject(entry)) throw new InvalidInputError('a config declaration must be an object', { pointer: at });
    onlyKnownMembers(entry, ['name', 'description', 'type'], at, 'a config declaration');
    const name = stringField(
      entry.name,
      'config name',
      { pointer: `${at}/name` },
      {
        max: 64,
        pattern: CONFIG_NAME,
        patternText: 'letters, digits, "_", "." and "-"',
      },
    );
    if (seen.has(name)) throw new InvalidInputError(`config "${name}" is declared twice`, { pointer: `${at}/name` });
    seen.add(name);
    const type = entry.type ?? 'string';
    if (!(CONFIG_TYPES as readonly unknown[]).includes(type)) {
      throw new InvalidInputError(`config type must be one of ${CONFIG_TYPES.join(', ')}`, { pointer: `${at}/type` });
    }
    const description =
      entry.description === undefined
        ? undefined
        : stringField(
            entry.description,
            'config description',
            { pointer: `${at}/description` },
            {
              min: 0,
              max: 1024,
            },
          );
    return { name, type: type as ConfigType, ...(description !== undefined ? { description } : {}) };
  });
}

/** A template as a JSON:API resource object, with only the `fields` asked for. */
export function templateResource(
  record: TemplateRecord,
  fields: readonly TemplateField[] | undefined,
  selfUrl: string,
): Record<string, unknown> {
  const all: Record<TemplateField, unknown> = {
    resource_name: record.resourceName,
    description: record.description,
    state: record.state,
    mediapackage: record.mediapackage,
    metadata: {
      owner: record.owner,
      labels: record.labels,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      ...(record.deletedAt ? { deleted_at: record.deletedAt } : {}),
    },
  };
  const attributes = Object.fromEntries(
    TEMPLATE_FIELDS.filter((field) => !fields || fields.includes(field)).map((field) => [field, all[field]]),
  );
  return { type: TEMPLATE_TYPE, id: record.id, attributes, links: { self: selfUrl } };
}

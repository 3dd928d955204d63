import { InvalidInputError } from './errors';
import {
  CHANNEL_MEMBERS,
  ORIGIN_ENDPOINT_MEMBERS,
  PACKAGE_MEMBERS,
  PACKAGE_SHAPES,
  hasType,
  type MemberType,
} from './mediapackage-shapes';
import type { PackagerConfiguration } from './packagers';
import { matchesType, render, type MacroValues } from './render';
import { declarations, type TemplateRecord } from './templates';
import { escapePointer, isPlainObject } from './validation';

/** Where a target account's packagers run: its AWS account, the role to assume there and its enabled regions. */
export interface TargetAccount {
  readonly id: string;
  readonly awsAccountId: string;
  readonly roleArn: string;
  /** The ExternalId the role's trust policy asks for. @default the target account id */
  readonly externalId?: string;
  readonly regions: readonly string[];
}

export interface ChannelRequest {
  readonly Id: string;
  readonly Description?: string;
  readonly Tags: Readonly<Record<string, string>>;
}

export interface OriginEndpointRequest {
  readonly Id: string;
  readonly ChannelId: string;
  readonly Tags: Readonly<Record<string, string>>;
  readonly [member: string]: unknown;
}

/** The MediaPackage resources a START creates, in order: the channel, then each origin endpoint. */
export interface MediaPackagePlan {
  readonly channel: ChannelRequest;
  readonly originEndpoints: readonly OriginEndpointRequest[];
}

export interface PlanInput {
  readonly packager: {
    readonly id: string;
    readonly targetAccountId: string;
    readonly organisationId: string;
    readonly configuration: PackagerConfiguration;
  };
  readonly template: TemplateRecord;
  readonly awsAccountId: string;
  readonly cloudEnv: string;
}

/** Tags every resource carries, so a resource can be traced to its packager and adopted again after a retry. */
export const PACKAGER_TAG = 'm2a:packager-id';

/**
 * Renders the template with the packager's config and the macros, checks the result member by member, and fixes
 * what is m2a's to decide: the resource ids (derived from the packager id, so a retried or compensating step finds
 * exactly what an earlier attempt made), the channel an endpoint belongs to, and the m2a tags. Every problem is a
 * 400 naming the config value or the template member, before anything is created.
 */
export function planResources(input: PlanInput): MediaPackagePlan {
  const { packager, template } = input;
  const declared = declarations(template.mediapackage);
  const config = new Map<string, unknown>();
  packager.configuration.config.forEach((entry, index) => {
    const pointer = `/configuration/config/${index}`;
    const declaration = declared.get(entry.name);
    if (!declaration) {
      throw new InvalidInputError(
        `config "${entry.name}" is not declared by template "${template.resourceName}"` +
          ` (declared: ${[...declared.keys()].join(', ') || 'none'})`,
        { pointer: `${pointer}/name` },
      );
    }
    if (!matchesType(entry.value, declaration.type)) {
      throw new InvalidInputError(`config "${entry.name}" must be of type ${declaration.type}`, {
        pointer: `${pointer}/value`,
      });
    }
    config.set(entry.name, entry.value);
  });

  const macros: MacroValues = {
    'm2a:reference_id': template.resourceName,
    'm2a:cloud_env': input.cloudEnv,
    'm2a:organisation_id': packager.organisationId,
    'm2a:resource_id': packager.id,
    'm2a:aws_account_id': input.awsAccountId,
  };
  const rendered = render(
    { channel: template.mediapackage.channel ?? {}, origin_endpoints: template.mediapackage.origin_endpoints ?? [] },
    { config, macros },
  ) as { channel: Record<string, unknown>; origin_endpoints: Array<Record<string, unknown>> };

  const tags: Record<string, string> = {
    [PACKAGER_TAG]: packager.id,
    'm2a:target-account-id': packager.targetAccountId,
    'm2a:organisation-id': packager.organisationId,
    'm2a:template': template.resourceName,
    'm2a:cloud-env': input.cloudEnv,
  };
  checkMembers(rendered.channel, CHANNEL_MEMBERS, '/mediapackage/channel');
  const channelTags = checkTags(rendered.channel.Tags, '/mediapackage/channel/Tags');
  const channel: ChannelRequest = {
    ...(rendered.channel.Description !== undefined ? { Description: rendered.channel.Description as string } : {}),
    Id: packager.id,
    Tags: { ...channelTags, ...tags },
  };

  const originEndpoints = rendered.origin_endpoints.map((endpoint, index): OriginEndpointRequest => {
    const pointer = `/mediapackage/origin_endpoints/${index}`;
    checkMembers(endpoint, ORIGIN_ENDPOINT_MEMBERS, pointer);
    const kind = PACKAGE_MEMBERS.find((member) => endpoint[member] !== undefined);
    if (!kind) throw new InvalidInputError('an origin endpoint needs a package', { pointer });
    checkMembers(endpoint[kind] as Record<string, unknown>, PACKAGE_SHAPES[kind], `${pointer}/${kind}`);
    if (endpoint.Origination !== undefined && endpoint.Origination !== 'ALLOW' && endpoint.Origination !== 'DENY') {
      throw new InvalidInputError('Origination must be ALLOW or DENY', { pointer: `${pointer}/Origination` });
    }
    const { Id: _id, ChannelId: _channel, Tags: endpointTags, ...members } = endpoint;
    return {
      ...members,
      Id: `${packager.id}-${index}-${kind.replace('Package', '').toLowerCase()}`,
      ChannelId: channel.Id,
      Tags: { ...checkTags(endpointTags, `${pointer}/Tags`), ...tags },
    };
  });
  return { channel, originEndpoints };
}

function checkMembers(value: Record<string, unknown>, shape: Readonly<Record<string, MemberType>>, pointer: string) {
  if (!isPlainObject(value)) throw new InvalidInputError('must be an object', { pointer });
  for (const [member, memberValue] of Object.entries(value)) {
    const type = shape[member];
    const at = `${pointer}/${escapePointer(member)}`;
    if (type === undefined) throw new InvalidInputError(`${member} is not a MediaPackage member here`, { pointer: at });
    if (!hasType(memberValue, type)) {
      const expected =
        type === 'object[]'
          ? 'a list of objects'
          : type === 'string[]'
            ? 'a list of strings'
            : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
      throw new InvalidInputError(`${member} must be ${expected}`, {
        pointer: at,
      });
    }
  }
}

function checkTags(value: unknown, pointer: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new InvalidInputError('Tags must be an object of strings', { pointer });
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string' || key.length > 128 || tag.length > 256) {
      throw new InvalidInputError(`Tag "${key}" must be a string of at most 256 characters`, {
        pointer: `${pointer}/${escapePointer(key)}`,
      });
    }
  }
  return value as Record<string, string>;
}

import type { AssemblyStack, TemplateResource } from './assembly';
import type { ResourceTypes } from './resource-types';
import type { NamingInput, ResourceInput, ResourceTypeSpec } from './service-module';

export interface LocalEnvironment {
  readonly region: string;
  readonly accountId: string;
  /** How each resource type is named and which attributes it has: the service modules' declarations. */
  readonly resourceTypes: ResourceTypes;
  /**
   * The endpoint of a running service module, for attributes that point at one (an OpenSearch domain's
   * `DomainEndpoint`). Without it, reading such an attribute is an error.
   */
  readonly endpoint?: (service: string) => string;
}

/** Thrown when a template uses an intrinsic local mode cannot give a value to. */
export class UnresolvableError extends Error {}

/** A template that uses a resource type or attribute no service module of local mode provides. */
export class UnsupportedTemplateError extends UnresolvableError {}

/** What a custom resource's provider answered: its Ref and the `Data` its GetAtt reads. */
export interface CustomResourceResult {
  readonly physicalResourceId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export function isCustomResourceType(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

/**
 * Gives every resource of a stack the physical name it has in local mode and resolves CloudFormation
 * intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::ImportValue, …) to those
 * names, so environment variables and outputs read exactly as they would after `cdk deploy`.
 */
export class StackResolver {
  private readonly physicalIds = new Map<string, string>();
  private readonly conditions = new Map<string, boolean>();
  private readonly customResourceResults = new Map<string, CustomResourceResult>();

  constructor(
    readonly stack: AssemblyStack,
    readonly env: LocalEnvironment,
    private readonly exports: ReadonlyMap<string, () => unknown> = new Map(),
  ) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      this.physicalIds.set(logicalId, this.physicalName(logicalId, resource));
    }
  }

  /**
   * Checks that every resource the stack deploys has a module that owns its type, and that every attribute the
   * template reads with `Fn::GetAtt` (or `${Resource.Attribute}` in `Fn::Sub`) is one that type has: a template
   * local mode cannot run fails at start-up, naming the resource, its type and the attribute.
   */
  validate(): void {
    const problems: string[] = [];
    const active = new Set(this.activeResources().map(([logicalId]) => logicalId));
    for (const logicalId of active) {
      const { Type: type } = this.resource(logicalId);
      if (!this.env.resourceTypes.owner(type)) {
        problems.push(`${this.stack.stackName}/${logicalId}: no local service module provides resource type ${type}`);
      }
    }
    for (const [logicalId, attribute] of attributeReferences(this.stack.template)) {
      const resource = this.stack.template.Resources[logicalId];
      if (!resource || !active.has(logicalId)) continue;
      const owner = this.env.resourceTypes.owner(resource.Type);
      if (!owner || isCustomResourceType(resource.Type)) continue;
      if (!hasAttribute(owner.spec, attribute)) {
        problems.push(
          `${this.stack.stackName}/${logicalId}: local mode does not provide attribute ${attribute} of ${resource.Type}`,
        );
      }
    }
    if (problems.length > 0) throw new UnsupportedTemplateError(problems.join('\n'));
  }

  /** Resources of a type whose Condition (if any) holds, in template order. */
  resourcesOfType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.stack.template.Resources).filter(
      ([, resource]) =>
        resource.Type === type && (resource.Condition === undefined || this.condition(resource.Condition)),
    );
  }

  /** Every resource whose Condition (if any) holds, in template order. */
  activeResources(): Array<[string, TemplateResource]> {
    return Object.entries(this.stack.template.Resources).filter(
      ([, resource]) => resource.Condition === undefined || this.condition(resource.Condition),
    );
  }

  /**
   * Records what a custom resource's provider answered. Until then its Ref is a generated name and its attributes
   * are placeholders, as nothing in a template may read them before the resource exists.
   */
  setCustomResourceResult(logicalId: string, result: CustomResourceResult): void {
    this.customResourceResults.set(logicalId, result);
    this.physicalIds.set(logicalId, result.physicalResourceId);
  }

  resource(logicalId: string): TemplateResource {
    const resource = this.stack.template.Resources[logicalId];
    if (!resource) throw new UnresolvableError(`${this.stack.stackName}: no resource ${logicalId}`);
    return resource;
  }

  /** Ref of a resource: its local physical id. */
  physicalId(logicalId: string): string {
    const id = this.physicalIds.get(logicalId);
    if (id === undefined) throw new UnresolvableError(`${this.stack.stackName}: no resource ${logicalId}`);
    return id;
  }

  arn(logicalId: string): string {
    const { spec, input } = this.typed(logicalId);
    if (!spec.arn) throw this.noAttribute(logicalId, 'Arn');
    return spec.arn(input);
  }

  /** Resolves every intrinsic inside `value`. `AWS::NoValue` removes the key it stands in. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      if (key === 'Ref') return this.ref(String(argument));
      if (key.startsWith('Fn::') || key === 'Condition') return this.intrinsic(key, argument);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolve(item);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnresolvableError(`${this.stack.stackName}: expected a string, got ${JSON.stringify(resolved)}`);
  }

  condition(name: string): boolean {
    const cached = this.conditions.get(name);
    if (cached !== undefined) return cached;
    const expression = this.stack.template.Conditions?.[name];
    if (expression === undefined) throw new UnresolvableError(`${this.stack.stackName}: no condition ${name}`);
    const result = Boolean(this.resolve(expression));
    this.conditions.set(name, result);
    return result;
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.env.region;
      case 'AWS::AccountId':
        return this.env.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.env.region}:${this.env.accountId}:stack/${this.stack.stackName}/local`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = this.stack.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    return this.physicalId(name);
  }

  private getAtt(logicalId: string, attribute: string): unknown {
    const customResult = this.customResourceResults.get(logicalId);
    if (customResult) {
      if (!(attribute in customResult.data)) {
        throw new UnresolvableError(
          `CustomResource attribute error: Vendor response doesn't contain ${attribute} attribute in object ${logicalId}`,
        );
      }
      return customResult.data[attribute];
    }
    const { spec, input } = this.typed(logicalId);
    if (attribute === 'Arn' && spec.arn) return spec.arn(input);
    const read = spec.attributes?.[attribute];
    if (!read) throw this.noAttribute(logicalId, attribute);
    return read(input);
  }

  /** The type spec of a resource and what its ARN and attributes are built from. */
  private typed(logicalId: string): { spec: ResourceTypeSpec; input: ResourceInput } {
    const resource = this.resource(logicalId);
    const owner = this.env.resourceTypes.owner(resource.Type);
    if (!owner) {
      throw new UnsupportedTemplateError(
        `${this.stack.stackName}/${logicalId}: no local service module provides resource type ${resource.Type}`,
      );
    }
    const input: ResourceInput = {
      logicalId,
      name: this.physicalId(logicalId),
      resource,
      region: this.env.region,
      accountId: this.env.accountId,
      property: (name) => this.resolve(resource.Properties?.[name]),
      endpoint: (service) => {
        if (!this.env.endpoint) {
          throw new UnresolvableError(`${this.stack.stackName}/${logicalId}: no local endpoint for ${service}`);
        }
        return this.env.endpoint(service);
      },
    };
    return { spec: owner.spec, input };
  }

  private noAttribute(logicalId: string, attribute: string): UnsupportedTemplateError {
    const { Type: type } = this.resource(logicalId);
    return new UnsupportedTemplateError(
      `${this.stack.stackName}/${logicalId}: local mode does not provide attribute ${attribute} of ${type}`,
    );
  }

  private intrinsic(key: string, argument: unknown): unknown {
    switch (key) {
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument)
          ? (argument as [string, string])
          : (String(argument).split(/\.(.*)/) as [string, string]);
        return this.getAtt(logicalId, this.resolveString(attribute));
      }
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown];
        const list = this.resolve(items);
        if (!Array.isArray(list)) throw new UnresolvableError('Fn::Join needs a list');
        return list.map((item) => (typeof item === 'string' ? item : String(item))).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::Select': {
        const [index, items] = argument as [unknown, unknown];
        const list = this.resolve(items);
        if (!Array.isArray(list)) throw new UnresolvableError('Fn::Select needs a list');
        return list[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return this.resolveString(source).split(separator);
      }
      case 'Fn::If': {
        const [conditionName, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return this.resolve(this.condition(conditionName) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = argument as [unknown, unknown];
        return JSON.stringify(this.resolve(a)) === JSON.stringify(this.resolve(b));
      }
      case 'Fn::Not':
        return !this.resolve((argument as unknown[])[0]);
      case 'Fn::And':
        return (argument as unknown[]).every((item) => Boolean(this.resolve(item)));
      case 'Fn::Or':
        return (argument as unknown[]).some((item) => Boolean(this.resolve(item)));
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::ImportValue': {
        const name = this.resolveString(argument);
        const exported = this.exports.get(name);
        if (!exported) throw new UnresolvableError(`No stack exports ${name}`);
        return exported();
      }
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(argument)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.env.region}${zone}`);
      case 'Fn::FindInMap': {
        const [mapName, topKey, secondKey] = (argument as unknown[]).map((item) => this.resolve(item)) as string[];
        const mappings = (this.stack.template as { Mappings?: Record<string, Record<string, Record<string, unknown>>> })
          .Mappings;
        return mappings?.[mapName as string]?.[topKey as string]?.[secondKey as string];
      }
      default:
        throw new UnresolvableError(`${this.stack.stackName}: local mode does not resolve ${key}`);
    }
  }

  private sub(argument: unknown): string {
    const [template, variables] = Array.isArray(argument)
      ? (argument as [string, Record<string, unknown>])
      : [String(argument), {}];
    return template.replace(/\$\{([^}]+)\}/g, (_match, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return this.resolveString(variables[expression]);
      const dot = expression.indexOf('.');
      if (dot > 0 && !expression.startsWith('AWS::')) {
        return String(this.getAtt(expression.slice(0, dot), expression.slice(dot + 1)));
      }
      return String(this.ref(expression));
    });
  }

  private physicalName(logicalId: string, resource: TemplateResource): string {
    const generated = `${this.stack.stackName}-${logicalId}`;
    const spec = this.env.resourceTypes.owner(resource.Type)?.spec;
    if (!spec?.physicalId) return generated;
    const input: NamingInput = {
      logicalId,
      stackName: this.stack.stackName,
      generated,
      region: this.env.region,
      accountId: this.env.accountId,
      explicit: (property) => {
        const value = resource.Properties?.[property];
        if (value === undefined) return undefined;
        // Explicit names may themselves use pseudo parameters (e.g. a Sub with AWS::AccountId).
        const resolved = this.resolve(value);
        return typeof resolved === 'string' ? resolved : undefined;
      },
    };
    return spec.physicalId(input);
  }
}

function hasAttribute(spec: ResourceTypeSpec, attribute: string): boolean {
  return (attribute === 'Arn' && spec.arn !== undefined) || spec.attributes?.[attribute] !== undefined;
}

/** Every `[logicalId, attribute]` a template reads with Fn::GetAtt or `${Resource.Attribute}` in Fn::Sub. */
function attributeReferences(template: AssemblyStack['template']): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      if (key === 'Fn::GetAtt') {
        const [logicalId, attribute] = Array.isArray(argument)
          ? (argument as unknown[])
          : String(argument).split(/\.(.*)/);
        if (typeof logicalId === 'string' && typeof attribute === 'string') found.push([logicalId, attribute]);
        return;
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? (argument as [unknown, unknown]) : [argument, undefined];
        const shadowed = new Set(Object.keys((variables as Record<string, unknown> | undefined) ?? {}));
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const expression = match[1] as string;
          const dot = expression.indexOf('.');
          if (dot > 0 && !expression.startsWith('AWS::') && !shadowed.has(expression)) {
            found.push([expression.slice(0, dot), expression.slice(dot + 1)]);
          }
        }
        visit(variables);
        return;
      }
    }
    entries.forEach(([, item]) => visit(item));
  };
  visit(template.Resources);
  visit(template.Outputs);
  return found;
}

/** Stands in for `AWS::NoValue` while resolving; removed from objects and lists. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

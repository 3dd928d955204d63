import { createHash } from 'node:crypto';
import type { AssemblyStack, TemplateResource } from './assembly';

export interface LocalEnvironment {
  readonly region: string;
  readonly accountId: string;
  /**
   * Where local mode serves an OpenSearch domain, given its name: what its `DomainEndpoint` resolves to. Without
   * it, reading that attribute is an error rather than an AWS host name no local function could reach.
   */
  readonly searchDomainEndpoint?: (domainName: string) => string;
}

export const SEARCH_DOMAIN_TYPE = 'AWS::OpenSearchService::Domain';

/** Thrown when a template uses an intrinsic local mode cannot give a value to. */
export class UnresolvableError extends Error {}

/** What a custom resource's provider answered: its Ref and the `Data` its GetAtt reads. */
export interface CustomResourceResult {
  readonly physicalResourceId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export function isCustomResourceType(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

const ARN_SERVICE: Record<string, string> = {
  'AWS::Lambda::Function': 'lambda',
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::S3::Bucket': 's3',
  'AWS::IAM::Role': 'iam',
  'AWS::Logs::LogGroup': 'logs',
  'AWS::StepFunctions::StateMachine': 'states',
  'AWS::Events::Rule': 'events',
  'AWS::SQS::Queue': 'sqs',
  'AWS::SNS::Topic': 'sns',
  'AWS::SecretsManager::Secret': 'secretsmanager',
  'AWS::ApiGateway::RestApi': 'apigateway',
};

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
    private readonly exports: ReadonlyMap<string, unknown> = new Map(),
  ) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      this.physicalIds.set(logicalId, this.physicalName(logicalId, resource));
    }
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
    const resource = this.resource(logicalId);
    const name = this.physicalId(logicalId);
    const { region, accountId } = this.env;
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${accountId}:role/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
      case 'AWS::StepFunctions::StateMachine':
        return name;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${region}:${accountId}:rule/${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${accountId}:${name.split('/').pop()}`;
      case 'AWS::SNS::Topic':
        return name;
      case SEARCH_DOMAIN_TYPE:
        return `arn:aws:es:${region}:${accountId}:domain/${name}`;
      case 'AWS::Scheduler::Schedule': {
        const groupName = resource.Properties?.GroupName;
        const group = groupName === undefined ? 'default' : this.resolveString(groupName);
        return `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`;
      }
      default: {
        const service = ARN_SERVICE[resource.Type] ?? resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return `arn:aws:${service}:${region}:${accountId}:${name}`;
      }
    }
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
    const resource = this.resource(logicalId);
    const name = this.physicalId(logicalId);
    const { region } = this.env;
    const customResult = this.customResourceResults.get(logicalId);
    if (customResult) {
      if (!(attribute in customResult.data)) {
        throw new UnresolvableError(
          `CustomResource attribute error: Vendor response doesn't contain ${attribute} attribute in object ${logicalId}`,
        );
      }
      return customResult.data[attribute];
    }
    if (attribute === 'Arn') return this.arn(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.StreamArn':
        return `${this.arn(logicalId)}/stream/local`;
      case 'AWS::S3::Bucket.DomainName':
        return `${name}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name}.s3.${region}.amazonaws.com`;
      case 'AWS::S3::Bucket.WebsiteURL':
        return `http://${name}.s3-website-${region}.amazonaws.com`;
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return `${name}-root`;
      case 'AWS::StepFunctions::StateMachine.Name':
        return name.split(':').pop();
      case 'AWS::SQS::Queue.QueueUrl':
        return name;
      case 'AWS::SQS::Queue.QueueName':
        return name.split('/').pop();
      case 'AWS::SNS::Topic.TopicArn':
        return name;
      case 'AWS::Logs::LogGroup.LogGroupName':
        return name;
      case `${SEARCH_DOMAIN_TYPE}.DomainArn`:
        return this.arn(logicalId);
      case `${SEARCH_DOMAIN_TYPE}.DomainEndpoint`:
      case `${SEARCH_DOMAIN_TYPE}.DomainEndpointV2`: {
        // A URL, where AWS gives a bare host name: clients of a local domain must know it is plain http on a port.
        if (!this.env.searchDomainEndpoint) {
          throw new UnresolvableError(
            `${this.stack.stackName}: no local search endpoint for ${logicalId}.${attribute}`,
          );
        }
        return this.env.searchDomainEndpoint(name);
      }
      case `${SEARCH_DOMAIN_TYPE}.Id`:
        return `${this.env.accountId}/${name}`;
      case 'AWS::IAM::Role.RoleId':
        return `AROA${name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 17)}`;
      default:
        return `${name}.${attribute}`;
    }
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
        if (!this.exports.has(name)) throw new UnresolvableError(`No stack exports ${name}`);
        return this.exports.get(name);
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
    const props = resource.Properties ?? {};
    const explicit = (key: string): string | undefined => {
      const value = props[key];
      if (value === undefined) return undefined;
      // Explicit names may themselves use pseudo parameters (e.g. a Sub with AWS::AccountId).
      const resolved = this.resolve(value);
      return typeof resolved === 'string' ? resolved : undefined;
    };
    const generated = `${this.stack.stackName}-${logicalId}`;
    const { region, accountId } = this.env;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return explicit('TableName') ?? generated;
      case 'AWS::S3::Bucket':
        return (
          explicit('BucketName') ??
          generated
            .toLowerCase()
            .replace(/[^a-z0-9.-]/g, '-')
            .slice(0, 63)
        );
      case 'AWS::Lambda::Function':
        return explicit('FunctionName') ?? generated.slice(0, 64);
      case 'AWS::IAM::Role':
        return explicit('RoleName') ?? generated.slice(0, 64);
      case 'AWS::Logs::LogGroup':
        return explicit('LogGroupName') ?? `/local/${generated}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${accountId}:stateMachine:${explicit('StateMachineName') ?? generated.slice(0, 80)}`;
      case 'AWS::ApiGateway::RestApi':
        return slug(explicit('Name') ?? generated);
      case 'AWS::ApiGateway::Stage':
        return explicit('StageName') ?? logicalId;
      case 'AWS::Events::Rule':
      case 'AWS::Scheduler::Schedule':
        return explicit('Name') ?? generated.slice(0, 64);
      case 'AWS::SQS::Queue':
        return `http://sqs.${region}.localhost/${accountId}/${explicit('QueueName') ?? generated.slice(0, 80)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${accountId}:${explicit('TopicName') ?? generated.slice(0, 256)}`;
      case 'AWS::SSM::Parameter':
        return explicit('Name') ?? `/local/${generated}`;
      case SEARCH_DOMAIN_TYPE:
        return explicit('DomainName') ?? searchDomainName(generated);
      default:
        return generated;
    }
  }
}

/**
 * A generated domain name within OpenSearch Service's rules (lower case, `[a-z0-9-]`, at most 28 characters, starting
 * with a letter). A longer name keeps its start and gets a hash of the whole, as CloudFormation adds a suffix.
 */
function searchDomainName(generated: string): string {
  const name = generated
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  if (name.length <= 28) return name;
  const hash = createHash('sha256').update(generated).digest('hex').slice(0, 8);
  return `${name.slice(0, 19).replace(/-+$/, '')}-${hash}`;
}

/** Stands in for `AWS::NoValue` while resolving; removed from objects and lists. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

function slug(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What local mode remembers of a custom resource between starts, as CloudFormation remembers it in a stack. */
export interface CustomResourceState {
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** The ResourceProperties last sent (ServiceToken included), as the provider received them. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly propertiesHash: string;
  readonly physicalResourceId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What the next start must send for a custom resource found in the templates. */
export type CustomResourceChange =
  | { readonly requestType: 'Create' }
  | { readonly requestType: 'Update'; readonly previous: CustomResourceState }
  | { readonly requestType: 'None'; readonly previous: CustomResourceState };

export const CUSTOM_RESOURCES_FILE = 'custom-resources.json';

export function customResourceKey(stackName: string, logicalId: string): string {
  return `${stackName}/${logicalId}`;
}

/**
 * CloudFormation hands a provider every scalar property as a string (`3` arrives as `"3"`, `true` as `"true"`),
 * whatever the template says; providers written against AWS rely on it.
 */
export function asResourceProperties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asResourceProperties);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asResourceProperties(item)]));
}

/** Independent of key order, so a template that merely reorders properties does not trigger an Update. */
export function propertiesHash(properties: unknown): string {
  return createHash('sha256').update(canonicalJson(properties)).digest('hex');
}

/** Create the first time, Update when the properties changed since the last start, nothing otherwise. */
export function customResourceChange(
  previous: CustomResourceState | undefined,
  properties: Readonly<Record<string, unknown>>,
): CustomResourceChange {
  if (!previous) return { requestType: 'Create' };
  return previous.propertiesHash === propertiesHash(properties)
    ? { requestType: 'None', previous }
    : { requestType: 'Update', previous };
}

/** The resources remembered from an earlier start that no template declares any more: they get a Delete. */
export function removedCustomResources(
  stored: Readonly<Record<string, CustomResourceState>>,
  presentKeys: ReadonlySet<string>,
): CustomResourceState[] {
  return Object.entries(stored)
    .filter(([key]) => !presentKeys.has(key))
    .map(([, state]) => state);
}

/** `<dataDir>/custom-resources.json`, rewritten atomically after every completed request. */
export class CustomResourceStateFile {
  private readonly file: string;
  private readonly states: Record<string, CustomResourceState>;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, CUSTOM_RESOURCES_FILE);
    this.states = fs.existsSync(this.file)
      ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { resources: Record<string, CustomResourceState> }).resources
      : {};
  }

  all(): Readonly<Record<string, CustomResourceState>> {
    return { ...this.states };
  }

  get(key: string): CustomResourceState | undefined {
    return this.states[key];
  }

  set(key: string, state: CustomResourceState): void {
    this.states[key] = state;
    this.write();
  }

  delete(key: string): void {
    delete this.states[key];
    this.write();
  }

  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify({ resources: this.states }, null, 2)}\n`);
    fs.renameSync(temporary, this.file);
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
  return `{${entries.join(',')}}`;
}

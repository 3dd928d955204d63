import type { Grant } from './permissions';
import type { PackagerAction, PackagerRecord, PackagerState } from './packagers';
import type { TargetAccount } from './plan';
import type { TemplateRecord, TemplateState } from './templates';

/**
 * What the API and the orchestration need from the services around them, in their own words. The adapters
 * implement these on DynamoDB, Step Functions, Lambda, STS, MediaPackage and HTTP.
 */

export interface PackagerStore {
  get(id: string): Promise<PackagerRecord | undefined>;
  /** Writes a new packager; `false` if the id is taken. */
  create(record: PackagerRecord): Promise<boolean>;
  /**
   * Writes `next` over the stored packager only if that is still at `expectedVersion` (and so in the state it was
   * read in); `false` when another writer got there first.
   */
  replace(next: PackagerRecord, expectedVersion: number): Promise<boolean>;
}

export interface TemplateListPage {
  readonly items: readonly TemplateRecord[];
  readonly more: boolean;
}

export interface TemplateStore {
  get(id: string): Promise<TemplateRecord | undefined>;
  /** The ACTIVE template of `owner` named `name`. */
  findActive(owner: string, name: string): Promise<TemplateRecord | undefined>;
  /** Writes a template with the claim on its name; `'name-taken'` if an ACTIVE one of the owner has it. */
  create(record: TemplateRecord): Promise<'created' | 'name-taken'>;
  /**
   * Writes `next` over `previous` if it is unchanged since it was read, moving the name claim when the name
   * changes and releasing it when the template is deleted, all in one transaction.
   */
  replace(next: TemplateRecord, previous: TemplateRecord): Promise<'replaced' | 'name-taken' | 'changed'>;
  /** One page of an owner's templates, oldest first, after `after` (a template of the same owner). */
  list(
    owner: string,
    options: { states: readonly TemplateState[]; resourceName?: string; after?: TemplateRecord; limit: number },
  ): Promise<TemplateListPage>;
}

export interface TargetAccountDirectory {
  get(id: string): Promise<TargetAccount | undefined>;
}

export interface GrantSource {
  /** Every grant that applies to the caller: deploy-time ones matching its ARN and those stored for it. */
  grantsFor(callerArn: string): Promise<Grant[]>;
}

export interface Orchestration {
  /** Starts the orchestration of `action` for a packager that has just moved to STARTING or STOPPING. */
  start(packagerId: string, action: PackagerAction): Promise<void>;
}

export interface StateNotifications {
  /** Has the packager's callbacks sent for `state`, without waiting for them. */
  packagerChanged(packagerId: string, state: PackagerState): Promise<void>;
}

export interface ApiSettings {
  readonly cloudEnv: string;
}

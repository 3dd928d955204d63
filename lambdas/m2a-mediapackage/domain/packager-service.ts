import { InternalServerError } from '../../shared/http/errors';
import type { CallbackAllowList } from './callback-targets';
import { InvalidInputError, PackagerNotFoundError, StateConflictError } from './errors';
import {
  ACTIONS,
  checkAction,
  checkUpdatable,
  packagerRepresentation,
  parsePackagerCreate,
  parsePackagerUpdate,
  type PackagerAction,
  type PackagerConfiguration,
  type PackagerRecord,
} from './packagers';
import type { Permissions, ResourceAttributes } from './permissions';
import { planResources, type TargetAccount } from './plan';
import type { Orchestration, PackagerStore, StateNotifications, TargetAccountDirectory, TemplateStore } from './ports';
import type { TemplateRecord } from './templates';
import { isPlainObject } from './validation';

export interface PackagerServiceDependencies {
  readonly packagers: PackagerStore;
  readonly templates: Pick<TemplateStore, 'get' | 'findActive'>;
  readonly targetAccounts: TargetAccountDirectory;
  readonly orchestration: Orchestration;
  readonly notifications: StateNotifications;
  readonly allowList: CallbackAllowList;
  readonly cloudEnv: string;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Where failures that do not reach the caller are reported (a structured logger in the function). */
  readonly log: ErrorLog;
}

/** What the domain reports but never answers: a message and the identifiers that explain it, never secrets. */
export interface ErrorLog {
  error(message: string, details: Record<string, unknown>): void;
}

/** Packagers and their actions: the rules of the original's packager and packager-actions endpoints. */
export class PackagerService {
  constructor(private readonly deps: PackagerServiceDependencies) {}

  async create(permissions: Permissions, body: unknown): Promise<Record<string, unknown>> {
    const draft = parsePackagerCreate(body, this.deps.allowList);
    permissions.require('write', 'packager', {
      'target-account-id': draft.targetAccountId,
      'organisation-id': draft.organisationId,
      ...(draft.region ? { region: draft.region } : {}),
    });
    const account = await this.targetAccount(draft.targetAccountId);
    const region = this.enabledRegion(account, draft.region);
    const packagerId = this.deps.newId();
    const template = await this.resolveTemplate(draft.targetAccountId, draft.configuration);
    this.plan({ id: packagerId, ...draft }, template, account);

    const now = this.deps.now().toISOString();
    const record: PackagerRecord = {
      id: packagerId,
      targetAccountId: draft.targetAccountId,
      organisationId: draft.organisationId,
      labels: draft.labels,
      configuration: draft.configuration,
      templateId: template.id,
      state: 'INITIAL',
      region,
      ...(draft.stateCallbackUrl !== undefined ? { stateCallbackUrl: draft.stateCallbackUrl } : {}),
      ...(draft.internalCallbackUrl !== undefined ? { internalCallbackUrl: draft.internalCallbackUrl } : {}),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    if (!(await this.deps.packagers.create(record))) {
      throw new InternalServerError(`Packager id ${packagerId} already exists`);
    }
    await this.notify(record);
    return packagerRepresentation(record);
  }

  async get(permissions: Permissions, id: string): Promise<Record<string, unknown>> {
    const record = await this.find(id);
    permissions.require('read', 'packager', attributesOf(record));
    return packagerRepresentation(record);
  }

  async update(permissions: Permissions, id: string, body: unknown): Promise<Record<string, unknown>> {
    const changes = parsePackagerUpdate(body, this.deps.allowList);
    const current = await this.find(id);
    permissions.require('write', 'packager', attributesOf(current));
    checkUpdatable(current.state);

    let next: PackagerRecord = {
      ...current,
      ...(changes.labels !== undefined ? { labels: changes.labels } : {}),
      ...(changes.configuration !== undefined ? { configuration: changes.configuration } : {}),
      ...(changes.region !== undefined ? { region: changes.region } : {}),
      updatedAt: this.deps.now().toISOString(),
      version: current.version + 1,
    };
    next = withUrl(next, 'stateCallbackUrl', changes.stateCallbackUrl);
    next = withUrl(next, 'internalCallbackUrl', changes.internalCallbackUrl);
    // The caller must be allowed to write the packager as it will be, too (a region condition, say).
    permissions.require('write', 'packager', attributesOf(next));
    if (changes.configuration !== undefined || changes.region !== undefined) {
      const account = await this.targetAccount(next.targetAccountId);
      this.enabledRegion(account, next.region);
      const template = await this.resolveTemplate(next.targetAccountId, next.configuration);
      this.plan(next, template, account);
      next = { ...next, templateId: template.id };
    }
    if (!(await this.deps.packagers.replace(next, current.version))) await this.conflict(id, 'update');
    return packagerRepresentation(next);
  }

  async act(permissions: Permissions, id: string, body: unknown): Promise<Record<string, unknown>> {
    const action = parseAction(body);
    const current = await this.find(id);
    permissions.require('write', 'packager', attributesOf(current));
    const state = checkAction(action, current.state);

    if (action === 'START') {
      // Everything START will render is checked now, so a bad config is a 400 here and never a half-made channel.
      const account = await this.targetAccount(current.targetAccountId);
      this.enabledRegion(account, current.region);
      const template = await this.deps.templates.get(current.templateId);
      if (!template)
        throw new InvalidInputError(`The packager's template is gone`, { pointer: '/configuration/template' });
      this.plan(current, template, account);
    }

    const next: PackagerRecord = {
      ...current,
      state,
      updatedAt: this.deps.now().toISOString(),
      version: current.version + 1,
    };
    if (!(await this.deps.packagers.replace(next, current.version))) await this.conflict(id, action);
    try {
      await this.deps.orchestration.start(id, action);
    } catch (error) {
      // Put the packager back as it was: a packager left STARTING with no orchestration would never move again.
      // Conditional on our own write, so nothing another request did since is undone.
      await this.deps.packagers.replace({ ...current, version: next.version + 1 }, next.version).catch(() => false);
      this.deps.log.error('Could not start the orchestration', {
        packagerId: id,
        action,
        error: (error as Error).name,
      });
      throw new InternalServerError('Could not start the orchestration');
    }
    return { action, packager: packagerRepresentation(next) };
  }

  private async find(id: string): Promise<PackagerRecord> {
    const record = await this.deps.packagers.get(id);
    if (!record) throw new PackagerNotFoundError(id);
    return record;
  }

  private async conflict(id: string, what: string): Promise<never> {
    const now = await this.deps.packagers.get(id);
    throw new StateConflictError(
      `The packager changed while the ${what} was processed${now ? `; it is now ${now.state}` : ''}`,
    );
  }

  private async targetAccount(id: string): Promise<TargetAccount> {
    const account = await this.deps.targetAccounts.get(id);
    if (!account) {
      throw new InvalidInputError(`Target account ${id} is not known`, { pointer: '/target-account-id' });
    }
    return account;
  }

  private enabledRegion(account: TargetAccount, region: string | undefined): string {
    const chosen = region ?? account.regions[0];
    if (chosen === undefined || !account.regions.includes(chosen)) {
      throw new InvalidInputError(
        `Region ${chosen ?? '(none)'} is not enabled for target account ${account.id}` +
          ` (enabled: ${account.regions.join(', ') || 'none'})`,
        { pointer: '/region' },
      );
    }
    return chosen;
  }

  private async resolveTemplate(owner: string, configuration: PackagerConfiguration): Promise<TemplateRecord> {
    const template = await this.deps.templates.findActive(owner, configuration.template);
    if (!template) {
      throw new InvalidInputError(`No active template named "${configuration.template}" for this target account`, {
        pointer: '/configuration/template',
      });
    }
    return template;
  }

  private plan(
    packager: Pick<PackagerRecord, 'id' | 'targetAccountId' | 'organisationId' | 'configuration'>,
    template: TemplateRecord,
    account: TargetAccount,
  ): void {
    planResources({ packager, template, awsAccountId: account.awsAccountId, cloudEnv: this.deps.cloudEnv });
  }

  private async notify(record: PackagerRecord): Promise<void> {
    if (record.stateCallbackUrl === undefined && record.internalCallbackUrl === undefined) return;
    try {
      await this.deps.notifications.packagerChanged(record.id, record.state);
    } catch (error) {
      // Callbacks are best effort (no retries, no guarantees); the packager exists either way.
      this.deps.log.error('Could not queue the creation callback', {
        packagerId: record.id,
        error: (error as Error).name,
      });
    }
  }
}

export function attributesOf(record: PackagerRecord): ResourceAttributes {
  return {
    'target-account-id': record.targetAccountId,
    'organisation-id': record.organisationId,
    region: record.region,
  };
}

function parseAction(body: unknown): PackagerAction {
  if (!isPlainObject(body)) throw new InvalidInputError('The body must be a JSON object', { pointer: '' });
  const unknown = Object.keys(body).filter((key) => key !== 'action');
  if (unknown.length > 0) {
    throw new InvalidInputError(`An action does not allow "${unknown[0]}"`, { pointer: `/${unknown[0]}` });
  }
  if (!(ACTIONS as readonly unknown[]).includes(body.action)) {
    throw new InvalidInputError(`action must be one of ${ACTIONS.join(', ')}`, { pointer: '/action' });
  }
  return body.action as PackagerAction;
}

function withUrl(
  record: PackagerRecord,
  key: 'stateCallbackUrl' | 'internalCallbackUrl',
  value: string | null | undefined,
): PackagerRecord {
  if (value === undefined) return record;
  const { [key]: _removed, ...rest } = record;
  return value === null ? rest : { ...rest, [key]: value };
}

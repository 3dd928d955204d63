import type { OriginEndpointSummary, PackagerRecord, PackagerState, ChannelSummary } from '../domain/packagers';
import { planResources, type ChannelRequest, type MediaPackagePlan, type OriginEndpointRequest } from '../domain/plan';
import { isPlainObject } from '../domain/validation';
import type { CallbackDelivery, MediaPackageResources, WorkerDependencies } from './ports';

/** The steps of the orchestration state machine, and the creation callback the API hands over. */
export type WorkerTask =
  | { readonly task: 'notify'; readonly packagerId: string; readonly state?: PackagerState }
  | { readonly task: 'plan'; readonly packagerId: string }
  | { readonly task: 'create-channel'; readonly packagerId: string; readonly channel: ChannelRequest }
  | { readonly task: 'create-origin-endpoint'; readonly packagerId: string; readonly request: OriginEndpointRequest }
  | {
      readonly task: 'finish-start';
      readonly packagerId: string;
      readonly channel: ChannelSummary;
      readonly originEndpoints: readonly OriginEndpointSummary[];
    }
  | { readonly task: 'compensate'; readonly packagerId: string }
  | { readonly task: 'delete-resources'; readonly packagerId: string }
  | { readonly task: 'finish-stop'; readonly packagerId: string }
  | { readonly task: 'fail'; readonly packagerId: string; readonly from: PackagerState; readonly error?: unknown };

/** An error Step Functions should not retry: the packager is not where this step expects it. */
export class PackagerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackagerStateError';
  }
}

/**
 * The orchestration's steps. Each reads the packager afresh, does one thing and returns only what the next step
 * needs: never ingest credentials, which MediaPackage returns with every channel and which would otherwise end up
 * in the execution history.
 */
export class OrchestrationTasks {
  constructor(private readonly deps: WorkerDependencies) {}

  async run(event: WorkerTask): Promise<unknown> {
    switch (event.task) {
      case 'notify':
        return this.notify(event.packagerId, event.state);
      case 'plan':
        return this.plan(event.packagerId);
      case 'create-channel':
        return this.createChannel(event.packagerId, event.channel);
      case 'create-origin-endpoint':
        return this.createOriginEndpoint(event.packagerId, event.request);
      case 'finish-start':
        return this.finish(event.packagerId, 'STARTING', 'RUNNING', {
          channel: event.channel,
          originEndpoints: event.originEndpoints,
        });
      case 'compensate':
        return this.removeResources(event.packagerId, 'STARTING');
      case 'delete-resources':
        return this.removeResources(event.packagerId, 'STOPPING');
      case 'finish-stop':
        return this.finish(event.packagerId, 'STOPPING', 'STOPPED', {});
      case 'fail':
        return this.fail(event.packagerId, event.from, event.error);
      default:
        throw new Error(`Unknown task ${String((event as { task?: unknown }).task)}`);
    }
  }

  /** Callbacks never fail a step: no retries, no guarantees, as the original promises. */
  async notify(packagerId: string, state?: PackagerState): Promise<{ deliveries: CallbackDelivery[] }> {
    const packager = await this.deps.packagers.get(packagerId);
    if (!packager) return { deliveries: [] };
    return { deliveries: await this.deps.callbacks.send(packager, state ?? packager.state) };
  }

  async plan(packagerId: string): Promise<MediaPackagePlan> {
    const packager = await this.packager(packagerId, 'STARTING');
    const template = await this.deps.templates.get(packager.templateId);
    if (!template) throw new PackagerStateError(`Template ${packager.templateId} is gone`);
    const account = await this.account(packager);
    return planResources({ packager, template, awsAccountId: account.awsAccountId, cloudEnv: this.deps.cloudEnv });
  }

  async createChannel(packagerId: string, request: ChannelRequest): Promise<ChannelSummary> {
    const packager = await this.packager(packagerId, 'STARTING');
    const channel = await (await this.open(packager)).createChannel(request, packagerId);
    // Recorded at once, so an operator sees what exists even if the execution dies before RUNNING.
    await this.update(packager, { channel });
    return channel;
  }

  async createOriginEndpoint(packagerId: string, request: OriginEndpointRequest): Promise<OriginEndpointSummary> {
    const packager = await this.packager(packagerId, 'STARTING');
    return (await this.open(packager)).createOriginEndpoint(request, packagerId);
  }

  /**
   * Deletes the packager's origin endpoints, then its channel. The channel id is derived from the packager id, so
   * this finds what an earlier step made even when that step's answer was lost; what is already gone is done.
   */
  async removeResources(packagerId: string, expected: PackagerState): Promise<{ deleted: string[] }> {
    const packager = await this.packager(packagerId, expected);
    const channelId = packager.channel?.id ?? packager.id;
    let resources: MediaPackageResources;
    try {
      resources = await this.open(packager);
    } catch (error) {
      // Refused the role, this START cannot have created anything in the account; a STOP must not pretend.
      if (expected === 'STARTING' && packager.channel === undefined && (error as Error).name === 'AccessDenied') {
        return { deleted: [] };
      }
      throw error;
    }
    const endpointIds = new Set([
      ...(packager.originEndpoints ?? []).map((endpoint) => endpoint.id),
      ...(await resources.originEndpointIds(channelId)),
    ]);
    for (const id of endpointIds) await resources.deleteOriginEndpoint(id);
    await resources.deleteChannel(channelId);
    return { deleted: [...endpointIds, channelId] };
  }

  async finish(
    packagerId: string,
    from: PackagerState,
    to: PackagerState,
    resources: Pick<PackagerRecord, 'channel' | 'originEndpoints'>,
  ): Promise<{ state: PackagerState }> {
    const packager = await this.packager(packagerId, from);
    const next = await this.update(packager, { ...resources, state: to });
    await this.deps.callbacks.send(next, to);
    return { state: to };
  }

  async fail(packagerId: string, from: PackagerState, error: unknown): Promise<{ state: PackagerState }> {
    const packager = await this.deps.packagers.get(packagerId);
    if (!packager || packager.state !== from) return { state: packager?.state ?? 'FAILED' };
    const next = await this.update(packager, { state: 'FAILED', failure: describeFailure(error) });
    await this.deps.callbacks.send(next, 'FAILED');
    return { state: 'FAILED' };
  }

  private async packager(packagerId: string, state: PackagerState): Promise<PackagerRecord> {
    const packager = await this.deps.packagers.get(packagerId);
    if (!packager) throw new PackagerStateError(`Packager ${packagerId} not found`);
    if (packager.state !== state) {
      throw new PackagerStateError(`Packager ${packagerId} is ${packager.state}, expected ${state}`);
    }
    return packager;
  }

  private async account(packager: PackagerRecord) {
    const account = await this.deps.targetAccounts.get(packager.targetAccountId);
    if (!account) throw new PackagerStateError(`Target account ${packager.targetAccountId} is not known`);
    return account;
  }

  private async open(packager: PackagerRecord): Promise<MediaPackageResources> {
    return this.deps.mediapackage.open(await this.account(packager), packager.region, packager.id);
  }

  /** Only the orchestration writes a packager while it is STARTING or STOPPING; the version check proves it. */
  private async update(packager: PackagerRecord, changes: Partial<PackagerRecord>): Promise<PackagerRecord> {
    const next: PackagerRecord = {
      ...packager,
      ...changes,
      updatedAt: this.deps.now().toISOString(),
      version: packager.version + 1,
    };
    if (!(await this.deps.packagers.replace(next, packager.version))) {
      throw new PackagerStateError(`Packager ${packager.id} changed during the orchestration`);
    }
    return next;
  }
}

/** The Step Functions error (`{Error, Cause}`) in one line, without the cause's stack trace. */
function describeFailure(error: unknown): string {
  if (!isPlainObject(error)) return 'The orchestration failed';
  const name = typeof error.Error === 'string' ? error.Error : 'Error';
  let message = '';
  if (typeof error.Cause === 'string') {
    try {
      const cause: unknown = JSON.parse(error.Cause);
      message = isPlainObject(cause) && typeof cause.errorMessage === 'string' ? cause.errorMessage : error.Cause;
    } catch {
      message = error.Cause;
    }
  }
  return `${name}: ${message}`.slice(0, 1000);
}

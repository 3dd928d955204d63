import type { ChannelSummary, OriginEndpointSummary, PackagerRecord, PackagerState } from '../domain/packagers';
import type { ChannelRequest, OriginEndpointRequest, TargetAccount } from '../domain/plan';
import type { PackagerStore, TargetAccountDirectory, TemplateStore } from '../domain/ports';

/** MediaPackage in one target account and region, through the role assumed there. */
export interface MediaPackageResources {
  /** Creates the channel; a channel with this id already tagged for this packager is adopted, not an error. */
  createChannel(request: ChannelRequest, packagerId: string): Promise<ChannelSummary>;
  createOriginEndpoint(request: OriginEndpointRequest, packagerId: string): Promise<OriginEndpointSummary>;
  /** The ids of every origin endpoint of the channel. */
  originEndpointIds(channelId: string): Promise<string[]>;
  /** Deletes the endpoint; one that does not exist is already done. */
  deleteOriginEndpoint(id: string): Promise<void>;
  /** Deletes the channel; one that does not exist is already done. */
  deleteChannel(id: string): Promise<void>;
}

export interface MediaPackageAccess {
  /** Assumes the target account's role (ExternalId, session name = the packager id) for MediaPackage in `region`. */
  open(account: TargetAccount, region: string, sessionName: string): Promise<MediaPackageResources>;
}

export interface CallbackDelivery {
  readonly target: 'state' | 'internal';
  readonly status?: number;
  readonly error?: string;
}

export interface CallbackSender {
  /** POSTs `{id, state}` to the packager's callback URLs (the internal one signed), once each, in parallel. */
  send(packager: PackagerRecord, state: PackagerState): Promise<CallbackDelivery[]>;
}

export interface WorkerDependencies {
  readonly packagers: PackagerStore;
  readonly templates: Pick<TemplateStore, 'get'>;
  readonly targetAccounts: TargetAccountDirectory;
  readonly mediapackage: MediaPackageAccess;
  readonly callbacks: CallbackSender;
  readonly cloudEnv: string;
  readonly now: () => Date;
}

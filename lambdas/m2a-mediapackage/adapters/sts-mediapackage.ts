import {
  CreateChannelCommand,
  CreateOriginEndpointCommand,
  DeleteChannelCommand,
  DeleteOriginEndpointCommand,
  DescribeChannelCommand,
  DescribeOriginEndpointCommand,
  ListOriginEndpointsCommand,
  MediaPackageClient,
  type CreateOriginEndpointCommandInput,
} from '@aws-sdk/client-mediapackage';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { ChannelSummary, OriginEndpointSummary } from '../domain/packagers';
import { PACKAGER_TAG, type ChannelRequest, type OriginEndpointRequest, type TargetAccount } from '../domain/plan';
import type { MediaPackageAccess, MediaPackageResources } from '../orchestration/ports';

/** Sessions are renewed this long before they expire, so no call is made with credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;
const SESSION_SECONDS = 3600;

interface Session {
  readonly client: MediaPackageClient;
  readonly expiresAt: number;
}

/**
 * MediaPackage in target accounts: AssumeRole with the account's ExternalId (the confused-deputy guard the role's
 * trust policy checks) and the packager id as session name, so CloudTrail in the target account names the packager.
 * One client per role session, kept for the container's life until the session nears expiry.
 */
export class StsMediaPackageAccess implements MediaPackageAccess {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly sts: STSClient,
    private readonly now: () => number = Date.now,
  ) {}

  async open(account: TargetAccount, region: string, sessionName: string): Promise<MediaPackageResources> {
    const key = `${account.roleArn}|${region}|${sessionName}`;
    const cached = this.sessions.get(key);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > this.now()) return new SdkMediaPackage(cached.client);
    cached?.client.destroy();

    const { Credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: account.roleArn,
        RoleSessionName: sessionName,
        ExternalId: account.externalId ?? account.id,
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
      throw new Error(`AssumeRole of ${account.roleArn} returned no credentials`);
    }
    const client = new MediaPackageClient({
      region,
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        sessionToken: Credentials.SessionToken,
      },
    });
    this.sessions.set(key, {
      client,
      expiresAt: Credentials.Expiration?.getTime() ?? this.now() + SESSION_SECONDS * 1000,
    });
    return new SdkMediaPackage(client);
  }
}

class SdkMediaPackage implements MediaPackageResources {
  constructor(private readonly client: MediaPackageClient) {}

  async createChannel(request: ChannelRequest, packagerId: string): Promise<ChannelSummary> {
    try {
      const channel = await this.client.send(new CreateChannelCommand(request));
      return summary(channel.Arn, channel.Id);
    } catch (error) {
      // A retry after a lost answer finds its own channel: adopt it if it carries this packager's tag.
      if ((error as Error).name !== 'UnprocessableEntityException') throw error;
      const existing = await this.client.send(new DescribeChannelCommand({ Id: request.Id })).catch(() => undefined);
      if (existing?.Tags?.[PACKAGER_TAG] !== packagerId) throw error;
      return summary(existing.Arn, existing.Id);
    }
  }

  async createOriginEndpoint(request: OriginEndpointRequest, packagerId: string): Promise<OriginEndpointSummary> {
    const input = request as unknown as CreateOriginEndpointCommandInput;
    try {
      const endpoint = await this.client.send(new CreateOriginEndpointCommand(input));
      return { ...summary(endpoint.Arn, endpoint.Id), url: endpoint.Url ?? '' };
    } catch (error) {
      if ((error as Error).name !== 'UnprocessableEntityException') throw error;
      const existing = await this.client
        .send(new DescribeOriginEndpointCommand({ Id: request.Id }))
        .catch(() => undefined);
      if (existing?.Tags?.[PACKAGER_TAG] !== packagerId || existing.ChannelId !== request.ChannelId) throw error;
      return { ...summary(existing.Arn, existing.Id), url: existing.Url ?? '' };
    }
  }

  async originEndpointIds(channelId: string): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await notFoundAsEmpty(
        this.client.send(new ListOriginEndpointsCommand({ ChannelId: channelId, NextToken: nextToken })),
      );
      ids.push(...(page?.OriginEndpoints ?? []).map((endpoint) => endpoint.Id ?? '').filter((id) => id !== ''));
      nextToken = page?.NextToken;
    } while (nextToken);
    return ids;
  }

  async deleteOriginEndpoint(id: string): Promise<void> {
    await notFoundAsEmpty(this.client.send(new DeleteOriginEndpointCommand({ Id: id })));
  }

  async deleteChannel(id: string): Promise<void> {
    await notFoundAsEmpty(this.client.send(new DeleteChannelCommand({ Id: id })));
  }
}

async function notFoundAsEmpty<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  }
}

function summary(arn: string | undefined, id: string | undefined): ChannelSummary {
  if (!arn || !id) throw new Error('MediaPackage answered without an ARN or id');
  return { arn, id };
}

import type { LocalService, LocalServiceModule } from '../service-module';
import { LocalKinesisVideoServer } from './server';

export interface KinesisVideoService extends LocalService {
  readonly server: LocalKinesisVideoServer;
}

/**
 * Kinesis Video Streams: the control plane and the GetMedia/PutMedia data plane on one endpoint (see README.md).
 * Streams mostly come from producers and users (CreateStream); a template's `AWS::KinesisVideo::Stream` is created
 * too, and kept when it already exists (a restart keeps every stream and fragment).
 */
export const kinesisVideoModule: LocalServiceModule = {
  name: 'kinesisvideo',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_KINESIS_VIDEO',
  outputKey: 'KinesisVideoEndpoint',
  resourceTypes: {
    'AWS::KinesisVideo::Stream': {
      physicalId: ({ explicit, generated }) => explicit('Name') ?? generated.slice(0, 256),
      arn: ({ name, region, accountId }) => `arn:aws:kinesisvideo:${region}:${accountId}:stream/${name}/0`,
    },
  },
  async start({ cloud, directory, port }): Promise<KinesisVideoService> {
    const server = await LocalKinesisVideoServer.start(
      {
        directory,
        region: cloud.region,
        accountId: cloud.accountId,
        lookupSecret: cloud.principals.lookupSecret,
        lookupSessionToken: cloud.principals.lookupSessionToken,
      },
      port,
    );
    return {
      endpoint: server.endpoint,
      server,
      deploy: ({ resolver, logicalId, resource }) => {
        const name = resolver.physicalId(logicalId);
        if (server.service.hasStream(name)) return;
        const props = (resolver.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
        server.service.createStream({
          StreamName: name,
          DataRetentionInHours: props.DataRetentionInHours ?? 0,
          ...(props.MediaType !== undefined ? { MediaType: props.MediaType } : {}),
          ...(props.DeviceName !== undefined ? { DeviceName: props.DeviceName } : {}),
        });
      },
      close: () => server.close(),
    };
  },
};

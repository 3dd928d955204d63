import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { EventsService } from '../events/module';
import type { LambdaService } from '../lambda/module';
import type { LocalService, LocalServiceModule } from '../service-module';
import { applyBucketCors } from './bucket-cors';
import { BucketNotifications } from './notifications';
import { startS3EngineThread } from './start-thread';

/**
 * S3: the local S3 engine (`engine.ts`), verifying every request against the local principals, objects as files
 * under the module's directory, in its own worker thread (`thread.ts`) so that a large upload or listing never holds
 * up the other services. Buckets are created from the templates and never emptied by a restart, and get the CORS
 * rules their template declares; their event notifications go to the event bus and to functions as the templates
 * configure them, once every stack is deployed (changes made while deploying are held until then). Notifications
 * are sent from the main thread, where the event bus and the functions are.
 */
export const s3Module: LocalServiceModule = {
  name: 's3',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_S3',
  outputKey: 'S3Endpoint',
  resourceTypes: {
    'AWS::S3::Bucket': {
      physicalId: ({ explicit, generated }) =>
        explicit('BucketName') ??
        generated
          .toLowerCase()
          .replace(/[^a-z0-9.-]/g, '-')
          .slice(0, 63),
      arn: ({ name }) => `arn:aws:s3:::${name}`,
      attributes: {
        DomainName: ({ name }) => `${name}.s3.amazonaws.com`,
        DualStackDomainName: ({ name, region }) => `${name}.s3.dualstack.${region}.amazonaws.com`,
        RegionalDomainName: ({ name, region }) => `${name}.s3.${region}.amazonaws.com`,
        WebsiteURL: ({ name, region }) => `http://${name}.s3-website-${region}.amazonaws.com`,
      },
    },
    // Bucket policies are IAM, which local mode does not evaluate; every signed request of a local key is allowed.
    'AWS::S3::BucketPolicy': {},
  },
  async start({ cloud, directory, port }): Promise<LocalService> {
    let notifications: BucketNotifications | undefined;
    const engine = await startS3EngineThread({
      directory,
      port,
      principals: cloud.principals,
      region: cloud.region,
      onObjectChange: (change) => notifications?.publish(change),
    });
    notifications = new BucketNotifications({
      region: cloud.region,
      accountId: cloud.accountId,
      userId: `AIDA${cloud.credentials.accessKeyId.slice(4)}`,
      eventBus: { put: (event) => cloud.service<EventsService>('events').bus.put(event) },
      findFunction: (arn) => {
        const lambda = cloud.service<LambdaService>('lambda');
        if (!lambda.find(arn)) return undefined;
        // S3 invokes asynchronously: retries and the on-failure destination are the function's EventInvokeConfig.
        return { invoke: async (event) => lambda.invokeAsync(arn, event) };
      },
      log: cloud.log,
    });
    // Made on first use: a start that deploys no bucket change never needs it (nor loads the SDK: lib/local/bundle.js).
    let client: S3Client | undefined;
    return {
      endpoint: engine.endpoint,
      async deploy({ resolver, logicalId, resource, unchanged }) {
        if (resource.Type !== 'AWS::S3::Bucket') return;
        // A bucket deployed as it is by the last completed start is in the engine's store, with its CORS rules.
        if (unchanged?.()) return;
        client ??= new S3Client({
          region: cloud.region,
          credentials: cloud.credentials,
          endpoint: engine.endpoint,
          forcePathStyle: true,
        });
        const bucket = resolver.physicalId(logicalId);
        try {
          await client.send(new HeadBucketCommand({ Bucket: bucket }));
        } catch {
          await client.send(new CreateBucketCommand({ Bucket: bucket }));
        }
        await applyBucketCors(client, bucket, resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>);
      },
      deployed(stacks) {
        for (const resolver of stacks) notifications?.addStack(resolver);
        notifications?.start();
      },
      quiesce: () => notifications?.stop(),
      async close() {
        client?.destroy();
        await engine.close();
      },
    };
  },
};

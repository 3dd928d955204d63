import { startAwsEndpoint } from '../protocol/endpoint';
import { queryProtocol } from '../protocol/query';
import { xmlEscape } from '../protocol/wire';
import type { LocalService, LocalServiceModule } from '../service-module';
import { LocalSts } from './service';

const XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The running STS module: its roles and sessions, for tests and tools that declare roles. */
export interface StsService extends LocalService {
  readonly sts: LocalSts;
}

/**
 * STS: `AssumeRole` (roles declared in `<dataDir>/sts/roles.json`, ExternalId checked as a trust policy would) and
 * `GetCallerIdentity`, over the query protocol. Issued sessions join the local principals, so every stand-in
 * accepts them, signed with their session token.
 */
export const stsModule: LocalServiceModule = {
  name: 'sts',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_STS',
  outputKey: 'StsEndpoint',
  resourceTypes: {},
  async start({ cloud, directory, port }): Promise<StsService> {
    const sts = new LocalSts({ dataDir: directory, principals: cloud.principals });
    const running = await startAwsEndpoint(
      {
        protocol: 'query',
        xmlNamespace: XML_NAMESPACE,
        signingName: 'sts',
        region: cloud.region,
        principals: cloud.principals,
        maxBodyBytes: 64 * 1024,
        handle: queryProtocol({
          xmlNamespace: XML_NAMESPACE,
          operations: {
            AssumeRole: (params, request) => {
              const duration = params.get('DurationSeconds');
              const result = sts.assumeRole(request.principal, {
                roleArn: params.get('RoleArn') ?? '',
                roleSessionName: params.get('RoleSessionName') ?? '',
                ...(params.has('ExternalId') ? { externalId: params.get('ExternalId') as string } : {}),
                ...(duration !== null ? { durationSeconds: Number(duration) } : {}),
              });
              const { credentials, assumedRoleUser } = result;
              return (
                `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId>` +
                `<SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>` +
                `<SessionToken>${xmlEscape(credentials.sessionToken)}</SessionToken>` +
                `<Expiration>${credentials.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration></Credentials>` +
                `<AssumedRoleUser><AssumedRoleId>${xmlEscape(assumedRoleUser.assumedRoleId)}</AssumedRoleId>` +
                `<Arn>${xmlEscape(assumedRoleUser.arn)}</Arn></AssumedRoleUser>`
              );
            },
            GetCallerIdentity: (_params, request) => {
              const identity = sts.getCallerIdentity(request.principal);
              return (
                `<Arn>${xmlEscape(identity.arn)}</Arn><UserId>${xmlEscape(identity.userId)}</UserId>` +
                `<Account>${identity.account}</Account>`
              );
            },
          },
        }),
      },
      port,
    );
    return { endpoint: running.endpoint, sts, close: () => running.close() };
  },
};

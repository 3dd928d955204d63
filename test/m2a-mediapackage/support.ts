import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { verifySigV4 } from '../../lib/local/apigateway/sigv4';
import { loadOrCreateProfiles } from '../../lib/local/credentials';
import type { MediaPackageService } from '../../lib/local/mediapackage';
import type { StsService } from '../../lib/local/sts';
import { rawRequest, readBody } from '../../lib/local/http-request';
import { request, type HttpResult, type TestLocalMode } from '../support/local';

export const JSON_API = 'application/vnd.api+json';
export const TARGET_AWS_ACCOUNT = '111122223333';

export interface ReceivedCallback {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: { id: string; state: string };
  /** Whether the request carried a valid SigV4 signature (execute-api) by a local principal. */
  readonly signed: boolean;
}

/** A callback receiver on 127.0.0.1 (the address the test synthesis allow-lists), recording what arrives. */
export async function startCallbackReceiver(env: TestLocalMode) {
  const received: ReceivedCallback[] = [];
  const server = http.createServer((req, res) => {
    void readBody(req, 1024 * 1024).then((body) => {
      const raw = rawRequest(req, body ?? Buffer.alloc(0));
      const verdict = verifySigV4(raw, {
        region: env.local.region,
        service: 'execute-api',
        lookupSecret: (key) =>
          key === env.local.credentials.accessKeyId ? env.local.credentials.secretAccessKey : undefined,
      });
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse((body ?? Buffer.alloc(0)).toString('utf8') || '{}'),
        signed: verdict.ok,
      });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** Callbacks for one packager at one path, in arrival order. */
    states: (id: string, path: string) =>
      received
        .filter((callback) => callback.body.id === id && callback.path === path)
        .map((callback) => callback.body.state),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Registers a target account (AWS account 111122223333) and the role local STS lets the worker assume. */
export async function registerTargetAccount(
  env: TestLocalMode,
  targetAccountId: string,
  options: { externalId?: string; roleExternalId?: string; regions?: string[] } = {},
) {
  const roleArn = `arn:aws:iam::${TARGET_AWS_ACCOUNT}:role/M2aMediapackageAccess-${targetAccountId.slice(0, 8)}`;
  env.local
    .service<StsService>('sts')
    .sts.defineRole(roleArn, { externalId: options.roleExternalId ?? targetAccountId });
  const dynamodb = new DynamoDBClient({
    region: env.local.region,
    endpoint: env.local.outputs.Local?.DynamoDbEndpoint,
    credentials: env.local.credentials,
  });
  await dynamodb.send(
    new PutItemCommand({
      TableName: env.local.outputs.M2aMediapackage?.TargetAccountsTableName,
      Item: {
        id: { S: targetAccountId },
        awsAccountId: { S: TARGET_AWS_ACCOUNT },
        roleArn: { S: roleArn },
        ...(options.externalId ? { externalId: { S: options.externalId } } : {}),
        regions: { L: (options.regions ?? ['eu-west-1', 'us-east-1']).map((region) => ({ S: region })) },
      },
    }),
  );
  dynamodb.destroy();
  return { roleArn };
}

/** A MediaPackage client in the target account, through the role — what an operator there would use. */
export async function targetAccountMediaPackage(
  env: TestLocalMode,
  roleArn: string,
  externalId: string,
  region: string,
) {
  const sts = new STSClient({
    region: env.local.region,
    endpoint: env.local.outputs.Local?.StsEndpoint,
    credentials: env.local.credentials,
  });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test-operator', ExternalId: externalId }),
  );
  sts.destroy();
  return new MediaPackageClient({
    region,
    endpoint: env.local.outputs.Local?.MediaPackageEndpoint,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    },
  });
}

/** A template document: an HLS endpoint whose window comes from config, a channel tagged with a macro. */
export function templateDocument(owner: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    data: {
      type: 'template',
      attributes: {
        resource_name: name,
        description: 'HLS for live events',
        metadata: { owner, labels: { team: 'live' } },
        mediapackage: {
          channel: {
            Description: 'Event {{config:event-name}} for {{m2a:organisation_id}}',
            Tags: { event: '{{config:event-name}}', account: '{{m2a:aws_account_id}}' },
          },
          origin_endpoints: [
            {
              ManifestName: 'index',
              HlsPackage: { SegmentDurationSeconds: 2, PlaylistWindowSeconds: '{{config:window}}' },
            },
          ],
          config: [
            { name: 'event-name', description: 'The event', type: 'string' },
            { name: 'window', description: 'Playlist window (s)', type: 'integer' },
          ],
        },
        ...extra,
      },
    },
  };
}

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

/** A signed JSON:API request. */
export function jsonApi(
  base: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return request(`${base}${route}`, {
    method,
    credentials,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    headers: { ...(body !== undefined ? { 'Content-Type': JSON_API } : {}), Accept: JSON_API, ...headers },
  });
}

/** The keys of the `mediaplane-readonly` profile of a local mode's credentials file. */
export function readOnlyCredentials(env: TestLocalMode) {
  const [, readOnly] = loadOrCreateProfiles(env.dataDir);
  return { accessKeyId: readOnly?.accessKeyId as string, secretAccessKey: readOnly?.secretAccessKey as string };
}

/** The local MediaPackage of a local mode, for its fault switches. */
export function localMediaPackage(env: TestLocalMode) {
  return env.local.service<MediaPackageService>('mediapackage').mediaPackage;
}

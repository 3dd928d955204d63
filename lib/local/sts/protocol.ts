import { randomUUID } from 'node:crypto';
import type { RawRequest } from '../apigateway/sigv4';
import type { LocalIdentities } from '../credentials';
import { LocalSts, StsError } from './service';

export interface ProtocolResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The query protocol's names for the authentication failures the SigV4 check reports. */
const QUERY_AUTH_ERRORS: Readonly<Record<string, string>> = {
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  IncompleteSignatureException: 'IncompleteSignature',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
};

/**
 * STS's query protocol: `Action=…&Version=2011-06-15` form-encoded in a POST (or in the query of a GET), every
 * request SigV4-signed for `sts`, XML answers, and errors as `<ErrorResponse>` with `Type`, `Code` and `Message`.
 */
export function handleStsRequest(
  request: RawRequest,
  options: { sts: LocalSts; identities: LocalIdentities; region: string },
): ProtocolResponse {
  const requestId = randomUUID();
  try {
    const verdict = options.identities.verify(request, { region: options.region, service: 'sts' });
    if (!verdict.ok) throw new StsError(QUERY_AUTH_ERRORS[verdict.errorType] ?? 'AccessDenied', verdict.message, 403);
    const params = new URLSearchParams(
      request.method.toUpperCase() === 'GET' ? request.rawQuery : request.body.toString('utf8'),
    );
    const action = params.get('Action');
    switch (action) {
      case 'AssumeRole': {
        const duration = params.get('DurationSeconds');
        const result = options.sts.assumeRole(verdict.principal, {
          roleArn: params.get('RoleArn') ?? '',
          roleSessionName: params.get('RoleSessionName') ?? '',
          ...(params.has('ExternalId') ? { externalId: params.get('ExternalId') as string } : {}),
          ...(duration !== null ? { durationSeconds: Number(duration) } : {}),
        });
        return xml(
          200,
          'AssumeRole',
          `<Credentials><AccessKeyId>${result.credentials.accessKeyId}</AccessKeyId>` +
            `<SecretAccessKey>${result.credentials.secretAccessKey}</SecretAccessKey>` +
            `<SessionToken>${escapeXml(result.credentials.sessionToken)}</SessionToken>` +
            `<Expiration>${result.credentials.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration></Credentials>` +
            `<AssumedRoleUser><AssumedRoleId>${escapeXml(result.assumedRoleUser.assumedRoleId)}</AssumedRoleId>` +
            `<Arn>${escapeXml(result.assumedRoleUser.arn)}</Arn></AssumedRoleUser>`,
          requestId,
        );
      }
      case 'GetCallerIdentity': {
        const identity = options.sts.getCallerIdentity(verdict.principal);
        return xml(
          200,
          'GetCallerIdentity',
          `<Arn>${escapeXml(identity.arn)}</Arn><UserId>${escapeXml(identity.userId)}</UserId><Account>${identity.account}</Account>`,
          requestId,
        );
      }
      default:
        throw new StsError('InvalidAction', `Could not find operation ${action ?? ''} for version 2011-06-15`);
    }
  } catch (error) {
    const stsError =
      error instanceof StsError
        ? error
        : new StsError('InternalFailure', 'An internal error occurred', 500, 'Receiver');
    if (!(error instanceof StsError)) console.error('Local STS error', error);
    const body =
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${stsError.type}</Type><Code>${stsError.code}</Code>` +
      `<Message>${escapeXml(stsError.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return {
      statusCode: stsError.statusCode,
      headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: Buffer.from(body),
    };
  }
}

function xml(statusCode: number, action: string, result: string, requestId: string): ProtocolResponse {
  const body =
    `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return {
    statusCode,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
    body: Buffer.from(body),
  };
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

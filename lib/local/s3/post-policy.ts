import { accessDenied, invalidArgument, invalidRequest, s3Error } from './errors';
import {
  ALGORITHM,
  checkSessionToken,
  deriveSigningKey,
  hexBytes,
  hmac,
  parseAmzDate,
  parseCredential,
  signatureMatches,
  type SigV4Options,
} from './sigv4';

/**
 * The POST policy of a browser upload (POST Object), checked as S3 checks it: the SigV4 signature over the policy
 * as sent, then the policy document (expiration and conditions), then that every form field is covered by a
 * condition. Field names are matched without regard to case, values exactly.
 */

/** A form field as sent: its name in the sender's spelling and its value (after `${filename}` expansion). */
export interface FormField {
  readonly name: string;
  readonly value: string;
}

export interface PostForm {
  /** The fields before the file part, by lower-case name. */
  readonly fields: ReadonlyMap<string, FormField>;
  /** The bucket of the URL the form was posted to. */
  readonly bucket: string;
}

export interface PostPolicyResult {
  readonly accessKeyId: string;
  /** The `content-length-range` the file must fall in, if the policy sets one. */
  readonly contentLength?: { readonly min: number; readonly max: number };
}

/** Fields no condition needs to cover. */
const UNCOVERED = new Set(['x-amz-signature', 'file', 'policy']);
const SIGNATURE_FIELDS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature', 'Policy'];

type Condition =
  | { readonly kind: 'eq' | 'starts-with'; readonly field: string; readonly value: string; readonly text: string }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number; readonly text: string };

export function verifyPostPolicy(form: PostForm, options: SigV4Options): PostPolicyResult {
  const value = (name: string) => form.fields.get(name.toLowerCase())?.value;
  if (
    value('AWSAccessKeyId') !== undefined ||
    (value('signature') !== undefined && value('x-amz-signature') === undefined)
  ) {
    throw invalidRequest(
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  // A form with none of the fields of a signed POST is anonymous, and every local bucket is private.
  if (SIGNATURE_FIELDS.every((name) => value(name) === undefined)) throw accessDenied();
  for (const name of SIGNATURE_FIELDS) {
    if (value(name) === undefined) {
      throw invalidArgument(
        `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
        name,
        '',
      );
    }
  }
  const algorithm = value('X-Amz-Algorithm') as string;
  const credentialText = value('X-Amz-Credential') as string;
  const amzDate = value('X-Amz-Date') as string;
  const provided = value('X-Amz-Signature') as string;
  const policy = value('Policy') as string;
  if (algorithm !== ALGORITHM) {
    throw invalidArgument(`X-Amz-Algorithm only supports "${ALGORITHM}"`, 'X-Amz-Algorithm', algorithm);
  }
  const credential = parseCredential(credentialText, options.region, (message, detail) =>
    s3Error('InvalidArgument', message, { ArgumentName: 'X-Amz-Credential', ArgumentValue: credentialText, ...detail }),
  );
  if (Number.isNaN(parseAmzDate(amzDate))) {
    throw invalidArgument('X-Amz-Date must be formated via ISO8601 Long format', 'X-Amz-Date', amzDate);
  }
  const secret = options.lookupSecret(credential.accessKeyId);
  if (secret === undefined) {
    throw s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: credential.accessKeyId,
    });
  }
  checkSessionToken(credential.accessKeyId, value('x-amz-security-token'), options);
  const signingKey = deriveSigningKey(secret, credential.scopeDate, options.region, 's3');
  if (!signatureMatches(provided, hmac(signingKey, policy))) {
    throw s3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: credential.accessKeyId,
        StringToSign: policy,
        SignatureProvided: provided,
        StringToSignBytes: hexBytes(policy),
      },
    );
  }

  const document = decodePolicy(policy);
  const expiration = parseExpiration(document.expiration);
  const conditions = parseConditions(document.conditions);
  const now = options.now?.() ?? Date.now();
  if (now > expiration) throw accessDenied('Invalid according to Policy: Policy expired.');

  const covered = new Set<string>();
  let contentLength: PostPolicyResult['contentLength'];
  for (const condition of conditions) {
    if (condition.kind === 'content-length-range') {
      if (!(condition.min >= 0 && condition.max >= condition.min)) throw conditionFailed(condition.text);
      contentLength = { min: condition.min, max: condition.max };
      continue;
    }
    covered.add(condition.field);
    const actual = condition.field === 'bucket' ? form.bucket : form.fields.get(condition.field)?.value;
    if (actual === undefined || !conditionHolds(condition, actual)) throw conditionFailed(condition.text);
  }
  const extra = [...form.fields.entries()]
    .filter(([name]) => !UNCOVERED.has(name) && !name.startsWith('x-ignore-') && !covered.has(name))
    .map(([, field]) => field.name)
    .sort();
  if (extra.length > 0) throw accessDenied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return { accessKeyId: credential.accessKeyId, contentLength };
}

function invalidPolicy(message: string): Error {
  return s3Error('InvalidPolicyDocument', `Invalid Policy: ${message}`);
}

function conditionFailed(text: string): Error {
  return accessDenied(`Invalid according to Policy: Policy Condition failed: ${text}`);
}

function decodePolicy(policy: string): Record<string, unknown> {
  const compact = policy.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw invalidPolicy('invalid Base64 encoding.');
  }
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(compact, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw invalidPolicy('Invalid JSON.');
  return document as Record<string, unknown>;
}

function parseExpiration(expiration: unknown): number {
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  const text = String(expiration);
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(text) ? Date.parse(text) : Number.NaN;
  if (typeof expiration !== 'string' || Number.isNaN(time))
    throw invalidPolicy(`Invalid 'expiration' value: '${text}'`);
  return time;
}

function parseConditions(conditions: unknown): Condition[] {
  if (conditions === undefined) throw invalidPolicy('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalidPolicy("Invalid 'conditions' value: must be a List.");
  return conditions.map(parseCondition);
}

/** A condition as S3 quotes it in its error message: a JSON array with `, ` between the items. */
function quote(items: readonly unknown[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
}

function parseCondition(condition: unknown): Condition {
  if (Array.isArray(condition)) {
    if (condition.length === 0) throw invalidPolicy('Invalid Condition: missing operation identifier.');
    const [operation, first, second] = condition as unknown[];
    if (typeof operation !== 'string') throw invalidPolicy('Invalid Condition: missing operation identifier.');
    const kind = operation.toLowerCase();
    const text = quote(condition);
    if (kind === 'content-length-range') {
      if (condition.length !== 3) throw invalidPolicy('Invalid content-length-range: wrong number of arguments.');
      return { kind, min: bound(first), max: bound(second), text };
    }
    if (kind !== 'eq' && kind !== 'starts-with')
      throw invalidPolicy(`Invalid Condition: unknown operation '${operation}'.`);
    if (condition.length !== 3) throw invalidPolicy(`Invalid ${operation}: wrong number of arguments.`);
    if (typeof first !== 'string' || typeof second !== 'string') throw invalidPolicy('Invalid JSON.');
    // The field is named with a leading `$`; without it no field matches and the condition fails.
    const field = first.startsWith('$') ? first.slice(1).toLowerCase() : `\u0000${first}`;
    return { kind, field, value: second, text };
  }
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    if (entries.length !== 1) {
      throw invalidPolicy('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    }
    const [name, value] = entries[0] as [string, unknown];
    if (typeof value !== 'string') throw invalidPolicy('Invalid Simple-Condition: value must be a string.');
    return { kind: 'eq', field: name.toLowerCase(), value, text: quote(['eq', `$${name}`, value]) };
  }
  throw invalidPolicy('Invalid condition test: must be a List or Object.');
}

/** A `content-length-range` bound: a number or a numeric string; anything else fails the condition. */
function bound(value: unknown): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) ? number : Number.NaN;
}

function conditionHolds(condition: Extract<Condition, { field: string }>, actual: string): boolean {
  if (condition.kind === 'eq') return actual === condition.value;
  // Content-Type may list several types; each must start with the prefix. Other fields are plain strings.
  const values = condition.field === 'content-type' ? actual.split(',').map((item) => item.trim()) : [actual];
  return values.every((item) => item.startsWith(condition.value));
}

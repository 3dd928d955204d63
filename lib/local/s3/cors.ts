import type { KoaContext, S3Engine } from './context';
import { s3Error } from './errors';

/** A bucket's CORS rule as s3rver parses its stored configuration (`<bucket>/._S3rver_cors.xml`). */
interface CorsRule {
  readonly hasWildcardOrigin: boolean;
  readonly allowedOrigins: readonly RegExp[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly RegExp[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number | string;
}

interface CorsConfiguration {
  readonly rules: readonly CorsRule[];
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

async function corsConfiguration(engine: S3Engine, bucket: string): Promise<CorsConfiguration | undefined> {
  if (!(await engine.store.getBucket(bucket))) return undefined;
  return ((await engine.store.getSubresource(bucket, undefined, 'cors')) as CorsConfiguration | null) ?? undefined;
}

function matchingRule(
  configuration: CorsConfiguration,
  origin: string,
  method: string,
  requestHeaders: readonly string[],
): CorsRule | undefined {
  return configuration.rules.find(
    (rule) =>
      rule.allowedOrigins.some((pattern) => pattern.test(origin)) &&
      rule.allowedMethods.includes(method.toUpperCase()) &&
      requestHeaders.every((header) => rule.allowedHeaders.some((pattern) => pattern.test(header))),
  );
}

/**
 * A CORS preflight (OPTIONS), answered from the bucket's CORS configuration as S3 answers it: the allowed origin,
 * methods and headers when a rule matches, S3's 403 `CORSResponse` error (without any Access-Control header) when
 * the bucket has no configuration or no rule matches. Preflights are not signed.
 */
export async function answerPreflight(ctx: KoaContext, engine: S3Engine, bucket: string | undefined): Promise<void> {
  const origin = ctx.get('origin');
  const method = ctx.get('access-control-request-method');
  if (!origin) throw s3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  if (!method) throw s3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  const configuration = bucket === undefined ? undefined : await corsConfiguration(engine, bucket);
  if (!configuration) throw s3Error('CORSResponse', 'CORS is not enabled for this bucket.');
  const requested = ctx
    .get('access-control-request-headers')
    .split(',')
    .map((header) => header.trim().toLowerCase())
    .filter(Boolean);
  const rule = matchingRule(configuration, origin, method, requested);
  if (!rule) {
    throw s3Error(
      'CORSResponse',
      'This CORS request is not allowed. This is usually because the evalution of Origin, request method / ' +
        "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS " +
        'spec.',
    );
  }
  setCorsHeaders(ctx, rule, origin);
  if (requested.length > 0) ctx.set('Access-Control-Allow-Headers', requested.join(', '));
  ctx.status = 200;
  ctx.body = '';
}

/** The CORS headers of an actual (not preflight) request from a browser, when a rule of the bucket allows it. */
export async function corsForRequest(
  ctx: KoaContext,
  engine: S3Engine,
  bucket: string | undefined,
): Promise<((ctx: KoaContext) => void) | undefined> {
  const origin = ctx.get('origin');
  if (!origin || bucket === undefined) return undefined;
  const configuration = await corsConfiguration(engine, bucket);
  const rule = configuration && matchingRule(configuration, origin, ctx.method, []);
  return rule ? (target) => setCorsHeaders(target, rule, origin) : undefined;
}

/** Removes every CORS header (s3rver adds its own, with credentials allowed for any origin). */
export function clearCorsHeaders(ctx: KoaContext): void {
  for (const header of [
    'Access-Control-Allow-Origin',
    'Access-Control-Allow-Methods',
    'Access-Control-Allow-Headers',
    'Access-Control-Allow-Credentials',
    'Access-Control-Expose-Headers',
    'Access-Control-Max-Age',
    'Vary',
  ]) {
    ctx.remove(header);
  }
}

function setCorsHeaders(ctx: KoaContext, rule: CorsRule, origin: string): void {
  ctx.set('Access-Control-Allow-Origin', rule.hasWildcardOrigin ? '*' : origin);
  ctx.set('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
  // Credentials are allowed only for a named origin; a browser refuses them with `*` anyway.
  if (!rule.hasWildcardOrigin) ctx.set('Access-Control-Allow-Credentials', 'true');
  if (rule.exposeHeaders.length > 0) ctx.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
  if (rule.maxAgeSeconds !== undefined && rule.maxAgeSeconds !== '') {
    ctx.set('Access-Control-Max-Age', String(rule.maxAgeSeconds));
  }
  ctx.set('Vary', VARY);
}

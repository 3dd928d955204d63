import { DeleteBucketCorsCommand, PutBucketCorsCommand, type CORSRule, type S3Client } from '@aws-sdk/client-s3';

// Local mode's deployment side, on the main thread: kept apart from cors.ts, which the engine's thread loads and which
// must not pull in the SDK (most of a second of that thread's start).

/** A bucket's `CorsConfiguration` as a CloudFormation template declares it (`AWS::S3::Bucket` properties). */
interface TemplateCorsRule {
  readonly AllowedHeaders?: string[];
  readonly AllowedMethods: string[];
  readonly AllowedOrigins: string[];
  readonly ExposedHeaders?: string[];
  readonly Id?: string;
  readonly MaxAge?: number | string;
}

/**
 * Gives a bucket the CORS configuration its template declares (`CorsConfiguration.CorsRules`), through the S3 API
 * as CloudFormation would, or removes the one it has when the template declares none: a browser may call the
 * bucket only where the template allows it.
 */
export async function applyBucketCors(
  client: S3Client,
  bucket: string,
  properties: Record<string, unknown>,
): Promise<void> {
  const rules = (properties.CorsConfiguration as { CorsRules?: TemplateCorsRule[] } | undefined)?.CorsRules ?? [];
  if (rules.length === 0) {
    await client.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
    return;
  }
  const CORSRules: CORSRule[] = rules.map((rule) => ({
    ID: rule.Id,
    AllowedHeaders: rule.AllowedHeaders,
    AllowedMethods: rule.AllowedMethods,
    AllowedOrigins: rule.AllowedOrigins,
    ExposeHeaders: rule.ExposedHeaders,
    MaxAgeSeconds: rule.MaxAge === undefined ? undefined : Number(rule.MaxAge),
  }));
  await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules } }));
}

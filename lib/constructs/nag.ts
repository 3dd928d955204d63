import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag names each wildcard finding after the resource as it appears in the template (`<LogicalId.Arn>/*`).
 * These helpers spell those names from the constructs, so an acknowledgement follows a renamed resource.
 */
export function arnToken(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  return `<${Stack.of(construct).getLogicalId(resource)}.Arn>`;
}

/** Acknowledges the listed `AwsSolutions-IAM5` findings (`Action::…` / `Resource::…`) on `scope`, with one reason. */
export function acknowledgeWildcards(scope: IConstruct, reason: string, findings: readonly string[]): void {
  Validations.of(scope).acknowledge(...findings.map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason })));
}

/** `lambda:InvokeFunction` grants cover `<function>` and `<function>:*` (its versions and aliases). */
export function invokeGrantFinding(fn: IConstruct): string {
  return `Resource::${arnToken(fn)}:*`;
}

/** Grants on a table with indexes cover `<table>/index/*`. */
export function tableIndexFinding(table: IConstruct): string {
  return `Resource::${arnToken(table)}/index/*`;
}

/** The action groups `bucket.grantReadWrite` emits. */
export const S3_READ_WRITE_ACTION_FINDINGS = [
  'Action::s3:Abort*',
  'Action::s3:DeleteObject*',
  'Action::s3:GetBucket*',
  'Action::s3:GetObject*',
  'Action::s3:List*',
] as const;

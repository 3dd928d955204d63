import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { OpenSearchSearch } from '../../../lambdas/media2cloud/api/adapters/opensearch-search';
import { OpenSearchIndex } from '../../../lambdas/media2cloud/pipeline/adapters/opensearch-index';
import { encodeSearchQuery, parseSearchRequest } from '../../../lambdas/media2cloud/search/request';
import { LOCAL_ACCOUNT_ID } from '../../../lib/local/credentials';
import { startLocalMode, type LocalMode } from '../../../lib/local/local-mode';

const UUID = '7c3f4d5e-6f70-4b81-8c9d-0e1f2a3b4c5d';

/** A stack with what Media2Cloud's search needs: a domain, its access policy, and a function given its endpoint. */
function synthesize(root: string): string {
  const outdir = fs.mkdtempSync(path.join(root, 'cdk.out-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Search');
  const domain = new opensearch.Domain(stack, 'Domain', {
    version: opensearch.EngineVersion.OPENSEARCH_2_11,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const probe = new lambda.Function(stack, 'Probe', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(root, 'handlers')),
    environment: { SEARCH_ENDPOINT: domain.domainEndpoint },
  });
  domain.grantReadWrite(probe);
  // A `Custom::OpenSearchAccessPolicy`, run in AWS by CDK's own provider function.
  domain.addAccessPolicies(
    new iam.PolicyStatement({
      actions: ['es:ESHttp*'],
      principals: [new iam.AccountRootPrincipal()],
      resources: [`${domain.domainArn}/*`],
    }),
  );
  new CfnOutput(stack, 'SearchDomainEndpoint', { value: domain.domainEndpoint });
  new CfnOutput(stack, 'SearchDomainArn', { value: domain.domainArn });
  new CfnOutput(stack, 'SearchDomainName', { value: domain.domainName });
  app.synth();
  return outdir;
}

describe('local mode serves the OpenSearch domains of the templates', () => {
  let root: string;
  let dataDir: string;
  let assembly: string;
  let local: LocalMode;
  const logged: string[] = [];
  const start = () =>
    startLocalMode({ port: 0, dataDir, cloudAssemblyDir: assembly, log: (message) => logged.push(message) });

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-search-mode-'));
    dataDir = path.join(root, 'data');
    fs.mkdirSync(path.join(root, 'handlers'));
    fs.writeFileSync(
      path.join(root, 'handlers', 'index.js'),
      'exports.handler = async () => ({ endpoint: process.env.SEARCH_ENDPOINT });\n',
    );
    assembly = synthesize(root);
    local = await start();
  });

  afterAll(async () => {
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const adapters = (endpoint: string) => ({
    index: new OpenSearchIndex({ endpoint, region: local.region, credentials: async () => local.credentials }),
    search: new OpenSearchSearch({ endpoint, identity: { region: local.region, credentials: local.credentials } }),
  });

  it('resolves the domain attributes in outputs and writes the search endpoint to outputs.json', () => {
    // Prepare
    const written = JSON.parse(fs.readFileSync(path.join(dataDir, 'outputs.json'), 'utf8'));
    const { SearchDomainEndpoint, SearchDomainArn, SearchDomainName } = local.outputs.Search ?? {};

    // Assess
    expect(written.Local.SearchEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(SearchDomainEndpoint).toBe(`${written.Local.SearchEndpoint}/${SearchDomainName}`);
    expect(SearchDomainArn).toBe(`arn:aws:es:${local.region}:${LOCAL_ACCOUNT_ID}:domain/${SearchDomainName}`);
  });

  it("gives functions the domain's local endpoint in the variable the template sets", async () => {
    // Act
    const answer = (await local.invoke(probeArn(local), {})) as { endpoint: string };

    // Assess
    expect(answer.endpoint).toBe(local.outputs.Search?.SearchDomainEndpoint);
  });

  it('starts although the access policy is a custom resource of CDK that local mode does not run', () => {
    // Assess
    expect(logged.some((line) => /Skipping custom resource Search\/.*Custom::OpenSearchAccessPolicy/.test(line))).toBe(
      true,
    );
  });

  it('answers the adapters with the local credentials and keeps the index across a restart', async () => {
    // Prepare
    const before = adapters(local.outputs.Search?.SearchDomainEndpoint ?? '');
    await before.index.index({ uuid: UUID, type: 'video', basename: 'restart_test.mp4' });

    // Act
    await local.stop();
    local = await start();
    const after = adapters(local.outputs.Search?.SearchDomainEndpoint ?? '');
    const response = await after.search.search(parseSearchRequest({ query: { query: encodeSearchQuery('restart') } }));

    // Assess
    expect(response.totalHits).toBe(1);
    expect(response.hits[0]).toMatchObject({
      id: UUID,
      type: 'video',
      fields: { basename: { hits: ['restart_test.mp4'] } },
    });
    expect(
      fs.existsSync(path.join(dataDir, 'search', local.outputs.Search?.SearchDomainName ?? '', 'content.sqlite')),
    ).toBe(true);
  });
});

function probeArn(local: LocalMode): string {
  const found = [...local.functions.values()].find((fn) => fn.spec.functionName.includes('Probe'));
  return found?.spec.functionArn ?? 'missing';
}

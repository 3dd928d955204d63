import type { AssemblyStack } from '../../../lib/local/assembly';
import { StackResolver, UnresolvableError } from '../../../lib/local/intrinsics';
import { LOCAL_RESOURCE_TYPES } from '../../../lib/local/services';

const ACCOUNT = '000000000000';
const LOCAL_SEARCH = 'http://127.0.0.1:4004';

const stack: AssemblyStack = {
  id: 'Media2Cloud',
  stackName: 'dev-Media2Cloud',
  template: {
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
    Resources: {
      SearchDomain4D2F9A1B: {
        Type: 'AWS::OpenSearchService::Domain',
        Properties: {
          EngineVersion: 'OpenSearch_2.11',
          AccessPolicies: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::GetAtt': ['IndexerRole', 'Arn'] } },
                Action: 'es:ESHttp*',
                Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['SearchDomain4D2F9A1B', 'Arn'] }, '/*']] },
              },
            ],
          },
        },
      },
      NamedDomain: { Type: 'AWS::OpenSearchService::Domain', Properties: { DomainName: 'm2c-search' } },
      ProdOnlyDomain: { Type: 'AWS::OpenSearchService::Domain', Condition: 'IsProd' },
      IndexerRole: { Type: 'AWS::IAM::Role', Properties: {} },
      Indexer: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Environment: { Variables: { SEARCH_ENDPOINT: { 'Fn::GetAtt': ['SearchDomain4D2F9A1B', 'DomainEndpoint'] } } },
        },
      },
    },
    Outputs: {},
  },
};

describe('local resolution of OpenSearch domains', () => {
  const resolver = new StackResolver(stack, {
    region: 'us-east-1',
    accountId: ACCOUNT,
    resourceTypes: LOCAL_RESOURCE_TYPES,
    endpoint: (service) => (service === 'search' ? LOCAL_SEARCH : `http://127.0.0.1:1/${service}`),
  });

  it('names a domain by its DomainName, or with a generated name within the service rules', () => {
    // Act
    const generated = resolver.resolve({ Ref: 'SearchDomain4D2F9A1B' });
    const named = resolver.resolve({ Ref: 'NamedDomain' });

    // Assess
    expect(named).toBe('m2c-search');
    expect(generated).toMatch(/^dev-media2cloud-sea-[0-9a-f]{8}$/);
    expect((generated as string).length).toBeLessThanOrEqual(28);
  });

  it('resolves DomainEndpoint to the local search endpoint with the domain name as path', () => {
    // Act
    const endpoint = resolver.resolve({ 'Fn::GetAtt': ['NamedDomain', 'DomainEndpoint'] });
    const v2 = resolver.resolve({ 'Fn::GetAtt': ['NamedDomain', 'DomainEndpointV2'] });
    const function_ = resolver.resolve(stack.template.Resources.Indexer?.Properties?.Environment);

    // Assess
    expect(endpoint).toBe(`${LOCAL_SEARCH}/m2c-search`);
    expect(v2).toBe(`${LOCAL_SEARCH}/m2c-search`);
    expect(function_).toEqual({
      Variables: { SEARCH_ENDPOINT: `${LOCAL_SEARCH}/${resolver.physicalId('SearchDomain4D2F9A1B')}` },
    });
  });

  it('resolves Arn and DomainArn to the es ARN of the domain, in GetAtt and Sub, and Id to account/name', () => {
    // Act
    const arn = resolver.resolve({ 'Fn::GetAtt': ['NamedDomain', 'Arn'] });
    const domainArn = resolver.resolve({ 'Fn::GetAtt': ['NamedDomain', 'DomainArn'] });
    const sub = resolver.resolve({ 'Fn::Sub': '${NamedDomain.Arn}/content/*' });
    const id = resolver.resolve({ 'Fn::GetAtt': ['NamedDomain', 'Id'] });

    // Assess
    expect(arn).toBe(`arn:aws:es:us-east-1:${ACCOUNT}:domain/m2c-search`);
    expect(domainArn).toBe(arn);
    expect(sub).toBe(`arn:aws:es:us-east-1:${ACCOUNT}:domain/m2c-search/content/*`);
    expect(id).toBe(`${ACCOUNT}/m2c-search`);
  });

  it('resolves the access policy of a domain, which refers to the domain itself', () => {
    // Act
    const properties = resolver.resolve(stack.template.Resources.SearchDomain4D2F9A1B?.Properties) as any;

    // Assess
    expect(properties.AccessPolicies.Statement[0].Resource).toBe(`${resolver.arn('SearchDomain4D2F9A1B')}/*`);
  });

  it('refuses DomainEndpoint when local mode has no search endpoint, rather than naming an AWS host', () => {
    // Prepare
    const withoutSearch = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: ACCOUNT,
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    // Act
    const resolve = () => withoutSearch.resolve({ 'Fn::GetAtt': ['NamedDomain', 'DomainEndpoint'] });

    // Assess
    expect(resolve).toThrow(UnresolvableError);
  });
});

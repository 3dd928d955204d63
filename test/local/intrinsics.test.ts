import { LOCAL_RESOURCE_TYPES } from '../../lib/local/services';
import type { AssemblyStack } from '../../lib/local/assembly';
import { StackResolver, UnresolvableError } from '../../lib/local/intrinsics';

const stack: AssemblyStack = {
  id: 'Media',
  stackName: 'dev-Media',
  template: {
    Parameters: { MaxConcurrentWorkflows: { Type: 'Number', Default: 5 } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
    Resources: {
      AssetTable1A2B3C4D: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      NamedTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'explicit-name' } },
      MediaBucketAB12CD34: { Type: 'AWS::S3::Bucket' },
      HandlerFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'MediaInsightsDataplaneApi' } },
      ProdOnly: { Type: 'AWS::S3::Bucket', Condition: 'IsProd' },
      Nightly: { Type: 'AWS::Scheduler::Schedule', Properties: { Name: 'nightly', GroupName: 'media' } },
    },
    Outputs: {},
  },
};

describe('local intrinsic resolution', () => {
  const resolver = new StackResolver(stack, {
    region: 'us-east-1',
    accountId: '000000000000',
    resourceTypes: LOCAL_RESOURCE_TYPES,
  });

  it('names resources as CloudFormation would, honouring explicit names', () => {
    expect(resolver.resolve({ Ref: 'AssetTable1A2B3C4D' })).toBe('dev-Media-AssetTable1A2B3C4D');
    expect(resolver.resolve({ Ref: 'NamedTable' })).toBe('explicit-name');
    expect(resolver.resolve({ Ref: 'MediaBucketAB12CD34' })).toBe('dev-media-mediabucketab12cd34');
    expect(resolver.resolve({ Ref: 'Api' })).toBe('media-insights-dataplane-api');
  });

  it('resolves Fn::GetAtt Arn to local ARNs', () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['HandlerFunction', 'Arn'] })).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:dev-Media-HandlerFunction',
    );
    expect(resolver.resolve({ 'Fn::GetAtt': ['MediaBucketAB12CD34', 'Arn'] })).toBe(
      'arn:aws:s3:::dev-media-mediabucketab12cd34',
    );
  });

  it('resolves Join, Sub (with variables and literals), Select and Split', () => {
    expect(
      resolver.resolve({ 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.', { Ref: 'AWS::Region' }]] }),
    ).toBe('https://media-insights-dataplane-api.execute-api.us-east-1');
    expect(
      resolver.resolve({ 'Fn::Sub': ['${AWS::StackName}/${Table}/${!Literal}', { Table: { Ref: 'NamedTable' } }] }),
    ).toBe('dev-Media/explicit-name/${Literal}');
    expect(resolver.resolve({ 'Fn::Sub': '${HandlerFunction.Arn}' })).toMatch(/function:dev-Media-HandlerFunction$/);
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
  });

  it('uses parameter defaults and evaluates conditions', () => {
    expect(resolver.resolve({ Ref: 'MaxConcurrentWorkflows' })).toBe(5);
    expect(resolver.resolve({ 'Fn::If': ['IsProd', 'prod', 'dev'] })).toBe('dev');
    expect(resolver.resourcesOfType('AWS::S3::Bucket').map(([id]) => id)).toEqual(['MediaBucketAB12CD34']);
  });

  it('drops AWS::NoValue from objects and lists', () => {
    expect(resolver.resolve({ a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }] })).toEqual({ b: [1] });
  });

  it('names EventBridge Scheduler schedules by their group, as their ARNs read in AWS', () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['Nightly', 'Arn'] })).toBe(
      'arn:aws:scheduler:us-east-1:000000000000:schedule/media/nightly',
    );
  });

  it('fails loudly on a reference to a resource that does not exist', () => {
    expect(() => resolver.resolve({ Ref: 'Nope' })).toThrow(UnresolvableError);
  });
});

import { DependencyGraph } from '../../../lib/local/cloudformation/dependencies';

const template = {
  Resources: {
    Consumer: {
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { VALUE: { 'Fn::GetAtt': ['Second', 'Value'] } } } },
    },
    Second: {
      Type: 'Custom::Second',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] },
        Input: { 'Fn::Sub': '${First.Value}-${!Literal}' },
      },
    },
    First: { Type: 'Custom::First', Properties: { ServiceToken: { 'Fn::GetAtt': 'Provider.Arn' } } },
    Provider: { Type: 'AWS::Lambda::Function', Properties: { Role: { Ref: 'Role' } }, DependsOn: 'Policy' },
    Policy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }] } },
    Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Sub': ['${Name}-role', { Name: 'x' }] } } },
    Unrelated: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { Ref: 'AWS::StackName' } } },
  },
};

describe('template dependency graph', () => {
  const graph = new DependencyGraph(template);

  it('reads references from Ref, both GetAtt forms, Sub placeholders and DependsOn, not literals or pseudo parameters', () => {
    expect([...graph.dependencies('Second')].sort()).toEqual(['First', 'Provider']);
    expect([...graph.dependencies('Provider')].sort()).toEqual(['Policy', 'Role']);
    expect([...graph.dependencies('Role')]).toEqual([]);
    expect([...graph.dependencies('Unrelated')]).toEqual([]);
  });

  it('orders every resource after everything it depends on', () => {
    const order = graph.creationOrder();
    const before = (a: string, b: string) => order.indexOf(a) < order.indexOf(b);

    expect(order).toHaveLength(Object.keys(template.Resources).length);
    expect(before('Role', 'Policy') && before('Policy', 'Provider')).toBe(true);
    expect(before('Provider', 'First') && before('First', 'Second') && before('Second', 'Consumer')).toBe(true);
  });

  it('tells whether a resource depends on a custom resource, directly or through others', () => {
    const isCustom = (id: string) =>
      template.Resources[id as keyof typeof template.Resources].Type.startsWith('Custom::');

    expect(graph.dependsOn('Consumer', isCustom)).toBe(true);
    expect(graph.dependsOn('Provider', isCustom)).toBe(false);
  });
});

import { parseArguments } from '../../lib/local/cli-arguments';
import { synthesisHash } from '../../lib/local/synth';

describe('npm start arguments', () => {
  it('reads -c / --context key=value pairs as cdk synth does: repeatable, string values, later ones win', () => {
    const { context } = parseArguments([
      '-c',
      'mieTestOperators=true',
      '--context',
      'prefix=dev',
      '--context=media2cloudSearchCluster=production',
      '-c',
      'prefix=qa',
      '-c',
      'query=a=b',
    ]);

    expect(context).toEqual({
      mieTestOperators: 'true',
      prefix: 'qa',
      media2cloudSearchCluster: 'production',
      query: 'a=b',
    });
  });

  it('runs without context when no argument is given', () => {
    expect(parseArguments([]).context).toEqual({});
  });

  it.each([
    [['-c'], '-c needs a key=value'],
    [['-c', 'novalue'], 'Context must be key=value, got "novalue"'],
    [['-c', '=x'], 'Context must be key=value, got "=x"'],
    [['--port', '4000'], 'Unknown argument "--port"'],
  ])('refuses %j with a usage line', (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(message);
    expect(() => parseArguments(argv)).toThrow('Usage: npm start');
  });

  it('makes the synthesis cache depend on the context, not on the order it was given in', () => {
    const plain = synthesisHash();
    const withOperators = synthesisHash({ mieTestOperators: 'true', prefix: 'dev' });

    expect(withOperators).not.toBe(plain);
    expect(synthesisHash({ prefix: 'dev', mieTestOperators: 'true' })).toBe(withOperators);
    expect(synthesisHash({ mieTestOperators: 'false', prefix: 'dev' })).not.toBe(withOperators);
    expect(synthesisHash({})).toBe(plain);
  });
});

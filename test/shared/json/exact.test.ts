import { parseExactJson, stringifyExactJson } from '../../../lambdas/shared/json/exact';

describe('parseExactJson', () => {
  it('reads integers beyond ±2^53 as exact bigints, and everything else as JSON.parse does', () => {
    // Act
    const parsed = parseExactJson(
      '{"big":9223372036854775808,"neg":-123456789012345678901234567890123456789,"max":9007199254740991,' +
        '"f":0.5,"e":1e20,"list":[1,2.5,"9223372036854775808"]}',
    );

    // Assess
    expect(parsed).toEqual({
      big: 9223372036854775808n,
      neg: -123456789012345678901234567890123456789n,
      max: Number.MAX_SAFE_INTEGER,
      f: 0.5,
      e: 1e20,
      list: [1, 2.5, '9223372036854775808'],
    });
  });

  it('lets the last of duplicate keys win and keeps __proto__ an own key, as JSON.parse and Python do', () => {
    // Act
    const parsed = parseExactJson('{"a":1,"a":9223372036854775808,"__proto__":{"polluted":1}}') as object;

    // Assess
    expect(parsed).toEqual({ a: 9223372036854775808n, ['__proto__']: { polluted: 1 } });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('refuses text that is not JSON with a SyntaxError', () => {
    // Act
    const attempt = () => parseExactJson('{"a":9223372036854775808,}');

    // Assess
    expect(attempt).toThrow(SyntaxError);
  });
});

describe('stringifyExactJson', () => {
  it('writes bigints with all their digits, and what JSON.stringify writes otherwise', () => {
    // Prepare
    const text = '{"id":227462152546098813547327498116009536548,"list":[-9223372036854775808,0.5,"x"],"n":null}';

    // Act
    const exact = stringifyExactJson(parseExactJson(text));
    const plain = stringifyExactJson({ f: 1e308, s: 'é\u2028', d: new Date(0) });

    // Assess
    expect(exact).toBe(text);
    expect(plain).toBe(JSON.stringify({ f: 1e308, s: 'é\u2028', d: new Date(0) }));
  });
});

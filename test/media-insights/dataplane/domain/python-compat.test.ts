import { pythonJsonDumps, pythonTimestamp } from '../../../../lambdas/media-insights/dataplane/domain/python-compat';

describe('pythonJsonDumps', () => {
  it('separates members and items with a space after the comma and colon, as json.dumps does by default', () => {
    // Prepare
    const value = { next: { op: 'key', page: 0 }, remaining: ['op', 1, true, null] };

    // Act
    const text = pythonJsonDumps(value);

    // Assess
    expect(text).toBe('{"next": {"op": "key", "page": 0}, "remaining": ["op", 1, true, null]}');
  });

  it('escapes everything outside printable ASCII as lower-case \\u escapes of UTF-16 code units', () => {
    // Prepare: expected text produced by Python 3 json.dumps for the same value
    const value = { a: '\u007f\u2028\u{1F600}"\\\n\t\u0001/' };

    // Act
    const text = pythonJsonDumps(value);

    // Assess
    expect(text).toBe('{"a": "\\u007f\\u2028\\ud83d\\ude00\\"\\\\\\n\\t\\u0001/"}');
  });

  it('keeps members in insertion order', () => {
    // Prepare
    const value = { zeta: 1, alpha: 2 };

    // Act
    const text = pythonJsonDumps(value);

    // Assess
    expect(text).toBe('{"zeta": 1, "alpha": 2}');
  });

  it('refuses non-integer numbers, which Python would print differently', () => {
    // Prepare
    const value = { ratio: 0.5 };

    // Act
    const act = () => pythonJsonDumps(value);

    // Assess
    expect(act).toThrow(TypeError);
  });
});

describe('pythonTimestamp', () => {
  it('prints seconds with the fractional part Python keeps', () => {
    // Prepare
    const epochMilliseconds = 1_700_000_000_123;

    // Act
    const text = pythonTimestamp(epochMilliseconds);

    // Assess
    expect(text).toBe('1700000000.123');
  });

  it('prints a whole second with ".0" as Python prints any float', () => {
    // Prepare
    const epochMilliseconds = 1_700_000_000_000;

    // Act
    const text = pythonTimestamp(epochMilliseconds);

    // Assess
    expect(text).toBe('1700000000.0');
  });
});

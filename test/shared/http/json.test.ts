import {
  BadRequestError,
  MAX_JSON_DEPTH,
  jsonBody,
  nestingDepth,
  parseJsonText,
  type ApiRequest,
} from '../../../lambdas/shared/http';

function request(body: string): ApiRequest {
  return { rawBody: Buffer.from(body, 'utf8') } as ApiRequest;
}

describe('parseJsonText', () => {
  it('refuses JSON nested 100,000 deep with a 400, without overflowing the stack', () => {
    // Prepare
    const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);

    // Act
    const attempts = [deepArray, deepObject].map((text) => () => parseJsonText(text));

    // Assess
    for (const attempt of attempts) {
      expect(attempt).toThrow(BadRequestError);
      expect(attempt).toThrow(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
  });

  it('accepts nesting up to the limit, and brackets inside strings do not count', () => {
    // Prepare
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    const bracketsInString = JSON.stringify({ text: '[[[[{{{{\\"' + '['.repeat(1000) });

    // Act
    const parsed = [parseJsonText(atLimit), parseJsonText(bracketsInString)];

    // Assess
    expect(Array.isArray(parsed[0])).toBe(true);
    expect(nestingDepth(bracketsInString)).toBe(1);
    expect(parsed[1]).toEqual(JSON.parse(bracketsInString));
  });

  it.each([
    ['1e308', '{"Name":"MaxConcurrentWorkflows","Value":1e308}', '$.Value'],
    ['2**63', '{"a":[1,9223372036854775808]}', '$.a[1]'],
    ['-2**53 - 1', '{"n":-9007199254740993}', '$.n'],
    ['a number that overflows to Infinity', '[1e400]', '$[0]'],
  ])('refuses %s with a 400 naming where it is', (_name, text, where) => {
    // Act
    const attempt = () => parseJsonText(text);

    // Assess
    expect(attempt).toThrow(BadRequestError);
    expect(attempt).toThrow(`Request body holds a number beyond ±2^53 at ${where}`);
  });

  it('keeps integers of any size exact where the body goes to S3, and still refuses what overflows to Infinity', () => {
    // Act
    const parsed = parseJsonText('{"id":9223372036854775808,"big":1e308}', 'Request body', 'exact');
    const tooDeep = () =>
      parseJsonText('['.repeat(MAX_JSON_DEPTH + 1) + '1' + ']'.repeat(MAX_JSON_DEPTH + 1), 'Request body', 'exact');
    const overflow = () => parseJsonText('{"n":1e400}', 'Request body', 'exact');

    // Assess
    expect(parsed).toEqual({ id: 2n ** 63n, big: 1e308 });
    expect(tooDeep).toThrow(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(overflow).toThrow('Request body holds a number beyond what JSON can carry at $.n');
  });

  it('keeps numbers JavaScript represents exactly, fractions included', () => {
    // Act
    const parsed = parseJsonText('{"max":9007199254740991,"min":-9007199254740991,"f":0.5,"e":1e-7}');

    // Assess
    expect(parsed).toEqual({ max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER, f: 0.5, e: 1e-7 });
  });

  it('answers text that is not JSON with a 400', () => {
    // Act
    const attempt = () => jsonBody(request('{"a":'));

    // Assess
    expect(attempt).toThrow(BadRequestError);
    expect(attempt).toThrow('Request body is not valid JSON');
  });
});

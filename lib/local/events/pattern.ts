/**
 * EventBridge event patterns, as rules on the default bus evaluate them: a pattern is an object whose leaves are lists
 * of matchers (any one may match), whose nested objects descend into the event, and whose `$or` lists alternatives.
 * Supported matchers: exact values (strings, numbers, booleans, null), `prefix`, `suffix`, `equals-ignore-case`,
 * `wildcard`, `anything-but` (a value, a list, `prefix`, `suffix`, `wildcard`), `exists` and `numeric`.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return isPlainObject(pattern) && matchesObject(pattern, event);
}

/** Thrown for a pattern EventBridge itself would refuse or local mode cannot evaluate. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPattern';
}

/**
 * Refuses what PutRule would refuse and what `matchesEventPattern` would evaluate wrongly, so a rule local mode
 * cannot honour is reported once at start instead of silently never firing.
 */
export function assertValidEventPattern(pattern: unknown, path = ''): void {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError(`Event pattern ${path || '(root)'} is not an object`);
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) {
        throw new InvalidEventPatternError(`${at} needs a list of at least two patterns`);
      }
      for (const alternative of value) assertValidEventPattern(alternative, at);
    } else if (Array.isArray(value)) {
      for (const matcher of value) assertValidMatcher(matcher, at);
    } else if (isPlainObject(value)) {
      assertValidEventPattern(value, at);
    } else {
      throw new InvalidEventPatternError(`${at} must be a list of matchers or a nested pattern`);
    }
  }
}

type PatternObject = Record<string, unknown>;

function matchesObject(pattern: PatternObject, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or')
      return (expected as unknown[]).some((alternative) => matchesObject(alternative as PatternObject, value));
    const field = fieldOf(value, key);
    if (Array.isArray(expected)) return matchesField(expected, field);
    // A nested pattern descends into an object, or into any object of a list of them (EventBridge flattens lists).
    if (Array.isArray(field)) return field.some((item) => matchesObject(expected as PatternObject, item));
    return matchesObject(expected as PatternObject, field);
  });
}

function fieldOf(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

function matchesField(matchers: readonly unknown[], field: unknown): boolean {
  // A missing field satisfies only `exists: false`; even `anything-but` needs the field to be there.
  if (field === undefined) return matchers.some((matcher) => isPlainObject(matcher) && matcher.exists === false);
  if (Array.isArray(field)) {
    // Existence is about the field, not its elements; every other matcher applies to each element.
    return matchers.some((matcher) =>
      isPlainObject(matcher) && 'exists' in matcher
        ? matcher.exists === true
        : field.some((item) => matchesValue(matcher, item)),
    );
  }
  return matchers.some((matcher) => matchesValue(matcher, field));
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (!isPlainObject(matcher)) return equalValues(matcher, value);
  const [operator, operand] = Object.entries(matcher)[0] ?? [];
  switch (operator) {
    case 'exists':
      return operand === true && !isPlainObject(value);
    case 'prefix':
      return typeof value === 'string' && matchesString(operand, value, (text, affix) => text.startsWith(affix));
    case 'suffix':
      return typeof value === 'string' && matchesString(operand, value, (text, affix) => text.endsWith(affix));
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && typeof operand === 'string' && wildcardRegExp(operand).test(value);
    case 'anything-but':
      return matchesAnythingBut(operand, value);
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(operand as unknown[], value);
    default:
      return false;
  }
}

/** `prefix`/`suffix` take a string, or `{"equals-ignore-case": string}` to compare case-insensitively. */
function matchesString(operand: unknown, value: string, test: (text: string, affix: string) => boolean): boolean {
  if (typeof operand === 'string') return test(value, operand);
  const ignoreCase = isPlainObject(operand) ? operand['equals-ignore-case'] : undefined;
  return typeof ignoreCase === 'string' && test(value.toLowerCase(), ignoreCase.toLowerCase());
}

function matchesAnythingBut(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return !operand.some((excluded) => equalValues(excluded, value));
  if (isPlainObject(operand)) return typeof value === 'string' && !matchesValue(operand, value);
  return !equalValues(operand, value);
}

function matchesNumeric(conditions: readonly unknown[], value: number): boolean {
  for (let index = 0; index + 1 < conditions.length; index += 2) {
    const bound = Number(conditions[index + 1]);
    const holds = {
      '=': value === bound,
      '>': value > bound,
      '>=': value >= bound,
      '<': value < bound,
      '<=': value <= bound,
    }[String(conditions[index])];
    if (!holds) return false;
  }
  return true;
}

// Exact matching is strict: the string "5" does not match the number 5, as in EventBridge.
function equalValues(expected: unknown, value: unknown): boolean {
  return expected === value;
}

function wildcardRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

const MATCHER_OPERATORS = new Set([
  'exists',
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
]);
const NUMERIC_OPERATORS = new Set(['=', '>', '>=', '<', '<=']);

function assertValidMatcher(matcher: unknown, at: string): void {
  if (!isPlainObject(matcher)) {
    if (Array.isArray(matcher)) throw new InvalidEventPatternError(`${at}: a matcher cannot be a list`);
    return;
  }
  const entries = Object.entries(matcher);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined || !MATCHER_OPERATORS.has(operator)) {
    throw new InvalidEventPatternError(`${at}: unsupported matcher ${JSON.stringify(matcher)}`);
  }
  if (operator === 'exists' && typeof operand !== 'boolean') {
    throw new InvalidEventPatternError(`${at}: exists takes true or false`);
  }
  if (operator === 'numeric') {
    const conditions = operand as unknown[];
    const valid =
      Array.isArray(conditions) &&
      conditions.length > 0 &&
      conditions.length % 2 === 0 &&
      conditions.every((item, index) =>
        index % 2 === 0 ? NUMERIC_OPERATORS.has(String(item)) : typeof item === 'number',
      );
    if (!valid) throw new InvalidEventPatternError(`${at}: numeric takes operator/number pairs`);
  }
  if (operator === 'anything-but' && isPlainObject(operand)) {
    const [inner] = Object.keys(operand);
    if (Object.keys(operand).length !== 1 || !['prefix', 'suffix', 'wildcard', 'equals-ignore-case'].includes(inner!)) {
      throw new InvalidEventPatternError(`${at}: unsupported anything-but ${JSON.stringify(operand)}`);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

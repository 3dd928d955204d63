import { AwsError, CORAL_NAMESPACE } from '../protocol/wire';

interface StringRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly values?: readonly string[];
}

interface NumberRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
}

interface ListRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/**
 * The constraint checks AWS services run on a request before the operation sees it (the service model's `required`,
 * `min`/`max` lengths and ranges, patterns and enums), reported all at once in their words: `2 validation errors
 * detected: Value null at 'transcriptionJobName' failed to satisfy constraint: Member must not be null; …`. A
 * member of the wrong JSON type is a `SerializationException`, as the protocol layer reports it.
 */
export class Validator {
  private readonly problems: string[] = [];

  constructor(
    private readonly input: Readonly<Record<string, unknown>>,
    private readonly at = '',
    private readonly parent?: Validator,
  ) {}

  string(member: string, rule: StringRule = {}): string | undefined {
    const value = this.input[member];
    if (value === undefined) return this.missing(member, rule.required);
    if (typeof value !== 'string') throw serialization(member, 'a string');
    const length = [...value].length;
    if (rule.min !== undefined && length < rule.min) {
      this.problem(member, value, `Member must have length greater than or equal to ${rule.min}`);
    } else if (rule.max !== undefined && length > rule.max) {
      this.problem(member, value, `Member must have length less than or equal to ${rule.max}`);
    } else if (rule.pattern && !rule.pattern.test(value)) {
      this.problem(member, value, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
    } else if (rule.values && !rule.values.includes(value)) {
      this.problem(member, value, `Member must satisfy enum value set: [${rule.values.join(', ')}]`);
    }
    return value;
  }

  number(member: string, rule: NumberRule = {}): number | undefined {
    const value = this.input[member];
    if (value === undefined) return this.missing(member, rule.required);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw serialization(member, 'a number');
    if (rule.min !== undefined && value < rule.min) {
      this.problem(member, value, `Member must have value greater than or equal to ${rule.min}`);
    } else if (rule.max !== undefined && value > rule.max) {
      this.problem(member, value, `Member must have value less than or equal to ${rule.max}`);
    }
    return value;
  }

  boolean(member: string): boolean | undefined {
    const value = this.input[member];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw serialization(member, 'a boolean');
    return value;
  }

  list(member: string, rule: ListRule = {}): unknown[] | undefined {
    const value = this.input[member];
    if (value === undefined) return this.missing(member, rule.required);
    if (!Array.isArray(value)) throw serialization(member, 'a list');
    if (rule.min !== undefined && value.length < rule.min) {
      this.problem(member, `[${value.length} items]`, `Member must have length greater than or equal to ${rule.min}`);
    } else if (rule.max !== undefined && value.length > rule.max) {
      this.problem(member, `[${value.length} items]`, `Member must have length less than or equal to ${rule.max}`);
    }
    return value;
  }

  /** A structure member, checked with its own validator; its problems join this request's. */
  object(member: string, required = false): Validator | undefined {
    const value = this.input[member];
    if (value === undefined) return this.missing(member, required);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serialization(member, 'a structure');
    return new Validator(value as Record<string, unknown>, this.path(member), this);
  }

  /** Throws the service's validation error (`code`) if any check failed. */
  check(code: string): void {
    const problems = this.root().problems;
    if (problems.length === 0) return;
    const count = problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
    throw new AwsError(code, `${count} detected: ${problems.join('; ')}`, 400);
  }

  private missing(member: string, required?: boolean): undefined {
    if (required)
      this.root().problems.push(
        `Value null at '${this.path(member)}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }

  private problem(member: string, value: unknown, constraint: string): void {
    const shown =
      typeof value === 'string' ? `'${value.length > 100 ? `${value.slice(0, 100)}…` : value}'` : String(value);
    this.root().problems.push(`Value ${shown} at '${this.path(member)}' failed to satisfy constraint: ${constraint}`);
  }

  private path(member: string): string {
    const name = member.charAt(0).toLowerCase() + member.slice(1);
    return this.at ? `${this.at}.${name}` : name;
  }

  private root(): Validator {
    return this.parent ? this.parent.root() : this;
  }
}

function serialization(member: string, expected: string): AwsError {
  return new AwsError('SerializationException', `${member} must be ${expected}`, 400, { namespace: CORAL_NAMESPACE });
}

import { InvalidInputError } from './errors';
import { escapePointer, isPlainObject } from './validation';

/** The types a template may declare for its config values. */
export const CONFIG_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

export interface ConfigDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly type: ConfigType;
}

/** The macros every template may use without declaring them, as the original documents them. */
export const MACROS = [
  'm2a:reference_id',
  'm2a:cloud_env',
  'm2a:organisation_id',
  'm2a:resource_id',
  'm2a:aws_account_id',
] as const;
export type MacroName = (typeof MACROS)[number];
export type MacroValues = Readonly<Record<MacroName, string>>;

export interface Placeholder {
  readonly kind: 'config' | 'm2a';
  readonly name: string;
  /** JSON pointer of the value holding it, relative to the rendered document. */
  readonly pointer: string;
}

const TOKEN = /\{\{(.*?)\}\}/g;
const PLACEHOLDER = /^\s*(config|m2a):([A-Za-z0-9_.-]+)\s*$/;

/**
 * Every placeholder in `document`'s string values. Anything between `{{` and `}}` that is not `config:<name>` or
 * `m2a:<name>` is refused, and so are placeholders in member names: a template is checked once, when it is saved,
 * so a typo never reaches a packager's START.
 */
export function findPlaceholders(document: unknown, pointer = ''): Placeholder[] {
  if (typeof document === 'string') {
    return [...document.matchAll(TOKEN)].map((match) => {
      const parsed = PLACEHOLDER.exec(match[1] as string);
      if (!parsed) {
        throw new InvalidInputError(`"${match[0]}" is not a placeholder: use {{config:<name>}} or {{m2a:<macro>}}`, {
          pointer,
        });
      }
      return { kind: parsed[1] as 'config' | 'm2a', name: parsed[2] as string, pointer };
    });
  }
  if (Array.isArray(document)) return document.flatMap((item, index) => findPlaceholders(item, `${pointer}/${index}`));
  if (isPlainObject(document)) {
    return Object.entries(document).flatMap(([key, value]) => {
      const at = `${pointer}/${escapePointer(key)}`;
      if (key.includes('{{')) throw new InvalidInputError('placeholders are allowed in values only', { pointer: at });
      return findPlaceholders(value, at);
    });
  }
  return [];
}

/** Checks that every placeholder names a declared config value or a known macro. */
export function checkPlaceholders(placeholders: readonly Placeholder[], declared: ReadonlySet<string>): void {
  for (const placeholder of placeholders) {
    if (placeholder.kind === 'm2a' && !(MACROS as readonly string[]).includes(`m2a:${placeholder.name}`)) {
      throw new InvalidInputError(`{{m2a:${placeholder.name}}} is not a macro (macros: ${MACROS.join(', ')})`, {
        pointer: placeholder.pointer,
      });
    }
    if (placeholder.kind === 'config' && !declared.has(placeholder.name)) {
      throw new InvalidInputError(
        `{{config:${placeholder.name}}} is not declared in the template's mediapackage config`,
        { pointer: placeholder.pointer },
      );
    }
  }
}

export function matchesType(value: unknown, type: ConfigType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

export interface RenderInput {
  readonly config: ReadonlyMap<string, unknown>;
  readonly macros: MacroValues;
}

/**
 * Fills the placeholders of `document`. A string that is exactly one placeholder becomes the value itself, keeping
 * its type (`"{{config:window}}"` → `60`); a placeholder inside longer text is written into it, which only scalars
 * can be. Values are inserted as given, never rendered again. A config value the document needs but the packager
 * lacks is an error naming it.
 */
export function render(document: unknown, input: RenderInput, pointer = ''): unknown {
  if (typeof document === 'string') return renderString(document, input, pointer);
  if (Array.isArray(document)) return document.map((item, index) => render(item, input, `${pointer}/${index}`));
  if (isPlainObject(document)) {
    return Object.fromEntries(
      Object.entries(document).map(([key, value]) => [key, render(value, input, `${pointer}/${escapePointer(key)}`)]),
    );
  }
  return document;
}

function renderString(text: string, input: RenderInput, pointer: string): unknown {
  const matches = [...text.matchAll(TOKEN)];
  if (matches.length === 0) return text;
  if (matches.length === 1 && (matches[0] as RegExpMatchArray)[0] === text) {
    return valueOf(matches[0] as RegExpMatchArray, input, pointer);
  }
  return text.replace(TOKEN, (...args: unknown[]) => {
    const match = args as unknown as RegExpMatchArray;
    const value = valueOf(match, input, pointer);
    if (value === null || typeof value === 'object') {
      throw new InvalidInputError(
        `${match[0]} holds ${Array.isArray(value) ? 'an array' : 'an object'} and cannot be part of a text`,
        {
          pointer,
        },
      );
    }
    return String(value);
  });
}

function valueOf(match: RegExpMatchArray, input: RenderInput, pointer: string): unknown {
  const parsed = PLACEHOLDER.exec(match[1] as string);
  if (!parsed) throw new InvalidInputError(`"${match[0]}" is not a placeholder`, { pointer });
  const [, kind, name] = parsed as unknown as [string, string, string];
  if (kind === 'm2a') {
    const macro = `m2a:${name}` as MacroName;
    if (!(MACROS as readonly string[]).includes(macro))
      throw new InvalidInputError(`${match[0]} is not a macro`, { pointer });
    return input.macros[macro];
  }
  if (!input.config.has(name)) {
    throw new InvalidInputError(`config "${name}" is required by the template (${match[0]}) but was not given`, {
      pointer: '/configuration/config',
    });
  }
  return input.config.get(name);
}

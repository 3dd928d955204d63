import { InvalidInputError } from './errors';
import { TEMPLATE_FIELDS, type TemplateField, type TemplateState } from './templates';
import { isUuid } from './validation';

export interface TemplateListQuery {
  readonly owner: string;
  readonly resourceName?: string;
  readonly states: readonly TemplateState[];
  readonly fields?: readonly TemplateField[];
  /** The id of the last template of the previous page. */
  readonly cursor?: string;
  readonly size: number;
}

export const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 10;

const OWNER = 'filter[template][owner]';
const NAME = 'filter[template][resource_name]';
const STATE = 'filter[template][state]';
const CURSOR = 'page[cursor]';
const SIZE = 'page[size]';
/** The original names its sparse fieldset `filter[template]`; `fields[template]` is JSON:API's own spelling. */
const FIELDSETS = ['filter[template]', 'fields[template]'] as const;

type Query = Readonly<Record<string, readonly string[]>>;

/** `GET /templates`: the owner filter is required; unknown parameters are refused, as JSON:API asks. */
export function parseTemplateListQuery(query: Query): TemplateListQuery {
  onlyParameters(query, [OWNER, NAME, STATE, CURSOR, SIZE, ...FIELDSETS]);
  const owner = single(query, OWNER);
  if (owner === undefined) throw new InvalidInputError(`${OWNER} is required`, { parameter: OWNER });
  if (!isUuid(owner)) throw new InvalidInputError(`${OWNER} must be a UUID`, { parameter: OWNER });

  const resourceName = single(query, NAME);
  if (resourceName !== undefined && resourceName.length === 0) {
    throw new InvalidInputError(`${NAME} must not be empty`, { parameter: NAME });
  }

  const stateText = single(query, STATE) ?? 'ACTIVE';
  const states = [...new Set(stateText.split(',').map((state) => state.trim().toUpperCase()))];
  if (states.some((state) => state !== 'ACTIVE' && state !== 'DELETED')) {
    throw new InvalidInputError(`${STATE} must be ACTIVE, DELETED or both (ACTIVE,DELETED)`, { parameter: STATE });
  }

  const cursor = single(query, CURSOR);
  if (cursor !== undefined && !isUuid(cursor)) {
    throw new InvalidInputError(`${CURSOR} must be a UUID`, { parameter: CURSOR });
  }

  const sizeText = single(query, SIZE);
  let size = DEFAULT_PAGE_SIZE;
  if (sizeText !== undefined) {
    size = /^\d+$/.test(sizeText) ? Number(sizeText) : NaN;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidInputError(`${SIZE} must be an integer from 1 to ${MAX_PAGE_SIZE}`, { parameter: SIZE });
    }
  }

  return {
    owner: owner.toLowerCase(),
    ...(resourceName !== undefined ? { resourceName } : {}),
    states: states as TemplateState[],
    ...fieldsOf(query),
    ...(cursor !== undefined ? { cursor: cursor.toLowerCase() } : {}),
    size,
  };
}

/** The routes on one template (and POST) take a sparse fieldset and nothing else. */
export function parseFieldsetQuery(query: Query): { fields?: readonly TemplateField[] } {
  onlyParameters(query, FIELDSETS);
  return fieldsOf(query);
}

function fieldsOf(query: Query): { fields?: readonly TemplateField[] } {
  const given = FIELDSETS.filter((name) => query[name] !== undefined);
  if (given.length === 0) return {};
  if (given.length > 1) {
    throw new InvalidInputError(`Give the fieldset once, as ${FIELDSETS.join(' or ')}`, { parameter: given[1] });
  }
  const parameter = given[0] as string;
  const text = single(query, parameter) ?? '';
  const fields = text
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '');
  const unknown = fields.filter((field) => !(TEMPLATE_FIELDS as readonly string[]).includes(field));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `Unknown template field(s) ${unknown.join(', ')}; valid fields are ${TEMPLATE_FIELDS.join(', ')}`,
      { parameter },
    );
  }
  return { fields: [...new Set(fields)] as TemplateField[] };
}

function onlyParameters(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new InvalidInputError(`Unsupported query parameter ${name}`, { parameter: name });
    }
  }
}

function single(query: Query, name: string): string | undefined {
  const values = query[name];
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new InvalidInputError(`${name} may be given once`, { parameter: name });
  return values[0];
}

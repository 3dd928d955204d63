import { InvalidField } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
}

/** `page` and `page-size` from the query: positive integers, the size at most MAX_PAGE_SIZE. */
export function parsePageRequest(query: Readonly<Record<string, string>>): PageRequest {
  return {
    page: positiveInteger(query['page'], 'page', 1, Number.MAX_SAFE_INTEGER),
    pageSize: positiveInteger(query['page-size'], 'page-size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

function positiveInteger(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new InvalidField(field, 'must be a positive integer');
  const number = Number(value);
  if (number < 1 || number > max) throw new InvalidField(field, `must be between 1 and ${max}`);
  return number;
}

/**
 * The HAL page Pixop answers listings with: `pageSize`, `page`, `_links` (`self`, `first`, `last`, and `next`,
 * `prev`/`previous` only where such a page exists) and `_embedded` with the items and `totalFound`.
 * The seed documents `previous`, the Java SDK reads `prev`; both are sent.
 */
export function halPage<T>(options: {
  readonly request: PageRequest;
  readonly total: number;
  readonly embeddedName: string;
  readonly items: readonly T[];
  /** The listing's URL for a page number, other query parameters kept. */
  readonly pageUrl: (page: number) => string;
}) {
  const { request, total, pageUrl } = options;
  const lastPage = Math.max(1, Math.ceil(total / request.pageSize));
  const link = (page: number) => ({ href: pageUrl(page) });
  return {
    pageSize: request.pageSize,
    page: request.page,
    _links: {
      self: link(request.page),
      ...(request.page < lastPage ? { next: link(request.page + 1) } : {}),
      ...(request.page > 1 ? { prev: link(Math.min(request.page - 1, lastPage)) } : {}),
      ...(request.page > 1 ? { previous: link(Math.min(request.page - 1, lastPage)) } : {}),
      first: link(1),
      last: link(lastPage),
    },
    _embedded: { [options.embeddedName]: options.items, totalFound: total },
  };
}

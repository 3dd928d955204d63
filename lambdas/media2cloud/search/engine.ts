import type { SearchRequest } from './request';
import type { SearchResponse } from './response';

/** What the `/search` routes need from a search backend: the local index, or OpenSearch through its adapter. */
export interface SearchEngine {
  search(request: SearchRequest): SearchResponse | Promise<SearchResponse>;
}

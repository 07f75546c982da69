// Custom search attributes, defined once for workflows (upsert), the worker and API (start
// options, list queries), the dev server and tests (registration). Operators filter on them in
// the Web UI, e.g. `WorkerType = "gecko-b-1"`.
//
// Workflow code imports this file, so it may only depend on `@temporalio/common`.
// Values are stored unencrypted in visibility: names only, never secrets.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

export type { SearchAttributeKey };

/** The type names the CLI and server configuration use. */
export type SearchAttributeCliType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

const CLI_TYPES: Record<SearchAttributeType, SearchAttributeCliType> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** Values of temporal.api.enums.v1.IndexedValueType (a stable wire enum), by CLI type name. */
export const INDEXED_VALUE_TYPES: Record<SearchAttributeCliType, number> = {
  Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7,
};

/** The worker type a workflow provisions for. */
export const WORKER_TYPE = defineSearchAttributeKey('WorkerType', SearchAttributeType.KEYWORD);

/** The AWS region a region inventory workflow watches. */
export const REGION = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);

/** Every key the namespace must have registered before workflows start. */
export const SEARCH_ATTRIBUTES: readonly SearchAttributeKey<SearchAttributeType>[] = [WORKER_TYPE, REGION];

/**
 * The keys as `temporal server start-dev --search-attribute Name=Type` and
 * `temporal operator search-attribute create` spell them: `{ WorkerType: 'Keyword', ... }`.
 */
export function searchAttributeCliTypes(
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = SEARCH_ATTRIBUTES,
): Record<string, SearchAttributeCliType> {
  return Object.fromEntries(keys.map((k) => [k.name, CLI_TYPES[k.type]]));
}

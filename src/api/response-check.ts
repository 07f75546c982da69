// The check of every answer against its route's declared output schema (router.ts), as
// API_RESPONSE_CHECK says:
// - `all`: every answer; one that does not match is a 500 (the tests run so: a handler that
//   drifts from its schema fails them).
// - `sample` (the default): one answer in SAMPLE_EVERY per process; one that does not match
//   is logged as an error and answered all the same, so a drift shows in the logs without
//   turning a random share of requests into 500s.
// - `off`: none.
// The schemas are compiled once (validation.ts); nothing is allocated per unchecked answer.
import type { TSchema } from '@sinclair/typebox';
import type { Logger } from '../logger';
import { schemaProblems } from './validation';

export const RESPONSE_CHECK_MODES = ['all', 'sample', 'off'] as const;
export type ResponseCheckMode = (typeof RESPONSE_CHECK_MODES)[number];

export const SAMPLE_EVERY = 64;

export type ResponseCheck = (routeName: string, schema: TSchema, body: unknown) => void;

export function responseCheck(mode: ResponseCheckMode, logger: Logger): ResponseCheck {
  if (mode === 'off') return () => {};
  if (mode === 'all') {
    return (routeName, schema, body) => {
      const problems = schemaProblems(schema, body, 'response');
      if (problems.length > 0) throw new Error(`${routeName} produced an invalid response: ${problems.join('; ')}`);
    };
  }
  let answers = 0;
  return (routeName, schema, body) => {
    if (answers++ % SAMPLE_EVERY !== 0) return;
    const problems = schemaProblems(schema, body, 'response');
    if (problems.length > 0) logger.error({ route: routeName, problems }, 'a sampled response does not match its schema');
  };
}

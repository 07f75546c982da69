// API_RESPONSE_CHECK: `all` refuses every answer that drifts from its schema, `sample` checks
// one in SAMPLE_EVERY and only logs a drift, `off` checks nothing.
import { Type } from '@sinclair/typebox';
import { createLogger } from '../../src/logger';
import { SAMPLE_EVERY, responseCheck } from '../../src/api/response-check';

const Schema = Type.Object({ n: Type.Number() }, { additionalProperties: false });

function logged() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

test('all: a drifting answer is an error, a valid one passes', () => {
  const { logger } = logged();
  const check = responseCheck('all', logger);
  expect(() => check('r', Schema, { n: 1 })).not.toThrow();
  expect(() => check('r', Schema, { n: 'x' })).toThrow('r produced an invalid response: response/n: must be number');
});

test('sample: one answer in SAMPLE_EVERY is checked, and a drift is logged, never thrown', () => {
  const { lines, logger } = logged();
  const check = responseCheck('sample', logger);
  for (let i = 0; i < 2 * SAMPLE_EVERY; i++) expect(() => check('r', Schema, { n: 'x' })).not.toThrow();
  expect(lines).toHaveLength(2);
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, route: 'r', problems: ['response/n: must be number'] });
});

test('off: nothing is checked', () => {
  const { lines, logger } = logged();
  const check = responseCheck('off', logger);
  for (let i = 0; i < SAMPLE_EVERY; i++) check('r', Schema, { n: 'x' });
  expect(lines).toHaveLength(0);
});

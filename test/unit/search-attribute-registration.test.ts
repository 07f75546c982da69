// The command an operator is told to run when the worker may not register the search
// attributes (the `temporal` CLI repeats `--name` but takes one `--type` per command), and the
// Temporal SDK's log levels for each LOG_LEVEL.
import { registrationCommand } from '../../src/temporal/search-attribute-registration';
import { searchAttributeCliTypes, type SearchAttributeCliType } from '../../src/temporal/search-attributes';
import { temporalLogLevels } from '../../src/temporal/log-levels';

test.each<[string, Record<string, SearchAttributeCliType>, string]>([
  ['both of ours', searchAttributeCliTypes(), 'temporal operator search-attribute create --namespace prod --name WorkerType --name Region --type Keyword'],
  ['one missing', { Region: 'Keyword' }, 'temporal operator search-attribute create --namespace prod --name Region --type Keyword'],
  ['two types', { WorkerType: 'Keyword', Attempts: 'Int' },
    'temporal operator search-attribute create --namespace prod --name WorkerType --type Keyword && '
    + 'temporal operator search-attribute create --namespace prod --name Attempts --type Int'],
])('%s', (_case, attributes, command) => {
  expect(registrationCommand('prod', attributes)).toBe(command);
});

test.each([
  ['trace', 'TRACE', 'TRACE'], ['debug', 'DEBUG', 'INFO'], ['info', 'INFO', 'INFO'], ['warn', 'WARN', 'WARN'],
  ['error', 'ERROR', 'ERROR'], ['fatal', 'ERROR', 'ERROR'], ['silent', 'ERROR', 'ERROR'],
])('LOG_LEVEL=%s: the SDK logs at %s, its native core at %s', (level, sdk, core) => {
  expect(temporalLogLevels(level)).toEqual({ sdk, core });
});

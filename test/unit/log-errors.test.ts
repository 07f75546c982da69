// A logged failure keeps its cause chain (class, code, gRPC status, message of each link), so
// `ServiceError: Failed to start Workflow` is logged with the server's reason; and nothing
// beyond those fields, since gRPC metadata carries headers such as an API key.
import { ServiceError } from '@temporalio/client';
import { createLogger } from '../../src/logger';
import { causeChain, describeCauses } from '../../src/log-errors';

/** A gRPC error as @grpc/grpc-js builds it: `code`, `details` and `metadata`. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { authorization: 'Bearer secret-key' } });
}

const START_REFUSED = 'Namespace default has no mapping defined for search attribute WorkerType';
const startFailure = () => new ServiceError('Failed to start Workflow', { cause: grpcError(9, `FAILED_PRECONDITION: ${START_REFUSED}`) });

function logged(write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const lines: string[] = [];
  write(createLogger('info', { write: (line: string) => void lines.push(line) }));
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('logged errors', () => {
  it.each(['err', 'error'])('an error logged as `%s` carries every cause, with codes, and no metadata', (key) => {
    const line = logged((logger) => logger.warn({ [key]: startFailure() }, 'loop reconciliation failed'));
    const err = line[key] as { message: string; chain: unknown[]; stack: string };
    expect(err.chain).toEqual([
      { name: 'ServiceError', message: 'Failed to start Workflow' },
      { name: 'Error', code: 9, grpcStatus: 'FAILED_PRECONDITION', message: `9 FAILED_PRECONDITION: ${START_REFUSED}` },
    ]);
    expect(err.message).toBe(`Failed to start Workflow: caused by: 9 FAILED_PRECONDITION: ${START_REFUSED}`);
    expect(err.stack).toMatch(/^ServiceError: Failed to start Workflow\n/);
    expect(JSON.stringify(line)).not.toContain('secret-key');
  });

  it('a Node error keeps its string code; a thrown non-error is logged as what it is', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7233'), { code: 'ECONNREFUSED' });
    expect(causeChain(new Error('fetch failed', { cause: refused }))).toEqual([
      { name: 'Error', message: 'fetch failed' },
      { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:7233' },
    ]);
    expect(causeChain('boom')).toEqual([{ name: 'string', message: 'boom' }]);
    expect(logged((logger) => logger.error({ err: 'boom' }, 'x')).err).toEqual({ message: 'boom', chain: [{ name: 'string', message: 'boom' }] });
  });

  it('cuts long messages and stops on a cycle', () => {
    const a = new Error('x'.repeat(1000));
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    const chain = causeChain(b);
    expect(chain).toHaveLength(2);
    expect(chain[1]!.message).toHaveLength(300);
    expect(describeCauses(b)).toBe(`b: caused by: ${'x'.repeat(300)}`);
  });

  it('an apiKey field is redacted wherever a caller puts it', () => {
    const line = logged((logger) => logger.info({ temporal: { apiKey: 'secret-key', address: 'h:1' } }, 'connected'));
    expect(line.temporal).toEqual({ apiKey: '[redacted]', address: 'h:1' });
  });
});

// The real taskcluster-client 1.6.3 AwsProvisioner, as workers and operators call this API,
// with the few methods the benchmarks use typed. retries: 0, so every figure counts what
// the server answered to one request, not what a retry loop hid.

// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

type Definition = Record<string, unknown>;

export interface ProvisionerClient {
  ping(): Promise<unknown>;
  createWorkerType(workerType: string, definition: Definition): Promise<unknown>;
  updateWorkerType(workerType: string, definition: Definition): Promise<unknown>;
  removeWorkerType(workerType: string): Promise<unknown>;
  getLaunchSpecs(workerType: string): Promise<unknown>;
}

/** Signed as `root` with `accessToken`; anonymous (unsigned) when it is undefined. */
export function provisionerClient(apiUrl: string, accessToken?: string): ProvisionerClient {
  return new taskcluster.AwsProvisioner({
    baseUrl: `${apiUrl}/v1`, retries: 0,
    ...(accessToken === undefined ? {} : { credentials: { clientId: 'root', accessToken } }),
  });
}

/** How a call failed: the HTTP status when the server answered, else the client's error code. */
export interface CallFailure {
  status?: number;
  code: string;
  message: string;
}

export function callFailure(err: unknown): CallFailure {
  const e = err as { statusCode?: number; code?: unknown; message?: string };
  const code = typeof e.code === 'string' ? e.code : 'Error';
  return { ...(typeof e.statusCode === 'number' ? { status: e.statusCode } : {}), code, message: e.message ?? String(err) };
}

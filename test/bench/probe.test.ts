// The user data probe of bench/api-flood against a strict stand-in of the API: it must find
// a limit to the byte, report none when the body cap comes first, never send a body over
// the cap, and remove every probe worker type the API stored.
import { probePadding, bodyBytes } from '../../bench/api-flood/body';
import type { ProvisionerClient } from '../../bench/support/provisioner-client';

const REGIONS = ['us-east-1', 'us-west-2'];

/** Refuses (400, as the API words it) any instance type whose user data pad exceeds `limit`. */
function fakeApi(limit: number, capBytes: number) {
  const stored = new Set<string>();
  const sent: number[] = [];
  const client: ProvisionerClient = {
    ping: async () => ({}),
    getLaunchSpecs: async () => ({}),
    updateWorkerType: async () => { throw new Error('the probe never updates'); },
    createWorkerType: async (name, definition) => {
      sent.push(bodyBytes(definition));
      if (bodyBytes(definition) > capBytes) throw Object.assign(new Error('body too large'), { statusCode: 413 });
      const types = definition.instanceTypes as { userData: { pad: string } }[];
      if (types.some((t) => t.userData.pad.length > limit)) {
        throw Object.assign(new Error('Invalid workerType: user data for instance type x is too big'), { statusCode: 400 });
      }
      stored.add(name);
      return {};
    },
    removeWorkerType: async (name) => {
      if (!stored.delete(name)) throw new Error(`removed ${name}, which was never stored`);
      return {};
    },
  };
  return { client, stored, sent };
}

test('finds the user data limit to the byte and removes its probes', async () => {
  const api = fakeApi(15_000, 1024 * 1024);
  expect(await probePadding(api.client, REGIONS, 1024 * 1024)).toEqual({ padBytes: 15_000, refusedBytes: 15_001 });
  expect(api.stored.size).toBe(0);
});

test('without a limit below the body cap, fills the body up to the cap', async () => {
  const cap = 64 * 1024;
  const api = fakeApi(Number.MAX_SAFE_INTEGER, cap);
  const probe = await probePadding(api.client, REGIONS, cap);
  expect(probe.refusedBytes).toBeUndefined();
  expect(Math.max(...api.sent)).toBe(cap);
  expect(api.stored.size).toBe(0);
});

test('an answer other than a user data 400 stops the probe', async () => {
  const api = fakeApi(15_000, 1024 * 1024);
  api.client.createWorkerType = async () => { throw Object.assign(new Error('nope'), { statusCode: 500 }); };
  await expect(probePadding(api.client, REGIONS, 1024 * 1024)).rejects.toThrow(/answered 500: nope/);
});

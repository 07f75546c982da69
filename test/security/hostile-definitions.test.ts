// Definitions built to exhaust the API, as a hostile client or a careless operator sends
// them, through the real API over the real database: the one create that used to run the
// process out of memory, the small definition whose anonymous getLaunchSpecs answer was a
// hundred megabytes, and user data whose numbers grow several times over once stored. Each
// is answered, bounded by the documented limits, and leaves `ping` answering.
import { MAX_LAUNCH_SPECS_TOTAL_BYTES } from '../../src/domain/launch-spec-limits';
import { MAX_USER_DATA_BYTES } from '../../src/domain/user-data';
import { workerTypeDefinition } from '../support/fixtures';
import { ROOT_TOKEN, failure, startApiHarness, type ApiHarness } from '../support/api-harness';
import { signedRaw } from './support';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h?.stop(); });

const ROOT = { clientId: 'root', accessToken: ROOT_TOKEN };
/** README: the answer holds each slot's user data three times (base64 and twice as JSON), within the total bound. */
const MAX_GET_LAUNCH_SPECS_ANSWER_BYTES = 3.5 * MAX_LAUNCH_SPECS_TOTAL_BYTES;
const EC2_LIMIT_MESSAGE = `EC2 accepts at most ${MAX_USER_DATA_BYTES} bytes of user data before base64 encoding`;

/** `count` instance types with fixed-width names, each with `userData`. */
const instanceTypes = (count: number, userData: Record<string, unknown> = {}) => Array.from({ length: count }, (_, i) => ({
  instanceType: `t${String(i).padStart(3, '0')}.xlarge`, capacity: 1, utility: 1, launchSpec: {}, secrets: {}, scopes: [], userData,
}));
const stored = (name: string) => h.db.workerType.count({ where: { name } });
const ping = async () => (await fetch(`${h.url}/v1/ping`)).status;

test('100 instance types x 2 regions with 900 kB of user data is a 400 naming EC2\'s limit; nothing is stored; ping answers', async () => {
  for (const [name, userDataBytes] of [['flood-900k', 900_000], ['flood-200k', 200_000]] as const) {
    const definition = workerTypeDefinition({ userData: { pad: 'x'.repeat(userDataBytes) }, instanceTypes: instanceTypes(100) });
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeLessThan(1024 * 1024); // under the body cap: schema-valid
    const refused = await failure(h.provisioner().createWorkerType(name, definition));
    expect(refused).toMatchObject({ status: 400, code: 'InputError', message: expect.stringContaining(EC2_LIMIT_MESSAGE) });
    // One reason per slot would be 200 lines: the answer is bounded too.
    expect(refused.message.length).toBeLessThan(8_000);
    expect(await stored(name)).toBe(0);
    expect(await ping()).toBe(200);
  }
});

test('a small definition that fills every slot: its anonymous getLaunchSpecs answer stays within the documented bound', async () => {
  // 15 kB of user data at the top level is merged into every region x instance type: the
  // most a body can buy. The schema allows 100 instance types; the test allows 2 regions.
  const types = 100;
  const definition = workerTypeDefinition({ userData: { pad: 'x'.repeat(15_000) }, instanceTypes: instanceTypes(types) });
  await h.provisioner().createWorkerType('fill-slots', definition);
  const res = await fetch(`${h.url}/v1/worker-type/fill-slots/launch-specifications`);
  expect(res.status).toBe(200);
  const answer = Buffer.from(await res.arrayBuffer());
  const slots = JSON.parse(answer.toString('utf8')) as Record<string, Record<string, unknown>>;
  expect(Object.values(slots).map((byType) => Object.keys(byType).length)).toEqual([types, types]);
  expect(answer.length).toBeGreaterThan(3 * 15_000 * 2 * types); // base64 and twice as JSON: it is all there
  expect(answer.length).toBeLessThanOrEqual(MAX_GET_LAUNCH_SPECS_ANSWER_BYTES);
  expect(await ping()).toBe(200);
});

describe('user data whose numbers grow once stored', () => {
  // JSON.stringify writes 1e20 as 100000000000000000000: four characters become 21.
  const body = (count: number) => JSON.stringify(workerTypeDefinition({ userData: { n: '@' } }))
    .replace('"@"', `[${Array(count).fill('1e20').join(',')}]`);
  const put = (name: string, text: string) => signedRaw(h.url, { method: 'PUT', path: `/v1/worker-type/${name}`, body: text }, ROOT);

  test('a megabyte of 1e20 is a 400 naming EC2\'s limit, and nothing is stored', async () => {
    const text = body(200_000);
    expect(text.length).toBeGreaterThan(900_000);
    const res = await put('numbers-1m', text);
    expect(res).toMatchObject({ status: 400, body: { code: 'InputError', message: expect.stringContaining(EC2_LIMIT_MESSAGE) } });
    expect(await stored('numbers-1m')).toBe(0);
  });

  test('the limit counts what would be stored and sent, not the bytes of the request', async () => {
    const text = body(3_000); // 15 kB as sent, about 66 kB as stored
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_USER_DATA_BYTES);
    const res = await put('numbers-15k', text);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/user data for instance type c5\.2?xlarge in region us-[a-z]+-\d is \d{5} bytes/);
    expect(await stored('numbers-15k')).toBe(0);
    // The same numbers, few enough to fit as stored, are accepted and read back as numbers.
    expect((await put('numbers-ok', body(300))).status).toBe(200);
    expect((await h.provisioner().workerType('numbers-ok')).userData.n).toEqual(Array(300).fill(1e20));
  });
});

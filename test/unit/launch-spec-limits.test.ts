// Launch specs are bounded: user data by EC2's 16384 bytes (before base64, prices counted at
// their widest), the merged launchSpec by the provisioner's own bound; and checking a
// definition builds one launch spec per region x instance type, whatever its zones.
import { buildLaunchSpec, type Bid } from '../../src/domain/launch-spec';
import { MAX_LAUNCH_SPEC_BYTES, MAX_LAUNCH_SPECS_TOTAL_BYTES } from '../../src/domain/launch-spec-limits';
import { MAX_COMBINATION_REASONS, testLaunchSpecs } from '../../src/domain/launch-spec-matrix';
import { MAX_USER_DATA_BYTES } from '../../src/domain/user-data';
import { workerTypeProblems } from '../../src/domain/worker-type-rules';
import type { JsonObject, WorkerType } from '../../src/domain/worker-type';
import { CTX, makeInstanceType, makeRegion, makeWorkerType, makeZone } from './fixtures/worker-types';

/** A price JSON writes with 24 characters, the most a non-negative number takes. */
const WIDEST = 0.0000012345678901234567;
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A string of `n` UTF-8 bytes, mostly two-byte characters: sizes are bytes, not characters. */
const padding = (n: number) => 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2);

/** One region, one instance type; `pad` bytes of user data in the instance type. */
function padded(pad: number, overrides: Partial<WorkerType> = {}): WorkerType {
  return makeWorkerType({
    regions: [makeRegion('us-west-2')],
    instanceTypes: [makeInstanceType('c3.xlarge', { userData: { pad: padding(pad) } })],
    ...overrides,
  });
}

const BID: Bid = { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c3.xlarge', price: 1, truePrice: 1 };

/** Bytes of the slot's user data at the widest prices, measured on the text itself. */
function widestUserDataBytes(def: WorkerType): number {
  const built = buildLaunchSpec(def, { ...BID, price: WIDEST, truePrice: WIDEST }, CTX);
  if (!built.ok) throw new Error(built.reasons.join('; '));
  return Buffer.byteLength(built.launchInfo.userDataText, 'utf8');
}

/** The padding that puts the user data `over` bytes past the limit (under it when negative). */
function padFor(over: number): number {
  return MAX_USER_DATA_BYTES + over - widestUserDataBytes(padded(0));
}

const tooBig = (n: number, where = 'instance type c3.xlarge in region us-west-2') =>
  `user data for ${where} is ${n} bytes (prices counted at their widest); `
  + `EC2 accepts at most ${MAX_USER_DATA_BYTES} bytes of user data before base64 encoding`;

describe('user data limit', () => {
  test.each<[string, number, boolean]>([
    ['well under the limit', -1000, true],
    ['one byte under the limit', -1, true],
    ['exactly at the limit', 0, true],
    ['one byte over the limit', 1, false],
  ])('%s', (_name, over, accepted) => {
    const def = padded(padFor(over));
    const result = testLaunchSpecs(def, CTX);
    expect(result).toStrictEqual(accepted ? expect.objectContaining({ ok: true }) : { ok: false, reasons: [tooBig(MAX_USER_DATA_BYTES + over)] });
    expect(buildLaunchSpec(def, { ...BID, price: 0.1234, truePrice: 0.0617 }, CTX).ok).toBe(accepted);
  });

  test('what is accepted stays within EC2\'s limit at any price', () => {
    const def = padded(padFor(0));
    expect(widestUserDataBytes(def)).toBe(MAX_USER_DATA_BYTES);
    for (const price of [1, 0.1, 1 / 3, 123456.789, 5e-7]) {
      const built = buildLaunchSpec(def, { ...BID, price, truePrice: price / 7 }, CTX);
      expect(built.ok && Buffer.byteLength(built.launchInfo.userDataText, 'utf8')).toBeLessThanOrEqual(MAX_USER_DATA_BYTES);
    }
  });

  test('a zone that is not the kept one is checked too, and named', () => {
    const zones = (pad: number) => [makeZone('us-west-2a', { userData: { pad: padding(pad) } }), makeZone('us-west-2b')];
    // The same user data as padded(n), but from a zone: the instance type adds none.
    const zoned = (pad: number) => padded(0, { instanceTypes: [makeInstanceType('c3.xlarge')], availabilityZones: zones(pad) });
    const at = padFor(0);
    expect(testLaunchSpecs(zoned(at), CTX).ok).toBe(true);
    expect(testLaunchSpecs(zoned(at + 1), CTX)).toStrictEqual({
      ok: false, reasons: [tooBig(MAX_USER_DATA_BYTES + 1, 'instance type c3.xlarge in region us-west-2, zone us-west-2a')],
    });
  });

  test('a level may replace a big member of another: only the merge counts', () => {
    const def = padded(0, { userData: { pad: 'x'.repeat(MAX_USER_DATA_BYTES) } });
    expect(testLaunchSpecs(def, CTX).ok).toBe(true);
  });

  test(`one reason per combination, at most ${MAX_COMBINATION_REASONS} listed`, () => {
    const types = Array.from({ length: 15 }, (_, i) => makeInstanceType(`m5.${i}xlarge`));
    const def = makeWorkerType({ instanceTypes: types, userData: { pad: 'x'.repeat(MAX_USER_DATA_BYTES) } });
    const result = testLaunchSpecs(def, CTX);
    expect(result.ok).toBe(false);
    const reasons = result.ok ? [] : result.reasons;
    expect(reasons).toHaveLength(MAX_COMBINATION_REASONS + 1);
    expect(reasons[0]).toContain('instance type m5.0xlarge in region us-west-2 is');
    expect(reasons[MAX_COMBINATION_REASONS]).toBe(`and ${2 * 15 - MAX_COMBINATION_REASONS} more reasons like these`);
  });
});

describe('launch specification limit', () => {
  const withMappings = (pad: number): WorkerType =>
    padded(0, { launchSpec: { BlockDeviceMappings: [{ DeviceName: 'x'.repeat(pad) }] } });
  /** The merged launchSpec the definition supplies, without the keys the provisioner sets. */
  const suppliedBytes = (def: WorkerType) => {
    const built = buildLaunchSpec(def, BID, CTX);
    if (!built.ok) throw new Error(built.reasons.join('; '));
    const { InstanceType: _type, Placement: _placement, ...supplied } = built.launchInfo.launchSpec;
    return bytes(supplied);
  };
  const at = MAX_LAUNCH_SPEC_BYTES - suppliedBytes(withMappings(0));

  test.each<[string, number, boolean]>([['at the limit', at, true], ['one byte over', at + 1, false]])('%s', (_name, pad, accepted) => {
    const result = testLaunchSpecs(withMappings(pad), CTX);
    expect(result).toStrictEqual(accepted ? expect.objectContaining({ ok: true }) : {
      ok: false,
      reasons: [`launchSpec for instance type c3.xlarge in region us-west-2 is ${MAX_LAUNCH_SPEC_BYTES + 1} bytes of JSON after the merge; `
        + `at most ${MAX_LAUNCH_SPEC_BYTES} bytes are allowed`],
    });
    if (accepted) expect(suppliedBytes(withMappings(pad))).toBe(MAX_LAUNCH_SPEC_BYTES);
  });
});

describe('bounded work', () => {
  /** userData whose serialisations are counted: JSON.stringify calls toJSON each time. */
  function counting(): { userData: JsonObject; count: () => number } {
    let calls = 0;
    return { userData: { counted: { toJSON: () => { calls += 1; return 'x'; } } }, count: () => calls };
  }
  const zoned = (userData: JsonObject) => makeWorkerType({
    userData,
    availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-east-1a', 'us-east-1b'].map((z) => makeZone(z)),
  });

  test('testLaunchSpecs serialises the definition once, then builds once per region x instance type', () => {
    const { userData, count } = counting();
    const result = testLaunchSpecs(zoned(userData), CTX);
    expect(result.ok).toBe(true);
    // 1 to size the levels + 2 regions x 2 instance types built, not one per zone.
    expect(count()).toBe(1 + 2 * 2);
  });

  test('a create or update check builds the launch specs once', () => {
    const { userData, count } = counting();
    expect(workerTypeProblems('wt', zoned(userData), ['us-west-2', 'us-east-1'], CTX)).toEqual([]);
    expect(count()).toBe(1 + 2 * 2);
  });

  test('nothing is built for a definition that fails its size check', () => {
    const { userData, count } = counting();
    const result = testLaunchSpecs(zoned({ ...userData, pad: 'x'.repeat(MAX_USER_DATA_BYTES) }), CTX);
    expect(result.ok).toBe(false);
    expect(count()).toBe(1);
  });
});

describe('all launch specs of a definition together', () => {
  /** `types` instance types in two regions, each with 15 000 bytes of user data of its own. */
  const fleet = (types: number) => makeWorkerType({
    regions: [makeRegion('us-west-2'), makeRegion('us-east-1')],
    instanceTypes: Array.from({ length: types }, (_, i) => makeInstanceType(`c${i}.xlarge`, { userData: { pad: 'x'.repeat(15_000) } })),
  });

  test('a fleet whose slots add up past the bound is refused, naming it', () => {
    // 300 slots of about 15.4 kB each: over the 4 MiB bound.
    const result = testLaunchSpecs(fleet(150), CTX);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reasons.join('\n')).toContain(`at most ${MAX_LAUNCH_SPECS_TOTAL_BYTES} bytes are allowed`);
  });

  test('a large real fleet fits, and its answer stays within the bound', () => {
    const result = testLaunchSpecs(fleet(60), CTX);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const slots = Object.values(result.specs).flatMap((byType) => Object.values(byType));
    expect(slots).toHaveLength(120);
    const total = slots.reduce((sum, s) => sum + Buffer.byteLength(s.userDataText, 'utf8') + bytes(s.launchSpec), 0);
    expect(total).toBeLessThanOrEqual(MAX_LAUNCH_SPECS_TOTAL_BYTES);
  });
});

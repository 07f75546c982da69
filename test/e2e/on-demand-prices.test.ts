// End to end, on-demand at the region's own list price: the real API (taskcluster-client
// 1.6.3), the real worker on a real Temporal dev server, moto as EC2 in eu-central-1 (dearer
// than us-east-1), and the strict Price List stand-in. A worker type allowed on-demand is
// launched on-demand at eu-central-1's price, never with a type the Price List has no price
// for there, and one whose maxPrice is below that price is refused.
//
// One scenario: the steps share the stack and its stored prices (see test/support/steps.ts).
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { reconcileLoops } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { FIXTURE_SECURITY_GROUP, workerTypeDefinition } from '../support/fixtures';
import { ownedInstances, userDataOf, type MotoInstance } from '../support/moto-inspect';
import { step } from '../support/steps';

jest.setTimeout(300_000);
const REGION = 'eu-central-1';
/** eu-central-1's price; us-east-1's is lower, and the one the old fixed list used everywhere. */
const FRANKFURT_C5_XLARGE = 0.194;
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ ALLOWED_REGIONS: REGION, ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  await h.env.rawEc2(REGION).send(new CreateSecurityGroupCommand({ GroupName: FIXTURE_SECURITY_GROUP, Description: 'test workers' }))
    .catch((err: { name?: string }) => { if (err.name !== 'InvalidGroup.Duplicate') throw err; });
  // c5.2xlarge has no price in eu-central-1 (only in us-east-1): never launched on-demand there.
  h.env.pricing.setPrices([
    { region: REGION, instanceType: 'c5.xlarge', usdPerHour: FRANKFURT_C5_XLARGE },
    { region: 'us-east-1', instanceType: 'c5.xlarge', usdPerHour: 0.17 },
    { region: 'us-east-1', instanceType: 'c5.2xlarge', usdPerHour: 0.34 },
  ]);
  await h.env.startWorker();
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});
afterAll(async () => {
  expect(h.env.pricing.rejected).toEqual([]);
  await h?.stop();
});

async function definition(maxPrice: number): Promise<Record<string, unknown>> {
  const ami = await h.env.amiFor(REGION);
  return workerTypeDefinition({
    canUseOndemand: true, canUseSpot: false, maxPrice, maxCapacity: 4,
    regions: [{ region: REGION, launchSpec: { ImageId: ami }, secrets: {}, userData: {}, scopes: [] }],
    // Per utility unit c5.2xlarge would be as cheap: only its missing price keeps it out.
    instanceTypes: [
      { instanceType: 'c5.xlarge', capacity: 1, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] },
      { instanceType: 'c5.2xlarge', capacity: 2, utility: 2, launchSpec: {}, secrets: {}, userData: {}, scopes: [] },
    ],
  });
}

async function live(workerType: string): Promise<MotoInstance[]> {
  const all = await ownedInstances(h.env.rawEc2(REGION), h.config.provisionerId);
  return all.filter((i) => i.tags.WorkerType === `${h.config.provisionerId}/${workerType}`);
}

async function launchedOnDemandAtTheRegionsPrice(): Promise<void> {
  const WT = 'frankfurt-ondemand';
  await h.provisioner().createWorkerType(WT, await definition(0.25));
  h.env.queue.setPending(h.config.provisionerId, WT, 2);
  const instances = await eventually(async () => { const l = await live(WT); return l.length >= 2 && l; }, '2 on-demand instances in eu-central-1', 60_000);
  for (const i of instances) expect(i).toMatchObject({ type: 'c5.xlarge', spot: false, zone: expect.stringMatching(/^eu-central-1/) });
  // An on-demand launch's spotBid is its on-demand price: eu-central-1's, not us-east-1's.
  expect(await userDataOf(h.env.rawEc2(REGION), instances[0]!.id)).toMatchObject({ instanceType: 'c5.xlarge', region: REGION, spotBid: FRANKFURT_C5_XLARGE });
  const ledger = await h.db.instance.findMany({ where: { workerType: WT } });
  expect(ledger.map((r) => [r.market, r.price])).toEqual(ledger.map(() => ['on-demand', FRANKFURT_C5_XLARGE]));
  const stored = await h.db.onDemandPrice.findMany({ where: { region: REGION } });
  expect(stored).toEqual([{ region: REGION, instanceType: 'c5.xlarge', usdPerHour: FRANKFURT_C5_XLARGE, fetchedAt: expect.any(Date) }]);
  // Both types were asked for (a definition change fetches the missing ones), in eu-central-1.
  const asked = h.env.pricing.requests.map((r) => `${r.Filters?.find((f) => f.Field === 'regionCode')?.Value}/${r.Filters?.find((f) => f.Field === 'instanceType')?.Value}`);
  expect(new Set(asked)).toEqual(new Set([`${REGION}/c5.xlarge`, `${REGION}/c5.2xlarge`]));
}

async function refusedAboveMaxPrice(): Promise<void> {
  const WT = 'frankfurt-too-dear';
  // 0.18 would have passed with the us-east-1 price (0.17) the old fixed list used in every region.
  await h.provisioner().createWorkerType(WT, await definition(0.18));
  h.env.queue.setPending(h.config.provisionerId, WT, 2);
  const report = await eventually(async () => {
    const row = await h.db.workerTypeStatus.findUnique({ where: { workerType: WT } });
    return row && row.iteration >= 3 && (row.report as { notes: string[]; change: number });
  }, 'three iterations of the dear worker type', 60_000);
  expect(report.change).toBeGreaterThan(0);
  expect(report.notes).toContain('No eligible offering: no known price within maxPrice, or all cooling down');
  expect(await live(WT)).toEqual([]);
}

test('on-demand in eu-central-1 at its own list price', async () => {
  await step('launched on-demand at the region\'s price from the Price List', launchedOnDemandAtTheRegionsPrice);
  await step('refused when that price exceeds maxPrice', refusedAboveMaxPrice);
});

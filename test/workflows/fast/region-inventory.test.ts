// The region inventory loop on the real workflow with strict fake activities: passes, the
// refreshNow signal, the spot price cadence, the daily on-demand price refresh, intervals taken
// from each pass's summary, failed passes and continue-as-new.
import type { InventorySummary } from '../../../activities/inventory';
import { inventoryPassesQuery, refreshNowSignal } from '../../../workflows/messages';
import { regionWorkflowId } from '../../../workflows/names';
import type { RegionInventoryInput, regionInventoryWorkflow } from '../../../workflows/region-inventory-workflow';
import { HOUR_MS, PROMPTLY_MS, scenario, timerDurations, uniqueName, until, untilAsleep, useTemporal, type Scenario } from './support/harness';
import { failure, type Fakes } from './support/strict-activities';

const temporal = useTemporal();

interface Behaviour {
  /** Intervals the worker's configuration gives now (in every summary). */
  intervalMs: number;
  priceIntervalMs: number;
  /** Fail the n-th call (from 1) of these activities. */
  failRegionPass?: number;
  failPriceRefresh?: number;
  failOnDemandRefresh?: number;
}

function regionFakes(region: string, b: Behaviour): Fakes {
  const count = { region: 0, prices: 0, onDemand: 0 };
  const same = (name: string) => expect(name).toBe(region);
  return {
    refreshSpotPrices: (name) => {
      same(name);
      if (++count.prices === b.failPriceRefresh) throw failure('DescribeSpotPriceHistory failed', 'Ec2Error');
      return { zones: 2, prices: 4 };
    },
    refreshOnDemandPrices: (req) => {
      same(req.region);
      if (++count.onDemand === b.failOnDemandRefresh) throw failure('GetProducts: ThrottlingException: Rate exceeded', 'throttled');
      return { asked: 2, prices: 2, unpriced: [] };
    },
    refreshRegion: (name): InventorySummary => {
      same(name);
      if (++count.region === b.failRegionPass) throw failure('Request limit exceeded.', 'Ec2Throttled');
      return { region, seen: 1, updated: 1, vanished: 0, adopted: 0, reaped: {}, intervalMs: b.intervalMs, priceIntervalMs: b.priceIntervalMs };
    },
    recordRegionError: (req) => { expect(req).toEqual({ region, error: 'Request limit exceeded.' }); },
  };
}

function start(s: Scenario, input: RegionInventoryInput) {
  return s.client.workflow.start<typeof regionInventoryWorkflow>('regionInventoryWorkflow', {
    taskQueue: s.taskQueue, workflowId: regionWorkflowId(input.region), args: [input],
  });
}

const passes = (s: Scenario, n: number) => until(() => s.fakes.calls('refreshRegion').length >= n, `${n} inventory passes`);

test('passes follow the intervals of their summaries; spot prices come first, then at their own cadence', async () => {
  const region = uniqueName('region');
  const PRICE_MS = 1_000; // long enough that several passes fit between refreshes, even on a loaded machine
  await scenario(temporal(), regionFakes(region, { intervalMs: 20, priceIntervalMs: PRICE_MS }), async (s) => {
    // The start input says an hour for both: only the summaries' values can make this loop fast.
    const handle = await start(s, { region, intervalMs: HOUR_MS, priceIntervalMs: HOUR_MS });
    await until(() => s.fakes.calls('refreshSpotPrices').length >= 2, 'a second price refresh', 2 * PROMPTLY_MS);
    expect(s.fakes.sequence().slice(0, 4)).toEqual(['refreshSpotPrices', 'refreshOnDemandPrices', 'refreshRegion', 'refreshRegion']);
    // On-demand prices: every type at the first pass, then not again within the day.
    expect(s.fakes.calls('refreshOnDemandPrices').map((c) => c.args[0])).toEqual([{ region, onlyMissing: false }]);
    const prices = s.fakes.calls('refreshSpotPrices').slice(0, 2).map((c) => c.scheduledAt);
    const passTimes = s.fakes.calls('refreshRegion').map((c) => c.scheduledAt);
    for (let i = 1; i < prices.length; i++) {
      expect(prices[i]! - prices[i - 1]!).toBeGreaterThanOrEqual(PRICE_MS);
      // Passes between two price refreshes: the 20 ms interval, not the price cadence, paces them.
      expect(passTimes.filter((t) => t > prices[i - 1]! && t < prices[i]!).length).toBeGreaterThan(1);
    }
    expect((await timerDurations(handle)).slice(0, 3)).toEqual([20, 20, 20]);
    expect(await handle.query(inventoryPassesQuery)).toBeGreaterThanOrEqual(passTimes.length - 1);
  });
});

test('refreshNow wakes a sleeping loop at once, refreshes the spot prices and fetches only missing on-demand prices', async () => {
  const region = uniqueName('region');
  await scenario(temporal(), regionFakes(region, { intervalMs: HOUR_MS, priceIntervalMs: HOUR_MS }), async (s) => {
    const handle = await start(s, { region, intervalMs: 20, priceIntervalMs: HOUR_MS });
    await untilAsleep(handle);
    await handle.signal(refreshNowSignal);
    await until(async () => (await handle.query(inventoryPassesQuery)) === 2, 'a second pass');
    expect(s.fakes.sequence()).toEqual([
      'refreshSpotPrices', 'refreshOnDemandPrices', 'refreshRegion', 'refreshSpotPrices', 'refreshOnDemandPrices', 'refreshRegion',
    ]);
    expect(s.fakes.calls('refreshOnDemandPrices').map((c) => c.args[0].onlyMissing)).toEqual([false, true]);
    // It slept for the summary's hour, not the start input's 20 ms.
    expect((await timerDurations(handle))[0]).toBe(HOUR_MS);
  });
});

test('a failed pass is recorded and counted, and the next pass comes at the next interval; failed prices are retried', async () => {
  const region = uniqueName('region');
  const fakes = regionFakes(region, { intervalMs: 20, priceIntervalMs: HOUR_MS, failRegionPass: 1, failPriceRefresh: 1, failOnDemandRefresh: 1 });
  await scenario(temporal(), fakes, async (s) => {
    const handle = await start(s, { region, intervalMs: 20, priceIntervalMs: HOUR_MS });
    await passes(s, 3);
    // A failed on-demand refresh is tried again in 15 minutes, not at the next pass.
    expect(s.fakes.sequence().slice(0, 7)).toEqual([
      'refreshSpotPrices', 'refreshOnDemandPrices', 'refreshRegion', 'recordRegionError', 'refreshSpotPrices', 'refreshRegion', 'refreshRegion',
    ]);
    expect(await handle.query(inventoryPassesQuery)).toBeGreaterThanOrEqual(2);
  });
});

test('the loop continues as new after iterationsPerRun, carrying its pass count and the times of its price refreshes', async () => {
  const region = uniqueName('region');
  await scenario(temporal(), regionFakes(region, { intervalMs: 20, priceIntervalMs: HOUR_MS }), async (s) => {
    const first = await start(s, { region, intervalMs: 20, priceIntervalMs: HOUR_MS, iterationsPerRun: 2 });
    await passes(s, 5);
    const current = s.client.workflow.getHandle(regionWorkflowId(region));
    expect((await current.describe()).runId).not.toBe(first.firstExecutionRunId);
    const firstRun = s.client.workflow.getHandle(regionWorkflowId(region), first.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    // Counting on across runs; prices were refreshed once, as the hour has not passed in any run.
    expect(await current.query(inventoryPassesQuery)).toBeGreaterThanOrEqual(4);
    expect(s.fakes.calls('refreshSpotPrices')).toHaveLength(1);
    expect(s.fakes.calls('refreshOnDemandPrices')).toHaveLength(1);
  });
});

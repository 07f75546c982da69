// The inventory loop of one region (workflow id `region/<region>`): the only caller of
// DescribeInstances and DescribeSpotPriceHistory, so EC2 describe calls grow with regions,
// not with worker types. A failed pass is recorded and retried at the next interval. It also
// refreshes the region's on-demand list prices (the AWS Price List) once a day, and the
// missing ones of new instance types when a definition changes.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ON_DEMAND_REFRESH_INTERVAL_MS, ON_DEMAND_RETRY_INTERVAL_MS } from '../src/domain/on-demand-quotes';
import { failureKind, failureMessage, publicFailure } from './failures';
import { inventoryPassesQuery, refreshNowSignal } from './messages';
import { REGION_DATA, REGION_EC2 } from './activity-options';
import { describeRegionFailure, describeRegionPass, SUMMARY } from './ui-summaries';

export interface RegionInventoryInput {
  region: string;
  intervalMs: number;
  priceIntervalMs: number;
  iterationsPerRun?: number;
}

export interface RegionInventoryState {
  schema: 1;
  passes: number;
  lastPriceRefresh: number;
  /** When the next on-demand refresh of every type is due (epoch ms); absent (state carried from before) means now. */
  nextOnDemandRefresh?: number;
}

/**
 * The on-demand refresh is a new activity in this loop's command sequence: runs recorded
 * before it replay without it (see temporal-notes, versioning).
 */
const ON_DEMAND_PRICES_PATCH = 'on-demand-prices';

const ec2 = wf.proxyActivities<Activities>(REGION_EC2);
const data = wf.proxyActivities<Activities>(REGION_DATA);


export async function regionInventoryWorkflow(input: RegionInventoryInput, carried?: RegionInventoryState): Promise<void> {
  const state: RegionInventoryState = carried ?? { schema: 1, passes: 0, lastPriceRefresh: 0 };
  let woken = false;
  let pricesDue = false;
  let missingOnDemandDue = false;
  wf.setHandler(refreshNowSignal, () => { woken = true; pricesDue = true; missingOnDemandDue = true; }, {
    description: 'Run an inventory pass, refresh spot prices and fetch missing on-demand prices now (sent when a definition changes)',
  });
  wf.setHandler(inventoryPassesQuery, () => state.passes, { description: 'Inventory passes finished so far' });
  const firstPass = state.passes;
  // The intervals as configured now: each pass's summary brings the worker's current values.
  const live = { intervalMs: input.intervalMs, priceIntervalMs: input.priceIntervalMs };
  for (;;) {
    woken = false; // a refreshNow that arrives during the pass wakes the next one at once
    if (pricesDue || Date.now() - state.lastPriceRefresh >= live.priceIntervalMs) {
      pricesDue = false;
      try {
        await ec2.refreshSpotPrices.executeWithOptions({ summary: SUMMARY.spotPrices(input.region) }, [input.region]);
        state.lastPriceRefresh = Date.now();
      } catch (err) {
        wf.log.warn('spot price refresh failed', { region: input.region, error: failureMessage(err), kind: failureKind(err) });
      }
    }
    const onDemand = onDemandRefreshDue(state, missingOnDemandDue);
    if (onDemand && wf.patched(ON_DEMAND_PRICES_PATCH)) {
      missingOnDemandDue = false;
      await refreshOnDemand(input.region, state, onDemand === 'missing');
    }
    try {
      const summary = await ec2.refreshRegion.executeWithOptions({ summary: SUMMARY.inventory(input.region) }, [input.region]);
      live.intervalMs = summary.intervalMs ?? live.intervalMs;
      live.priceIntervalMs = summary.priceIntervalMs ?? live.priceIntervalMs;
      wf.setCurrentDetails(describeRegionPass(state.passes + 1, new Date().toISOString(), summary));
    } catch (err) {
      const error = publicFailure(err);
      wf.setCurrentDetails(describeRegionFailure(input.region, state.passes + 1, new Date().toISOString(), error));
      await data.recordRegionError.executeWithOptions({ summary: SUMMARY.recordRegionError(input.region) }, [{ region: input.region, error }])
        .catch(() => undefined);
    }
    state.passes++;
    await wf.condition(() => woken, live.intervalMs, { summary: SUMMARY.nextPass(live.intervalMs) });
    if (wf.workflowInfo().continueAsNewSuggested || state.passes - firstPass >= (input.iterationsPerRun ?? 500)) {
      await wf.condition(wf.allHandlersFinished);
      return wf.continueAsNew<typeof regionInventoryWorkflow>(input, state);
    }
  }
}

/** 'all' when the daily refresh is due, 'missing' when only a definition changed, else undefined. */
function onDemandRefreshDue(state: RegionInventoryState, missingDue: boolean): 'all' | 'missing' | undefined {
  if (Date.now() >= (state.nextOnDemandRefresh ?? 0)) return 'all';
  return missingDue ? 'missing' : undefined;
}

/** After a failure, every type is refreshed again within ON_DEMAND_RETRY_INTERVAL_MS; stored prices stay in use meanwhile. */
async function refreshOnDemand(region: string, state: RegionInventoryState, onlyMissing: boolean): Promise<void> {
  try {
    await ec2.refreshOnDemandPrices.executeWithOptions({ summary: SUMMARY.onDemandPrices(region, onlyMissing) }, [{ region, onlyMissing }]);
    if (!onlyMissing) state.nextOnDemandRefresh = Date.now() + ON_DEMAND_REFRESH_INTERVAL_MS;
  } catch (err) {
    wf.log.warn('on-demand price refresh failed', { region, error: failureMessage(err), kind: failureKind(err) });
    const retryAt = Date.now() + ON_DEMAND_RETRY_INTERVAL_MS;
    state.nextOnDemandRefresh = onlyMissing ? Math.min(state.nextOnDemandRefresh ?? retryAt, retryAt) : retryAt;
  }
}

// The inventory loop of one region (workflow id `region/<region>`): the only caller of
// DescribeInstances and DescribeSpotPriceHistory, so EC2 describe calls grow with regions,
// not with worker types. A failed pass is recorded and retried at the next interval.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failureKind, failureMessage, publicFailure } from './failures';
import { inventoryPassesQuery, refreshNowSignal } from './messages';
import { REGION_DATA, REGION_EC2 } from './activity-options';

export interface RegionInventoryInput {
  region: string;
  intervalMs: number;
  priceIntervalMs: number;
  iterationsPerRun?: number;
}

export interface RegionInventoryState { schema: 1; passes: number; lastPriceRefresh: number }

const ec2 = wf.proxyActivities<Activities>(REGION_EC2);
const data = wf.proxyActivities<Activities>(REGION_DATA);


export async function regionInventoryWorkflow(input: RegionInventoryInput, carried?: RegionInventoryState): Promise<void> {
  const state: RegionInventoryState = carried ?? { schema: 1, passes: 0, lastPriceRefresh: 0 };
  let woken = false;
  let pricesDue = false;
  wf.setHandler(refreshNowSignal, () => { woken = true; pricesDue = true; }, {
    description: 'Run an inventory pass and refresh spot prices now (sent when a definition changes)',
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
        await ec2.refreshSpotPrices(input.region);
        state.lastPriceRefresh = Date.now();
      } catch (err) {
        wf.log.warn('spot price refresh failed', { region: input.region, error: failureMessage(err), kind: failureKind(err) });
      }
    }
    try {
      const summary = await ec2.refreshRegion(input.region);
      live.intervalMs = summary.intervalMs ?? live.intervalMs;
      live.priceIntervalMs = summary.priceIntervalMs ?? live.priceIntervalMs;
      wf.setCurrentDetails(`Pass ${state.passes + 1} at ${new Date().toISOString()}: ${JSON.stringify(summary)}`);
    } catch (err) {
      await data.recordRegionError({ region: input.region, error: publicFailure(err) }).catch(() => undefined);
    }
    state.passes++;
    await wf.condition(() => woken, live.intervalMs);
    if (wf.workflowInfo().continueAsNewSuggested || state.passes - firstPass >= (input.iterationsPerRun ?? 500)) {
      await wf.condition(wf.allHandlersFinished);
      return wf.continueAsNew<typeof regionInventoryWorkflow>(input, state);
    }
  }
}

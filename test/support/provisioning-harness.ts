// The API with one in-process worker provisioning for it: loops every second, the spot market
// of SPOT_PRICES (c5.xlarge in us-west-2 cheapest), and every loop already started.
import { reconcileLoops } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from './api-harness';
import { SPOT_PRICES } from './fixtures';

export async function startProvisioningHarness(): Promise<ApiHarness> {
  const h = await startApiHarness({ ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  h.env.ec2Proxy.setSpotPrices(SPOT_PRICES);
  await h.env.startWorker();
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
  return h;
}

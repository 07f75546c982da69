// Replay only. Before on-demand prices were fetched from the AWS Price List and stored per
// region, the loop planned with this fixed list (us-east-1 Linux list prices, used for every
// region), and observations carried no prices. Workflow code replaying such an observation
// must plan exactly as it was planned then, or the replay issues other launches than its
// history holds and the loop stalls on a non-determinism error after the upgrade.
//
// Never used for a new decision: every observation made since carries `onDemandQuotes`.
// Delete this file (and its use in worker-type-iteration.ts) once no worker type loop run that
// started before the upgrade is left: runs continue as new about hourly (README, upgrading).
import type { OnDemandQuote } from '../src/domain/offerings';

const PRE_STORED_USD_PER_HOUR: Readonly<Record<string, number>> = {
  't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664, 't3.2xlarge': 0.3328,
  'm5.large': 0.096, 'm5.xlarge': 0.192, 'm5.2xlarge': 0.384, 'm5.4xlarge': 0.768, 'm5.8xlarge': 1.536,
  'm6i.large': 0.096, 'm6i.xlarge': 0.192, 'm6i.2xlarge': 0.384, 'm6i.4xlarge': 0.768,
  'c5.large': 0.085, 'c5.xlarge': 0.17, 'c5.2xlarge': 0.34, 'c5.4xlarge': 0.68, 'c5.9xlarge': 1.53,
  'c6i.large': 0.085, 'c6i.xlarge': 0.17, 'c6i.2xlarge': 0.34, 'c6i.4xlarge': 0.68,
  'r5.large': 0.126, 'r5.xlarge': 0.252, 'r5.2xlarge': 0.504,
  'c3.xlarge': 0.21, 'c3.2xlarge': 0.42, 'm3.xlarge': 0.266, 'r3.xlarge': 0.333,
  'g4dn.xlarge': 0.526, 'g4dn.2xlarge': 0.752,
};

/** The quotes an observation recorded before stored prices was planned with: the same list in every region. */
export function preStoredOnDemandQuotes(regions: readonly string[]): OnDemandQuote[] {
  return regions.flatMap((region) => Object.entries(PRE_STORED_USD_PER_HOUR).map(([instanceType, price]) => ({ region, instanceType, price })));
}

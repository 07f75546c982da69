// EC2 as the provisioning loops of demand-launch see it, in memory: spot prices for one
// instance type in three zones, launches that are remembered (and listed by the inventory),
// and the time of each worker type's first RunInstances, which is what the benchmark
// measures. Strict: a call the loops have no business making here throws.
import type { Ec2Gateway, InstanceSnapshot, RunInstanceRequest } from '../../src/aws/ec2-gateway';

export const BENCH_REGION = 'us-west-2';
export const BENCH_INSTANCE_TYPE = 'c5.xlarge';
const ZONES = ['a', 'b', 'c'].map((z) => `${BENCH_REGION}${z}`);

export interface LaunchClock {
  gateway: Ec2Gateway;
  /** Date.now() of the first RunInstances tagged for the worker type (`<provisionerId>/<name>`), if any. */
  firstLaunch(workerTypeTag: string): number | undefined;
}

export function inMemoryEc2(): LaunchClock {
  const first = new Map<string, number>();
  const instances: InstanceSnapshot[] = [];
  const launch = async (req: RunInstanceRequest) => {
    const at = Date.now();
    const tag = req.tags.WorkerType ?? '';
    if (!first.has(tag)) first.set(tag, at);
    const prior = instances.find((i) => i.clientToken === req.clientToken);
    if (prior) return prior; // EC2's ClientToken idempotency
    const snapshot: InstanceSnapshot = {
      instanceId: `i-${(instances.length + 1).toString(16).padStart(17, '0')}`, region: req.region, zone: ZONES[0]!,
      instanceType: String(req.launchSpec.InstanceType ?? BENCH_INSTANCE_TYPE), state: 'pending', launchTime: new Date(at).toISOString(),
      clientToken: req.clientToken, tags: req.tags, spot: req.market === 'spot',
    };
    instances.push(snapshot);
    return snapshot;
  };
  const never = (what: string) => async (): Promise<never> => { throw new Error(`in-memory EC2: the loops never call ${what} here`); };
  const gateway: Ec2Gateway = {
    runInstance: launch,
    terminateInstances: async (_region, ids) => { for (const i of instances) if (ids.includes(i.instanceId)) i.state = 'terminated'; },
    describeInstancesByTag: async (region, tag, states) => instances.filter((i) => i.region === region && i.tags[tag.key] === tag.value
      && (!states || states.includes(i.state))),
    spotPriceHistory: async (region) => (region !== BENCH_REGION ? [] : ZONES.map((zone) => ({
      region, zone, instanceType: BENCH_INSTANCE_TYPE, price: 0.1, timestamp: new Date(Date.now() - 60_000).toISOString(),
    }))),
    availabilityZones: async () => ZONES,
    missingImages: never('missingImages'),
    missingSecurityGroups: never('missingSecurityGroups'),
    missingKeyPairs: never('missingKeyPairs'),
  };
  return { gateway, firstLaunch: (tag) => first.get(tag) };
}

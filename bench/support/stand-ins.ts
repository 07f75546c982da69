// In-process stand-ins for what the API calls outside PostgreSQL: the Temporal workflow
// control and EC2. They answer at once, so a benchmark measures the API alone. They are
// strict, as the fakes of the tests are: a call the real service would refuse, or one the
// API has no business making, throws a plain Error, which the API turns into a 500 that
// the benchmark counts (so a bug shows up in the figures instead of being absorbed).
import { createHash } from 'node:crypto';
import type { Ec2Gateway } from '../../src/aws/ec2-gateway';
import { IDENTIFIER_REGEXP } from '../../src/domain/identifiers';
import type { WorkflowControl } from '../../src/temporal/workflow-control';

/** The one security group the stand-in EC2 has, in every region. */
export const STAND_IN_SECURITY_GROUP = 'bench-workers';

/** The one AMI the stand-in EC2 has in `region`: a well-formed id derived from the name. */
export function standInImage(region: string): string {
  return `ami-${createHash('sha256').update(region).digest('hex').slice(0, 17)}`;
}

/** Counts of the calls that reached the stand-ins, by method. */
export type CallCounts = Record<string, number>;

function checkRegion(allowed: readonly string[], region: string, what: string): void {
  if (!allowed.includes(region)) throw new Error(`stand-in ${what}: region ${region} is not allowed here`);
}

function checkNames(names: readonly string[], what: string): void {
  // An empty filter makes EC2 describe everything: asking with no names is a bug.
  if (names.length === 0) throw new Error(`stand-in EC2: ${what} called without names`);
  if (new Set(names).size !== names.length) throw new Error(`stand-in EC2: ${what} called with duplicate names`);
}

/** EC2 as the API's definition checks see it: only the lookups of AMIs, groups and key pairs. */
export function standInEc2(allowedRegions: readonly string[], calls: CallCounts): Ec2Gateway {
  const lookup = (what: string, exists: (region: string, name: string) => boolean) =>
    async (region: string, names: string[]): Promise<string[]> => {
      calls[what] = (calls[what] ?? 0) + 1;
      checkRegion(allowedRegions, region, 'EC2');
      checkNames(names, what);
      return names.filter((n) => !exists(region, n));
    };
  const never = (what: string) => async (): Promise<never> => {
    throw new Error(`stand-in EC2: the API never calls ${what}`);
  };
  return {
    missingImages: lookup('missingImages', (region, id) => id === standInImage(region)),
    missingSecurityGroups: lookup('missingSecurityGroups', (_region, name) => name === STAND_IN_SECURITY_GROUP),
    // No key pairs: the benchmark definitions name none, so the API must not ask.
    missingKeyPairs: lookup('missingKeyPairs', () => false),
    runInstance: never('runInstance'),
    terminateInstances: never('terminateInstances'),
    describeInstancesByTag: never('describeInstancesByTag'),
    spotPriceHistory: never('spotPriceHistory'),
    availabilityZones: never('availabilityZones'),
  };
}

/** The workflow control of the API: signals are counted and checked, never sent anywhere. */
export function standInWorkflows(allowedRegions: readonly string[], calls: CallCounts): WorkflowControl {
  const count = (what: string) => { calls[what] = (calls[what] ?? 0) + 1; };
  const workerType = (what: string) => async (name: string): Promise<void> => {
    count(what);
    if (!IDENTIFIER_REGEXP.test(name)) throw new Error(`stand-in workflows: ${what} with an invalid worker type name`);
  };
  const never = (what: string) => async (): Promise<never> => {
    throw new Error(`stand-in workflows: no benchmark makes the API call ${what}`);
  };
  return {
    workerTypeChanged: workerType('workerTypeChanged'),
    workerTypeRemoved: workerType('workerTypeRemoved'),
    refreshRegions: async (regions: string[]) => {
      count('refreshRegions');
      regions.forEach((r) => checkRegion(allowedRegions, r, 'workflows'));
    },
    health: async () => { count('health'); return null; },
    ensureWorkerTypeLoop: never('ensureWorkerTypeLoop'),
    wakeWorkerType: never('wakeWorkerType'),
    terminateAll: never('terminateAll'),
    ensureRegionLoop: never('ensureRegionLoop'),
    shutdownEverything: never('shutdownEverything'),
    shutdownResult: never('shutdownResult'),
  };
}

// Checks that a definition can launch: every region's AMIs, named security groups and key
// pairs exist in EC2. Answers are cached per region and name for a while, so repeated creates
// and updates do not turn into a stream of describe calls (EC2 throttles per account).
import type { LaunchTarget } from '../domain/launch-targets';
import type { Ec2Gateway } from './ec2-gateway';

export type { LaunchTarget };

/** How long an existence answer is trusted. A missing resource is re-checked sooner. */
const FOUND_TTL_MS = 10 * 60_000;
const MISSING_TTL_MS = 30_000;

type Kind = 'ami' | 'sg' | 'key';

export function createLaunchabilityChecker(ec2: Ec2Gateway, now: () => number = Date.now) {
  const cache = new Map<string, { exists: boolean; until: number }>();
  const ask: Record<Kind, (region: string, names: string[]) => Promise<string[]>> = {
    ami: (region, names) => ec2.missingImages(region, names),
    sg: (region, names) => ec2.missingSecurityGroups(region, names),
    key: (region, names) => ec2.missingKeyPairs(region, names),
  };

  async function missing(kind: Kind, region: string, names: string[]): Promise<string[]> {
    const key = (name: string) => `${kind}/${region}/${name}`;
    const wanted = [...new Set(names)];
    const unknown = wanted.filter((n) => (cache.get(key(n))?.until ?? 0) <= now());
    if (unknown.length > 0) {
      const absent = await ask[kind](region, unknown);
      for (const n of unknown) {
        const exists = !absent.includes(n);
        cache.set(key(n), { exists, until: now() + (exists ? FOUND_TTL_MS : MISSING_TTL_MS) });
      }
    }
    return wanted.filter((n) => cache.get(key(n))?.exists === false);
  }

  return {
    /**
     * Reasons naming each missing AMI, security group or key pair; [] when everything exists.
     * Throws Ec2Error when EC2 cannot answer.
     */
    async problems(targets: LaunchTarget[]): Promise<string[]> {
      const reasons: string[] = [];
      for (const t of targets) {
        for (const ami of await missing('ami', t.region, t.imageIds)) reasons.push(`${ami} not found in ${t.region}`);
        const groups = await missing('sg', t.region, t.securityGroups);
        if (groups.length > 0) reasons.push(`security group(s) ${groups.join(', ')} not found in ${t.region}`);
        const keys = await missing('key', t.region, t.keyNames);
        if (keys.length > 0) reasons.push(`key pair(s) ${keys.join(', ')} not found in ${t.region}`);
      }
      return reasons;
    },
  };
}

export type LaunchabilityChecker = ReturnType<typeof createLaunchabilityChecker>;

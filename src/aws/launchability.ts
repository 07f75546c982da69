// Checks that a definition can launch: every region's AMIs and named security groups exist
// in EC2. Answers are cached per region and name for a while, so repeated creates and
// updates do not turn into a stream of describe calls (EC2 throttles per account).
import type { Ec2Gateway } from './ec2-gateway';

export interface LaunchTarget { region: string; imageIds: string[]; securityGroups: string[] }

/** How long an existence answer is trusted. A missing AMI is re-checked sooner. */
const FOUND_TTL_MS = 10 * 60_000;
const MISSING_TTL_MS = 30_000;

export function createLaunchabilityChecker(ec2: Ec2Gateway, now: () => number = Date.now) {
  const cache = new Map<string, { exists: boolean; until: number }>();

  async function missing(kind: 'ami' | 'sg', region: string, names: string[]): Promise<string[]> {
    const key = (name: string) => `${kind}/${region}/${name}`;
    const unknown = names.filter((n) => (cache.get(key(n))?.until ?? 0) <= now());
    if (unknown.length > 0) {
      const absent = kind === 'ami' ? await ec2.missingImages(region, unknown) : await ec2.missingSecurityGroups(region, unknown);
      for (const n of unknown) {
        const exists = !absent.includes(n);
        cache.set(key(n), { exists, until: now() + (exists ? FOUND_TTL_MS : MISSING_TTL_MS) });
      }
    }
    return names.filter((n) => cache.get(key(n))?.exists === false);
  }

  return {
    /** Reasons naming each missing AMI or security group; [] when everything exists. Throws Ec2Error when EC2 cannot answer. */
    async problems(targets: LaunchTarget[]): Promise<string[]> {
      const reasons: string[] = [];
      for (const t of targets) {
        for (const ami of await missing('ami', t.region, [...new Set(t.imageIds)])) reasons.push(`${ami} not found in ${t.region}`);
        const groups = await missing('sg', t.region, [...new Set(t.securityGroups)]);
        if (groups.length > 0) reasons.push(`security group(s) ${groups.join(', ')} not found in ${t.region}`);
      }
      return reasons;
    },
  };
}

export type LaunchabilityChecker = ReturnType<typeof createLaunchabilityChecker>;

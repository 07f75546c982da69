// How every EC2 call is made: failures become Ec2Error, and paginated reads are followed
// to their last page.
import { toEc2Error } from './errors';

/** What one EC2 call was: reported to the observer after every call, whatever its outcome. */
export interface Ec2CallRecord {
  region: string;
  operation: string;
  /** `ok`, or the failure kind of src/aws/errors.ts (`throttled`, `capacity`, ...). */
  outcome: string;
  seconds: number;
}

/** Told about every EC2 call (the worker's metrics); must not throw. */
export type Ec2CallObserver = (call: Ec2CallRecord) => void;

export interface Ec2CallSite {
  operation: string;
  region: string;
  observer?: Ec2CallObserver;
  /** Strings removed from the error message (user data, client tokens). */
  secrets?: readonly string[];
}

/**
 * Runs one EC2 call and reports it to the site's observer. Throws Ec2Error whatever fails
 * (including the client lookup), with the site's secrets removed from its message.
 */
export async function callEc2<T>(site: Ec2CallSite, call: () => Promise<T>): Promise<T> {
  try {
    return await observedEc2Call(site, call);
  } catch (err) {
    throw toEc2Error(err, site.operation, site.secrets ?? []);
  }
}

/** Runs one EC2 call and reports it to the site's observer; rethrows the SDK's own error (for callers that read it). */
export async function observedEc2Call<T>(site: Ec2CallSite, call: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const report = (outcome: string) => site.observer?.({
    region: site.region, operation: site.operation, outcome, seconds: Number(process.hrtime.bigint() - start) / 1e9,
  });
  try {
    const result = await call();
    report('ok');
    return result;
  } catch (err) {
    report(toEc2Error(err, site.operation).kind);
    throw err;
  }
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Collects the items of every page. EC2 may answer an empty page with a NextToken, so only
 * the absence of a token ends the loop; a token repeated by a misbehaving server ends it too
 * instead of looping forever.
 */
export async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    items.push(...page.items);
    if (!page.nextToken || page.nextToken === token) return items;
    token = page.nextToken;
  }
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

// How every EC2 call is made: failures become Ec2Error, and paginated reads are followed
// to their last page.
import { toEc2Error } from './errors';

/**
 * Runs one EC2 call. Throws Ec2Error whatever fails (including the client lookup), with the
 * strings in `secrets` removed from its message.
 */
export async function callEc2<T>(operation: string, call: () => Promise<T>, secrets: readonly string[] = []): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toEc2Error(err, operation, secrets);
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

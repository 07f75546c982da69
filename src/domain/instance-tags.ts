// Our tags on instances and their volumes, as the original set them (spec §3.8). One home for
// their format: launches build them here, the inventory and terminations find and read
// instances by them here.
//
//   Name        the worker type (what the EC2 console shows)
//   Owner       the provisionerId: marks the instance as ours (the inventory finds instances by it)
//   WorkerType  `<provisionerId>/<workerType>`: unique across provisioners sharing an account

/** A tag filter of DescribeInstances. */
export interface TagFilter { key: string; value: string }

/** What our tags say about an instance; null where a tag is absent or malformed. */
export interface ParsedInstanceTags {
  owner: string | null;
  /** Both parts of the WorkerType tag; null unless it is `<provisionerId>/<workerType>`. */
  launchedBy: { provisionerId: string; workerType: string } | null;
  name: string | null;
}

function workerTypeTag(provisionerId: string, workerType: string): string {
  return `${provisionerId}/${workerType}`;
}

export function instanceTags(provisionerId: string, workerType: string): Record<string, string> {
  return { Name: workerType, Owner: provisionerId, WorkerType: workerTypeTag(provisionerId, workerType) };
}

/** Every instance of this provisioner, orphans included. */
export function ownerFilter(provisionerId: string): TagFilter {
  return { key: 'Owner', value: provisionerId };
}

/** The instances this provisioner launched for one worker type. */
export function workerTypeFilter(provisionerId: string, workerType: string): TagFilter {
  return { key: 'WorkerType', value: workerTypeTag(provisionerId, workerType) };
}

export function parseInstanceTags(tags: Readonly<Record<string, string>>): ParsedInstanceTags {
  const value = tags.WorkerType ?? '';
  const slash = value.indexOf('/');
  const launchedBy = slash > 0 && slash < value.length - 1
    ? { provisionerId: value.slice(0, slash), workerType: value.slice(slash + 1) }
    : null;
  return { owner: tags.Owner || null, launchedBy, name: tags.Name || null };
}

/** The worker type `provisionerId` launched the instance for, or null when its tags do not say so. */
export function workerTypeOf(tags: Readonly<Record<string, string>>, provisionerId: string): string | null {
  const { launchedBy } = parseInstanceTags(tags);
  return launchedBy?.provisionerId === provisionerId ? launchedBy.workerType : null;
}

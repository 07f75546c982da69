// How big one launch spec may be, and the sizes of every region x zone x instance type of a
// definition computed from its levels (json-size.ts) rather than by building each spec, so
// checking a definition costs about its own size times its zones, whatever it holds.

import { memberSizes, mergeSizes, mergedBytes, type MemberSizes, type SizedObject } from './json-size';
import { MAX_USER_DATA_BYTES } from './user-data';
import type { JsonObject } from './worker-type';

/**
 * The provisioner's own bound on the merged launch specification a definition supplies (its
 * JSON, before InstanceType, Placement zone and UserData are set). Not an EC2 limit: a real
 * launch specification takes a few hundred bytes. It keeps every launch spec, and with it the
 * work of a create and the size of a getLaunchSpecs answer, bounded.
 */
export const MAX_LAUNCH_SPEC_BYTES = 16384;

/**
 * The provisioner's bound on all of a definition's launch specifications together (one per
 * region x instance type: user data and launchSpec before base64). It bounds the answer of
 * the anonymous getLaunchSpecs (under 3.5 times this: each slot's user data is in it once in
 * base64 and twice as JSON) and the work of every create and update;
 * a large real fleet (30 instance types in 4 regions with 16 kB of user data each) needs 2 MiB.
 */
export const MAX_LAUNCH_SPECS_TOTAL_BYTES = 4 * 1024 * 1024;

/** The reason a definition whose launch specs add up to `bytes` is refused, or null. */
export function totalSizeProblem(bytes: number): string | null {
  return bytes > MAX_LAUNCH_SPECS_TOTAL_BYTES
    ? `the launch specifications of all regions x instance types add up to ${bytes} bytes; `
      + `at most ${MAX_LAUNCH_SPECS_TOTAL_BYTES} bytes are allowed (fewer instance types or regions, or less user data)`
    : null;
}

/** Reasons a launch spec of these sizes is refused, naming `where` it is for; [] when within the limits. */
export function sizeProblems(where: string, userDataBytes: number, launchSpecBytes: number): string[] {
  const reasons: string[] = [];
  if (userDataBytes > MAX_USER_DATA_BYTES) {
    reasons.push(`user data for ${where} is ${userDataBytes} bytes (prices counted at their widest); `
      + `EC2 accepts at most ${MAX_USER_DATA_BYTES} bytes of user data before base64 encoding`);
  }
  if (launchSpecBytes > MAX_LAUNCH_SPEC_BYTES) {
    reasons.push(`launchSpec for ${where} is ${launchSpecBytes} bytes of JSON after the merge; `
      + `at most ${MAX_LAUNCH_SPEC_BYTES} bytes are allowed`);
  }
  return reasons;
}

/** The member sizes of one level's launchSpec and userData. */
export interface LevelSizes {
  launchSpec: MemberSizes;
  userData: MemberSizes;
}

export function levelSizes(level: { launchSpec: JsonObject; userData?: JsonObject }): LevelSizes {
  return { launchSpec: memberSizes(level.launchSpec), userData: memberSizes(level.userData ?? {}) };
}

/** Levels merged once and shared by the combinations built on them (e.g. global and region). */
export interface BaseSizes {
  launchSpec: SizedObject;
  userData: SizedObject;
}

export function baseSizes(levels: readonly LevelSizes[]): BaseSizes {
  return {
    launchSpec: mergeSizes(levels.map((l) => l.launchSpec)),
    userData: mergeSizes(levels.map((l) => l.userData)),
  };
}

/** Bytes of the merged launchSpec and userData of `base` with `tops` merged over it. */
export function combinationSizes(base: BaseSizes, tops: readonly LevelSizes[]): { launchSpec: number; userData: number } {
  return {
    launchSpec: mergedBytes(base.launchSpec, tops.map((t) => t.launchSpec)),
    userData: mergedBytes(base.userData, tops.map((t) => t.userData)),
  };
}

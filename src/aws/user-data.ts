// EC2 takes user data base64-encoded (RunInstances UserData); the domain builds its text
// (src/domain/user-data.ts). The one place that encodes it, for launches and for previews.
import type { LaunchInfo } from '../domain/launch-spec';

/** `info.launchSpec` as EC2 gets it: with UserData, the base64 of the UTF-8 of `info.userDataText`. */
export function launchSpecWithUserData(info: Pick<LaunchInfo, 'launchSpec' | 'userDataText'>): Record<string, unknown> {
  return { ...info.launchSpec, UserData: Buffer.from(info.userDataText, 'utf8').toString('base64') };
}

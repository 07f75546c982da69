// The history operators read per worker type: its latest launches, launch failures and
// terminations. Bounded per kind, so the table cannot grow with the fleet's age.

/** Entries kept per worker type and kind; older ones are pruned as new ones are added. */
export const HISTORY_LIMIT = 100;

export const HISTORY_KINDS = ['launch', 'launch-failure', 'termination'] as const;
export type HistoryKind = typeof HISTORY_KINDS[number];

/** The history of a worker type that no longer exists is swept this long after its last entry. */
export const REMOVED_HISTORY_RETENTION_HOURS = 24;

/** Longest message kept, in characters (EC2's messages are short; ours shorter). */
export const MAX_HISTORY_MESSAGE = 500;

/** Where an instance was (to be) launched. */
export interface HistoryOffering { region: string; zone: string; instanceType: string; market: string }

export interface LaunchRecord extends HistoryOffering { instanceId: string; clientToken: string }
export interface LaunchFailureRecord extends HistoryOffering { code: string; message: string | null }

/**
 * The text stored with an entry, cut to MAX_HISTORY_MESSAGE characters. EC2's messages reach
 * it already redacted (src/aws/errors.ts removes user data and tokens EC2 may echo).
 */
export function historyMessage(message: string): string {
  return message.length > MAX_HISTORY_MESSAGE ? `${message.slice(0, MAX_HISTORY_MESSAGE - 1)}…` : message;
}

// Payload of workerTypeHistory: the latest launches, launch failures and terminations.
import { Type } from '@sinclair/typebox';
import { HISTORY_LIMIT } from '../../domain/history';
import { DateTime, Identifier } from './common';

const Offering = {
  region: Type.String(),
  zone: Type.String({ description: 'Availability zone' }),
  instanceType: Type.String(),
  market: Type.Union([Type.Literal('spot'), Type.Literal('on-demand')]),
};

const Launch = Type.Object({
  at: DateTime('When the launch was recorded'), ...Offering, instanceId: Type.String({ description: 'EC2 instance id' }),
}, { additionalProperties: false });

const LaunchFailure = Type.Object({
  at: DateTime('When the iteration that saw the failure ran'), ...Offering,
  code: Type.String({ description: 'EC2 error code (e.g. InsufficientInstanceCapacity), or LaunchFailed when the launch gave up after its retries' }),
  message: Type.Union([Type.String(), Type.Null()], { description: "EC2's message; null for capacity errors, which carry none" }),
}, { additionalProperties: false });

const Termination = Type.Object({
  at: DateTime('When the termination was requested, or the instance found gone'), ...Offering,
  instanceId: Type.String(),
  reason: Type.String({ description: 'Why: terminate-all requested, excess capacity (never registered), worker type removed, rogue, zombie, unregistered, stopped, gone from EC2, ...' }),
}, { additionalProperties: false });

const newestFirst = (what: string) => `The latest ${HISTORY_LIMIT} ${what} at most, newest first`;

export const HistoryResponse = Type.Object({
  workerType: Identifier('Worker type name'),
  limit: Type.Integer({ description: 'Entries kept per kind; older ones are discarded' }),
  launches: Type.Array(Launch, { maxItems: HISTORY_LIMIT, description: newestFirst('launches') }),
  launchFailures: Type.Array(LaunchFailure, { maxItems: HISTORY_LIMIT, description: newestFirst('launch failures') }),
  terminations: Type.Array(Termination, { maxItems: HISTORY_LIMIT, description: newestFirst('terminations') }),
}, { additionalProperties: false, $id: 'history-response' });

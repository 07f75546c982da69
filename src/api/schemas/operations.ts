// Payloads of the operational methods: state, backend status and mass termination.
import { Type } from '@sinclair/typebox';
import { DateTime, Identifier } from './common';
import { WorkerTypeSummary } from './worker-type';

const InstanceEntry = Type.Object({
  id: Type.String({ description: 'EC2 instance id' }),
  srId: Type.String({ description: 'Kept for compatibility: always "ondemand" for on-demand, "spot" for spot' }),
  ami: Type.String(),
  type: Type.String({ description: 'Instance type' }),
  region: Type.String(),
  zone: Type.String(),
  state: Type.String({ description: 'Ledger state: requested, pending, running, stopping or terminated' }),
  launch: DateTime('When it was launched'),
  registered: Type.Union([DateTime('When it registered: its secret was claimed with getSecret, or it called instanceStarted'), Type.Null()]),
  registeredBy: Type.Union([Type.Literal('getSecret'), Type.Literal('instanceStarted'), Type.Null()]),
  capacityState: Type.Union([Type.Literal('requested'), Type.Literal('pending'), Type.Literal('running'), Type.Null()], {
    description: 'How it counts in the summary: requested (EC2 has not shown it), pending (booting, secret not claimed), '
      + 'running (registered and still in EC2); null when it holds no capacity (stopping or terminated)',
  }),
}, { additionalProperties: false });

export const StateResponse = Type.Object({
  workerType: Identifier('Worker type name'),
  instances: Type.Array(InstanceEntry),
  requests: Type.Array(Type.Unknown(), { maxItems: 0, description: 'Always empty; kept for compatibility' }),
  internalTrackedRequests: Type.Array(Type.Unknown(), { maxItems: 0, description: 'Always empty; kept for compatibility' }),
  summary: WorkerTypeSummary,
  lastIteration: Type.Union([Type.Record(Type.String(), Type.Unknown(), { description: 'What the last provisioning iteration saw and did' }), Type.Null()]),
  lastLaunchError: Type.Union([Type.String(), Type.Null()]),
  loopError: Type.Union([Type.Object({
    message: Type.String({ description: 'What failed after its retries' }),
    at: DateTime('When'),
  }, { additionalProperties: false, description: 'Why the loop could not complete its latest pass; null once a pass completes' }), Type.Null()]),
}, { additionalProperties: false, $id: 'state-response' });

const Health = (description: string) => Type.Object({
  healthy: Type.Boolean(),
  detail: Type.String({ description }),
}, { additionalProperties: false });

export const BackendStatusResponse = Type.Object({
  status: Type.String({ description: 'healthy, degraded or unhealthy' }),
  lastCheckedIn: DateTime('When a provisioning iteration last completed (or now, before the first)'),
  database: Health('Database reachability'),
  temporal: Health('Temporal frontend reachability, and whether loops can start there'),
  queue: Health('Whether the TaskCluster Queue answered pendingTasks in the latest iteration of every worker type'),
  loops: Health('Whether every worker type loop completed its latest pass'),
  regions: Type.Array(Type.Object({
    region: Type.String(),
    healthy: Type.Boolean(),
    lastSuccess: Type.Union([DateTime('Last completed inventory pass'), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
  }, { additionalProperties: false })),
}, { additionalProperties: false, $id: 'backend-status-response' });

export const TerminationResponse = Type.Object({
  outcome: Type.Boolean(),
  message: Type.String(),
}, { additionalProperties: false, $id: 'termination-response' });

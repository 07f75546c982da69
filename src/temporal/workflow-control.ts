// What the API and the worker's reconciler ask of Temporal: start, signal and find the
// provisioning workflows. Calls carry a deadline so an unreachable Temporal costs seconds,
// not a hung request.
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { RegionInventoryInput } from '../../workflows/region-inventory-workflow';
import type { ShutdownResult } from '../../workflows/shutdown-everything-workflow';
import type { WorkerTypeWorkflowInput } from '../../workflows/worker-type-workflow';
import { definitionChangedSignal, refreshNowSignal, removedSignal, tasksPendingSignal, terminateAllSignal } from '../../workflows/messages';
import type { Config, Timing } from '../config';
import { describeCauses } from '../log-errors';
import { isTemporalUnavailable } from './errors';
import { SearchAttributesMissingError, missingSearchAttributes, registrationCommand } from './search-attribute-registration';
import { REGION, WORKER_TYPE } from './search-attributes';
import { TASK_QUEUE, regionWorkflowId, shutdownWorkflowId, workerTypeWorkflowId } from './names';

/** The configured loop timing (src/config.ts, the one home of its defaults) and regions. */
export type WorkflowSettings = Pick<Config, 'allowedRegions'>
  & Pick<Timing, 'iterationIntervalMs' | 'inventoryIntervalMs' | 'spotPriceIntervalMs' | 'capacityCooldownMs'>;

/** How long one call to Temporal may take before the caller gives up. */
const CALL_DEADLINE_MS = 5_000;

export function createWorkflowControl(client: Client, settings: WorkflowSettings) {
  const within = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
  // Why the latest start of a loop failed, when Temporal answered and refused; cleared by the
  // next start that succeeds. Not remembered: Temporal unreachable, and search attributes
  // missing, which health() checks live (a worker may register them any time).
  let startRefused: string | undefined;
  const starting = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      const result = await within(fn);
      startRefused = undefined;
      return result;
    } catch (err) {
      const reason = describeCauses(err);
      if (!isTemporalUnavailable(err) && !/search attribute/i.test(reason)) startRefused = reason.slice(0, 300);
      throw err;
    }
  };
  /** Signals a running workflow; false when there is none of that id (never started, or ended). */
  const signalIfRunning = async (workflowId: string, signal: SignalDefinition): Promise<boolean> => {
    try {
      await within(() => client.workflow.getHandle(workflowId).signal(signal));
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  const loopInput = (workerType: string): WorkerTypeWorkflowInput => ({
    workerType, intervalMs: settings.iterationIntervalMs, allowedRegions: settings.allowedRegions, cooldownMs: settings.capacityCooldownMs,
  });
  const loopOptions = (workerType: string) => ({
    workflowId: workerTypeWorkflowId(workerType), taskQueue: TASK_QUEUE, args: [loopInput(workerType)] as [WorkerTypeWorkflowInput],
    typedSearchAttributes: [{ key: WORKER_TYPE, value: workerType }],
    staticSummary: `Provisioning loop of worker type ${workerType}`,
  });

  return {
    /** Starts the loop if needed and wakes it: used on create and update. */
    async workerTypeChanged(workerType: string): Promise<void> {
      await starting(() => client.workflow.signalWithStart('workerTypeWorkflow', { ...loopOptions(workerType), signal: definitionChangedSignal }));
    },

    /** Asks region loops for fresh prices and inventory now, e.g. for a definition's new instance types. */
    async refreshRegions(regions: string[]): Promise<void> {
      await Promise.all(regions.map(async (region) => {
        await signalIfRunning(regionWorkflowId(region), refreshNowSignal);
      }));
    },

    /** Starts the loop if it is not running, without waking a running one (reconciliation). */
    async ensureWorkerTypeLoop(workerType: string): Promise<void> {
      await starting(() => client.workflow.start('workerTypeWorkflow', { ...loopOptions(workerType), workflowIdConflictPolicy: 'USE_EXISTING' }));
    },

    /** Wakes a loop whose definition was deleted, so it cleans up at once. */
    async workerTypeRemoved(workerType: string): Promise<void> {
      await signalIfRunning(workerTypeWorkflowId(workerType), removedSignal);
    },

    /**
     * Wakes a running loop for pending tasks (Pulse task-pending; operators send the same signal with the `temporal` CLI): `absent` when
     * the worker type has no running loop, which this never starts (reconciliation does).
     */
    async wakeWorkerType(workerType: string): Promise<'sent' | 'absent'> {
      return (await signalIfRunning(workerTypeWorkflowId(workerType), tasksPendingSignal)) ? 'sent' : 'absent';
    },

    async terminateAll(workerType: string): Promise<void> {
      await starting(() => client.workflow.signalWithStart('workerTypeWorkflow', { ...loopOptions(workerType), signal: terminateAllSignal }));
    },

    async ensureRegionLoop(region: string): Promise<void> {
      const input: RegionInventoryInput = { region, intervalMs: settings.inventoryIntervalMs, priceIntervalMs: settings.spotPriceIntervalMs };
      await starting(() => client.workflow.start('regionInventoryWorkflow', {
        workflowId: regionWorkflowId(region), taskQueue: TASK_QUEUE, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [{ key: REGION, value: region }], staticSummary: `Inventory of region ${region}`,
      }));
    },

    /** Starts the shutdown workflow; a repeated request id attaches to the same run. */
    async shutdownEverything(requestId: string): Promise<string> {
      const handle = await within(() => client.workflow.start('shutdownEverythingWorkflow', {
        workflowId: shutdownWorkflowId(requestId), taskQueue: TASK_QUEUE, args: [{ regions: settings.allowedRegions }],
        workflowIdConflictPolicy: 'USE_EXISTING', staticSummary: 'Terminate every instance this provisioner manages',
      }));
      return handle.workflowId;
    },

    async shutdownResult(workflowId: string): Promise<ShutdownResult> {
      return client.workflow.getHandle(workflowId).result();
    },

    /**
     * Throws when the frontend does not answer; resolves to why loops cannot start (search
     * attributes missing in the namespace, or the latest start refused), or null when they can.
     */
    async health(): Promise<string | null> {
      await within(() => client.workflowService.getSystemInfo({}));
      const namespace = client.options.namespace;
      try {
        const missing = await within(() => missingSearchAttributes(client.connection, namespace));
        if (Object.keys(missing).length > 0) {
          return `loops cannot start: search attributes ${Object.keys(missing).join(', ')} are not registered in namespace ${namespace}; `
            + `register them with: ${registrationCommand(namespace, missing)}`;
        }
      } catch (err) {
        // An identity that may not list them (Temporal Cloud API keys): only a start can tell.
        if (!(err instanceof SearchAttributesMissingError)) throw err;
      }
      return startRefused === undefined ? null : `loops cannot start: ${startRefused}`;
    },
  };
}

export type WorkflowControl = ReturnType<typeof createWorkflowControl>;

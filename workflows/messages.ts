// Signals and queries of the workflows: the API, operators (Temporal UI and CLI) and the
// shutdown workflow use these. Wire names are short and never change.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IterationReport } from '../src/domain/iteration-report';

/** The definition was created or updated: run an iteration now. */
export const definitionChangedSignal = defineSignal('definitionChanged');
/** The Queue announced pending tasks (Pulse task-pending), or an operator asked: run an iteration now. */
export const tasksPendingSignal = defineSignal('tasksPending');
/** Terminate every instance of the worker type (started ones included), then carry on. */
export const terminateAllSignal = defineSignal('terminateAll');
/** The definition was removed: terminate everything and finish. */
export const removedSignal = defineSignal('removed');
/** Run an inventory pass now (region workflows). */
export const refreshNowSignal = defineSignal('refreshNow');

/** What the last iteration saw and did; null before the first one. */
export const lastIterationQuery = defineQuery<IterationReport | null>('lastIteration');
/** Inventory passes a region workflow has finished (successful or not), across continue-as-new. */
export const inventoryPassesQuery = defineQuery<number>('inventoryPasses');

export type { IterationReport };

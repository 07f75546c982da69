// Every activity the workflows use, built from injected dependencies.
import { declareActivities } from './declare';
import type { ActivityDeps } from './deps';
import { withFailureKinds } from './failures';
import { inventoryActivities } from './inventory';
import { iterationInputActivities } from './iteration-inputs';
import { launchActivities } from './launch';
import { observeActivities } from './observe';
import { priceActivities } from './prices';
import { queueActivities } from './queue';
import { reportActivities } from './report';
import { terminateActivities } from './terminate';

/** Classified errors leave every activity as failures of their kind (activities/failures.ts). */
export function createActivities(deps: ActivityDeps) {
  return withFailureKinds({
    ...observeActivities(deps),
    ...queueActivities(deps),
    ...iterationInputActivities(deps),
    ...declareActivities(deps),
    ...launchActivities(deps),
    ...terminateActivities(deps),
    ...inventoryActivities(deps),
    ...priceActivities(deps),
    ...reportActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';

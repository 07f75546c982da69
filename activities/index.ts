// Every activity the workflows use, built from injected dependencies.
import type { ActivityDeps } from './deps';
import { inventoryActivities } from './inventory';
import { launchActivities } from './launch';
import { observeActivities } from './observe';
import { priceActivities } from './prices';
import { queueActivities } from './queue';
import { reportActivities } from './report';
import { terminateActivities } from './terminate';

export function createActivities(deps: ActivityDeps) {
  return {
    ...observeActivities(deps),
    ...queueActivities(deps),
    ...launchActivities(deps),
    ...terminateActivities(deps),
    ...inventoryActivities(deps),
    ...priceActivities(deps),
    ...reportActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';

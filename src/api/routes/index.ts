import type { Route } from '../route';
import { amiSetRoutes } from './ami-sets';
import { historyRoutes } from './history';
import { operationRoutes } from './operations';
import { secretRoutes } from './secrets';
import { serviceRoutes } from './service';
import { workerTypeRoutes } from './worker-types';

/** Every v1 method, in the order of the API reference. */
export const allRoutes: Route[] = [...serviceRoutes, ...workerTypeRoutes, ...amiSetRoutes, ...secretRoutes, ...operationRoutes, ...historyRoutes];

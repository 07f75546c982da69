// jest global teardown of the fast workflow tests: removes the workflow bundle.
import { stopGlobalServices } from './global-services';

export default async function workflowGlobalTeardown(): Promise<void> {
  await stopGlobalServices();
}

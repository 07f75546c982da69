// jest global setup of the fast workflow tests (test/workflows/fast): the temporal CLI (each
// test file starts its own dev server) and the workflow bundle. No PostgreSQL, no moto: those
// tests replace every activity with a strict fake.
import { startWorkflowServices } from './global-services';

export default async function workflowGlobalSetup(): Promise<void> {
  await startWorkflowServices((msg) => process.stderr.write(`\n${msg}\n`));
}

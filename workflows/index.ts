// The workflows the worker registers (the bundler starts from this file).
export { workerTypeWorkflow } from './worker-type-workflow';
export { regionInventoryWorkflow } from './region-inventory-workflow';
export { shutdownEverythingWorkflow } from './shutdown-everything-workflow';

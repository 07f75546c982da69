// Workflow ids and the task queue live with the workflows (which need them too); this module
// re-exports them for the API and the worker.
export { TASK_QUEUE, regionWorkflowId, shutdownWorkflowId, workerTypeWorkflowId } from '../../workflows/names';

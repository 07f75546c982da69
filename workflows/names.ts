// Names shared by the API (which starts and signals workflows), the worker (which polls) and
// operators (who find workflows by id in the Web UI and CLI). Changing any of them orphans the
// running workflows, so they are part of the wire contract.

/** The task queue every workflow and activity of the provisioner runs on. */
export const TASK_QUEUE = 'provisioner';

/** The one loop workflow of a worker type; its id is derived from the name so starts are idempotent. */
export function workerTypeWorkflowId(workerType: string): string {
  return `worker-type/${workerType}`;
}

/** The one inventory workflow of an AWS region (the only reader of EC2 state there). */
export function regionWorkflowId(region: string): string {
  return `region/${region}`;
}

/** One "shut down everything" run; the request id makes a retried API call attach to the same run. */
export function shutdownWorkflowId(requestId: string): string {
  return `shutdown-everything/${requestId}`;
}

// Mass termination (workflow id `shutdown-everything/<requestId>`): every worker type loop
// is told to terminate its instances, and every instance tagged with our Owner is swept
// in every allowed region, orphans included.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { terminateAllSignal } from './messages';
import { workerTypeWorkflowId } from './names';
import { SHUTDOWN_DATA, SHUTDOWN_EC2 } from './activity-options';
import { SUMMARY } from './ui-summaries';

export interface ShutdownInput { regions: string[] }
export interface ShutdownResult { workerTypesSignalled: number; instancesTerminated: number }

const data = wf.proxyActivities<Activities>(SHUTDOWN_DATA);
const ec2 = wf.proxyActivities<Activities>(SHUTDOWN_EC2);

export async function shutdownEverythingWorkflow(input: ShutdownInput): Promise<ShutdownResult> {
  const names = await data.listWorkerTypeNames.executeWithOptions({ summary: SUMMARY.listWorkerTypes() }, []);
  let signalled = 0;
  for (const name of names) {
    try {
      await wf.getExternalWorkflowHandle(workerTypeWorkflowId(name)).signal(terminateAllSignal);
      signalled++;
    } catch (err) {
      wf.log.warn('worker type loop not signalled', { workerType: name, error: String(err) });
    }
  }
  const swept = await Promise.all(input.regions.map((region) => ec2.sweepRegion.executeWithOptions(
    { summary: SUMMARY.sweep(region) }, [{ region, reason: 'shutdown of every instance requested' }],
  )));
  const result = { workerTypesSignalled: signalled, instancesTerminated: swept.reduce((a, b) => a + b, 0) };
  wf.setCurrentDetails(`Signalled ${result.workerTypesSignalled} worker type(s); terminated ${result.instancesTerminated} instance(s).`);
  return result;
}

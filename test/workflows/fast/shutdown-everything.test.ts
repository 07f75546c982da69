// The "shut down everything" workflow on the real workflows with strict fake activities:
// every worker type's loop is told to terminate its instances (a loop that is not running is
// skipped, not fatal), and every allowed region is swept.
import { shutdownWorkflowId, workerTypeWorkflowId } from '../../../workflows/names';
import type { shutdownEverythingWorkflow } from '../../../workflows/shutdown-everything-workflow';
import type { workerTypeWorkflow } from '../../../workflows/worker-type-workflow';
import { HOUR_MS, scenario, uniqueName, until, untilAsleep, useTemporal } from './support/harness';
import type { Fakes } from './support/strict-activities';
import { loopFakes, loopInput } from './support/worker-type-fakes';

const temporal = useTemporal();

test('shutdown signals every running worker type loop, which terminates its instances, and sweeps every region', async () => {
  const running = uniqueName('running');
  const absent = uniqueName('absent');
  const regions = ['us-west-2', 'us-east-1'];
  const fakes: Fakes = {
    ...loopFakes(running),
    listWorkerTypeNames: () => [absent, running],
    terminateAllOfWorkerType: (req) => { expect(req).toEqual({ workerType: running, reason: 'terminate-all requested' }); return 2; },
    sweepRegion: (req) => {
      expect(regions).toContain(req.region);
      expect(req.reason).toBe('shutdown of every instance requested');
      return req.region === 'us-west-2' ? 1 : 0;
    },
  };
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    const loopHandle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(running), args: [loopInput(running, { intervalMs: HOUR_MS })],
    });
    await untilAsleep(loopHandle);
    const result = await client.workflow.execute<typeof shutdownEverythingWorkflow>('shutdownEverythingWorkflow', {
      taskQueue, workflowId: shutdownWorkflowId(uniqueName('request')), args: [{ regions }],
    });
    expect(result).toEqual({ workerTypesSignalled: 1, instancesTerminated: 1 });
    expect(strict.calls('sweepRegion').map((c) => c.args[0].region).sort()).toEqual([...regions].sort());
    // The signal woke the sleeping loop: terminate-all first, then a normal iteration.
    await until(() => strict.calls('recordIteration').length === 2, 'the loop\'s next iteration');
    // Without the Queue declaration, which runs beside the loop's passes in no fixed order.
    const loop = strict.log.filter((c) => c.workflowId === workerTypeWorkflowId(running) && c.name !== 'declareWorkerType').map((c) => c.name);
    expect(loop.slice(4)).toEqual(['terminateAllOfWorkerType', 'observeIteration', 'launchInstance', 'launchInstance', 'recordIteration']);
  });
});

// Demand wakes the loop: a real RabbitMQ, the real worker process (PULSE_URL set) on a real
// Temporal dev server, moto as EC2, the local Queue. ITERATION_INTERVAL is 600 s, so after a
// loop's first iteration only a wake-up can explain a launch within seconds. Checks a launch
// after one task-pending message, the signals of a burst of 1,000, the binding to our
// provisionerId, a worker type without a loop, and wake-ups after a broker restart.
import amqp from 'amqplib';
import { startWorkerProcess } from '../../src/processes/worker-process';
import { taskPendingQueueName } from '../../src/events/task-pending';
import { workerTypeWorkflowId } from '../../src/temporal/names';
import { lastIterationQuery } from '../../workflows/messages';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { TEST_REGIONS } from '../support/environment';
import { eventually } from '../support/eventually';
import { SPOT_PRICES, workerTypeDefinition } from '../support/fixtures';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { connectQueuePulse, type QueuePulse } from '../support/queue-pulse';
import { startRabbitMq, type RabbitMqServer } from '../support/rabbitmq-server';

jest.setTimeout(240_000);

let rabbit: RabbitMqServer;
let h: ApiHarness;
let queue: QueuePulse;
let worker: { stop(): Promise<void>; metricsUrl: string };

const runInstances = () => TEST_REGIONS.reduce((n, r) => n + (h.env.ec2Proxy.counts(r).RunInstances ?? 0), 0);
const logCount = (text: string) => h.logs.filter((l) => l.includes(text)).length;

/** The tasksPending signals the worker type's loop received, from its history. */
async function wakeSignals(workerType: string): Promise<number> {
  const history = await h.env.temporal.client.workflow.getHandle(workerTypeWorkflowId(workerType)).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'tasksPending').length;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Creates the worker type and waits for its loop's first iteration: from then on it sleeps 600 s. */
async function idleLoop(workerType: string): Promise<void> {
  await h.provisioner().createWorkerType(workerType, workerTypeDefinition({ maxCapacity: 4 }));
  const loop = h.env.temporal.client.workflow.getHandle(workerTypeWorkflowId(workerType));
  await eventually(async () => (await loop.query(lastIterationQuery)) !== null, `the first iteration of ${workerType}`);
  // Prices of its instance types (refreshed once a definition uses them), so a woken iteration can launch.
  await eventually(async () => (await h.db.spotPrice.count()) > 0, 'spot prices');
}

beforeAll(async () => {
  rabbit = await startRabbitMq((msg) => process.stderr.write(`${msg}\n`));
  h = await startApiHarness({ ITERATION_INTERVAL: '600', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1', WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0' });
  h.env.ec2Proxy.setSpotPrices(SPOT_PRICES);
  queue = await connectQueuePulse(rabbit.url); // declares the Queue's exchange, as the Queue does
  worker = await startWorkerProcess({ ...h.config, pulseUrl: rabbit.url }, h.db, h.env.logger, { workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! } });
  await eventually(async () => logCount('listening for pending tasks on Pulse') > 0, 'the task-pending consumer');
});

afterAll(async () => {
  await worker?.stop();
  await queue?.close();
  await h?.stop();
  await rabbit?.stop();
});

test('a task-pending message makes the sleeping loop launch within seconds', async () => {
  await idleLoop('wake-one');
  h.env.queue.setPending(h.config.provisionerId, 'wake-one', 2);
  const before = runInstances();
  await new Promise((r) => setTimeout(r, 1_500));
  expect(runInstances()).toBe(before); // the poll alone would not launch for minutes
  const published = Date.now();
  await queue.taskPending(h.config.provisionerId, 'wake-one');
  await eventually(async () => runInstances() > before, 'a RunInstances call', 10_000, 50);
  process.stderr.write(`demand -> RunInstances: ${Date.now() - published} ms\n`);
  expect(await wakeSignals('wake-one')).toBe(1);
});

test('1,000 messages at once become a few signals, and every message is acknowledged', async () => {
  await idleLoop('wake-burst');
  const received = await metric('provisioner_pulse_task_pending_messages_total');
  await queue.taskPending(h.config.provisionerId, 'wake-burst', 1_000);
  await eventually(async () => await metric('provisioner_pulse_task_pending_messages_total') >= received + 1_000, '1,000 messages received');
  const connection = await amqp.connect(rabbit.url);
  try {
    const channel = await connection.createChannel();
    // Every message was delivered (none waits in the queue); the count above shows none came twice.
    await eventually(async () => (await channel.checkQueue(taskPendingQueueName(rabbit.url, h.config.provisionerId))).messageCount === 0, 'an empty queue');
  } finally {
    await connection.close();
  }
  await new Promise((r) => setTimeout(r, 2_500)); // any trailing signal
  const signals = await wakeSignals('wake-burst');
  process.stderr.write(`signals for 1,000 messages: ${signals}\n`);
  expect(signals).toBeGreaterThanOrEqual(1);
  expect(signals).toBeLessThanOrEqual(5);
  expect(await metric('provisioner_pulse_task_pending_messages_total')).toBe(received + 1_000);
});

test('a message for another provisionerId does nothing; one for a worker type without a loop is acknowledged and ignored', async () => {
  await idleLoop('wake-other');
  h.env.queue.setPending(h.config.provisionerId, 'wake-other', 1);
  const [received, before] = [await metric('provisioner_pulse_task_pending_messages_total'), runInstances()];
  await queue.taskPending('someone-else', 'wake-other', 5);
  await queue.taskPending(h.config.provisionerId, 'wake-nobody');
  await eventually(async () => logCount('task pending for a worker type without a loop') > 0, 'the message for no loop, logged');
  await new Promise((r) => setTimeout(r, 2_000));
  expect(await metric('provisioner_pulse_task_pending_messages_total')).toBe(received + 1); // the binding let only ours through
  expect(await wakeSignals('wake-other')).toBe(0);
  expect(runInstances()).toBe(before);
});

test('after a RabbitMQ restart wake-ups work again; the worker stays up meanwhile', async () => {
  await idleLoop('wake-restart');
  const listening = logCount('listening for pending tasks on Pulse');
  await rabbit.halt();
  await eventually(async () => logCount('task-pending wake-ups closed; reconnecting') > 0, 'the lost connection, logged');
  await new Promise((r) => setTimeout(r, 2_000));
  expect((await fetch(`${worker.metricsUrl}/readyz`)).status).toBe(200); // Pulse is optional
  await rabbit.restart();
  const restarted = Date.now();
  await eventually(async () => logCount('listening for pending tasks on Pulse') > listening, 'a new consumer', 60_000, 100);
  process.stderr.write(`reconnected ${Date.now() - restarted} ms after the broker was back\n`);
  expect(await metric('provisioner_pulse_reconnects_total')).toBeGreaterThan(0);
  h.env.queue.setPending(h.config.provisionerId, 'wake-restart', 1);
  const before = runInstances();
  await queue.taskPending(h.config.provisionerId, 'wake-restart');
  await eventually(async () => runInstances() > before, 'a RunInstances call after the restart', 10_000, 50);
  expect(h.logs.filter((l) => l.includes('Pulse')).every((l) => !l.includes('guest:guest'))).toBe(true);
});

// Pulse events end to end: a real RabbitMQ, the real API with PULSE_URL, the real
// taskcluster-client 1.6.3 making the changes and building the bindings its consumers use.
// Checks the exact exchanges, routing keys, bodies and properties, the exchanges reference,
// an outage of the broker during an update, and two replicas draining one outbox.
import amqp from 'amqplib';
import Ajv from 'ajv';
import { buildServices } from '../../src/api/server';
import { createEventOutbox } from '../../src/db/event-outbox';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import { createEventPublisher } from '../../src/events/publisher';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { startRabbitMq, type RabbitMqServer } from '../support/rabbitmq-server';

// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

jest.setTimeout(240_000);

const PREFIX = 'exchange/taskcluster-aws-provisioner/v1/';
const QUEUE = 'test-provisioner-events';

let rabbit: RabbitMqServer;
let h: ApiHarness;

interface Received { exchange: string; routingKey: string; body: unknown; properties: amqp.MessageProperties }

/** The bindings a consumer makes with taskcluster-client's AwsProvisionerEvents: every worker type (`primary.#`). */
async function bindQueue(): Promise<void> {
  const events = new taskcluster.AwsProvisionerEvents();
  const connection = await amqp.connect(rabbit.url);
  const channel = await connection.createChannel();
  await channel.assertQueue(QUEUE, { durable: true, autoDelete: false, exclusive: false });
  for (const binding of [events.workerTypeCreated(), events.workerTypeUpdated(), events.workerTypeRemoved()]) {
    // The same declaration the publisher makes: a mismatch (not durable, not topic) fails with PRECONDITION_FAILED.
    await channel.assertExchange(binding.exchange, 'topic', { durable: true, internal: false, autoDelete: false });
    await channel.bindQueue(QUEUE, binding.exchange, binding.routingKeyPattern);
  }
  await connection.close();
}

/** Takes every message waiting in the queue (a fresh connection each time, so it works across broker restarts). */
async function take(): Promise<Received[]> {
  const connection = await amqp.connect(rabbit.url, { timeout: 2_000 });
  try {
    const channel = await connection.createChannel();
    const out: Received[] = [];
    for (let m = await channel.get(QUEUE); m; m = await channel.get(QUEUE)) {
      out.push({ exchange: m.fields.exchange, routingKey: m.fields.routingKey, body: JSON.parse(m.content.toString('utf8')), properties: m.properties });
      channel.ack(m);
    }
    return out;
  } finally {
    await connection.close();
  }
}

/** Collects messages until `count` arrived, then waits `quietMs` more and checks none followed. */
async function receive(count: number, quietMs = 3_000, timeoutMs = 60_000): Promise<Received[]> {
  const got: Received[] = [];
  await eventually(async () => { got.push(...await take()); return got.length >= count; }, `${count} message(s)`, timeoutMs, 200);
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  got.push(...await take());
  return got;
}

const event = (name: string, workerType: string) => ({
  exchange: `${PREFIX}${name}`, routingKey: `primary.${workerType}._`, body: { workerType, version: 1 },
});
const simplified = (messages: Received[]) => messages.map(({ exchange, routingKey, body }) => ({ exchange, routingKey, body }));
const outboxRows = () => h.db.eventOutbox.count();

beforeAll(async () => {
  rabbit = await startRabbitMq((msg) => process.stderr.write(`${msg}\n`));
  h = await startApiHarness({ PULSE_URL: rabbit.url });
  await bindQueue();
});

afterAll(async () => {
  await h?.stop();
  await rabbit?.stop();
});

test('create, update and remove publish their messages, in order, as the original did', async () => {
  const p = h.provisioner();
  await p.createWorkerType('pulse-one', workerTypeDefinition());
  await p.createWorkerType('pulse-one', workerTypeDefinition()); // idempotent repeat: nothing changed, nothing published
  await p.updateWorkerType('pulse-one', workerTypeDefinition({ maxCapacity: 7 }));
  expect((await failure(p.createWorkerType('pulse-one', workerTypeDefinition({ maxCapacity: 3 })))).status).toBe(409);
  await p.removeWorkerType('pulse-one');
  await p.removeWorkerType('pulse-one'); // already absent: no message
  const messages = await receive(3);
  expect(simplified(messages)).toEqual([
    event('worker-type-created', 'pulse-one'), event('worker-type-updated', 'pulse-one'), event('worker-type-removed', 'pulse-one'),
  ]);
  for (const m of messages) {
    // As taskcluster-lib-pulse publishes: persistent (delivery mode 2) UTF-8 JSON with a CC header.
    expect(m.properties).toMatchObject({ deliveryMode: 2, contentType: 'application/json', contentEncoding: 'utf-8', headers: { CC: [] } });
  }
  expect(await outboxRows()).toBe(0);
});

test('the exchanges reference matches the one taskcluster-client 1.6.3 carries, and its schema accepts the messages', async () => {
  const reference = await (await fetch(`${h.url}/v1/exchanges.json`)).json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const original = require('taskcluster-client/lib/apis').AwsProvisionerEvents.reference;
  expect(reference.exchangePrefix).toBe(original.exchangePrefix);
  const shape = (entries: any[]) => entries.map((e) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
    type: e.type, exchange: e.exchange, name: e.name, title: e.title,
    routingKey: e.routingKey.map(({ name, constant, multipleWords, required }: Record<string, unknown>) => ({ name, constant, multipleWords, required })),
  }));
  expect(shape(reference.entries)).toEqual(shape(original.entries));
  const schemaUrl = reference.entries[0].schema as string;
  expect(schemaUrl).toBe(`${h.config.publicUrl}/v1/schemas/worker-type-message.json`);
  const schema = await (await fetch(`${h.url}/v1/schemas/worker-type-message.json`)).json() as Record<string, unknown>;
  const { $schema: _drop, ...body } = schema;
  const validate = new Ajv({ strict: false }).compile(body);
  expect(validate({ workerType: 'pulse-one', version: 1 })).toBe(true);
  expect(validate({ workerType: 'pulse-one', version: 2 })).toBe(false);
  expect(validate({ workerType: 'pulse-one', version: 1, extra: true })).toBe(false);
  // Served under the root-URL prefix too, like the OpenAPI document.
  expect((await fetch(`${h.url}/api/aws-provisioner/v1/exchanges.json`)).status).toBe(200);
});

test('with RabbitMQ stopped, an update answers 200; its message arrives once the broker is back, exactly once', async () => {
  const p = h.provisioner();
  await p.createWorkerType('pulse-outage', workerTypeDefinition());
  expect(simplified(await receive(1, 500))).toEqual([event('worker-type-created', 'pulse-outage')]);
  await rabbit.halt();
  const started = Date.now();
  const updated = await p.updateWorkerType('pulse-outage', workerTypeDefinition({ maxCapacity: 9 }));
  expect(updated.maxCapacity).toBe(9);
  expect(Date.now() - started).toBeLessThan(5_000); // the API never waits for the broker
  expect(await outboxRows()).toBe(1);
  await eventually(async () => h.logs.some((l) => l.includes('publishing events failed; retrying')), 'a logged publish failure', 30_000);
  expect(h.logs.filter((l) => l.includes('publishing events failed')).every((l) => !l.includes('guest:guest'))).toBe(true);
  await rabbit.restart();
  // The backoff is at most 15 s; then the message goes out, and is not sent again.
  const messages = await receive(1, 6_000, 90_000);
  expect(simplified(messages)).toEqual([event('worker-type-updated', 'pulse-outage')]);
  expect(await outboxRows()).toBe(0);
});

test('two replicas draining one outbox send every event exactly once', async () => {
  const outbox = createEventOutbox(h.db);
  const second = createEventPublisher(rabbit.url, outbox, h.env.logger);
  const third = createEventPublisher(rabbit.url, outbox, h.env.logger);
  const hooks = { committed: () => { second.committed(); third.committed(); h.services.events?.committed(); } };
  const repository = createWorkerTypeRepository(h.db, hooks);
  second.start();
  third.start();
  try {
    const names = Array.from({ length: 30 }, (_, i) => `pulse-many-${i}`);
    const def = workerTypeDefinition() as unknown as WorkerTypeDefinition;
    await Promise.all(names.map((name) => repository.create(name, def, new Date())));
    const messages = await receive(30, 3_000);
    expect(simplified(messages).sort((a, b) => a.routingKey.localeCompare(b.routingKey)))
      .toEqual(names.map((n) => event('worker-type-created', n)).sort((a, b) => a.routingKey.localeCompare(b.routingKey)));
  } finally {
    await second.stop();
    await third.stop();
  }
  expect(await outboxRows()).toBe(0);
});

test('without PULSE_URL no event is written and no publisher runs', async () => {
  const services = buildServices({ ...h.config, pulseUrl: undefined }, h.db, h.env.logger, { workflows: h.env.workflows, ec2: h.env.ec2 });
  expect(services.events).toBeUndefined();
  const def = workerTypeDefinition() as unknown as WorkerTypeDefinition;
  await services.workerTypes.create('pulse-none', def, new Date());
  const current = await services.workerTypes.getVersioned('pulse-none');
  await services.workerTypes.update('pulse-none', { ...def, maxCapacity: 4 }, new Date(), current!.revision);
  expect(await services.workerTypes.remove('pulse-none')).toBe(true);
  expect(await outboxRows()).toBe(0);
  expect(await take()).toEqual([]);
});

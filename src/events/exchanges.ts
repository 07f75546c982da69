// The Pulse exchanges this service publishes, as the original aws-provisioner declared them:
// names, routing keys and the message schema. One declaration feeds the publisher (routing
// key, validation) and the machine-readable reference served next to the OpenAPI document.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { IDENTIFIER_PATTERN } from '../domain/identifiers';

export const EXCHANGE_PREFIX = 'exchange/taskcluster-aws-provisioner/v1/';

/** Where the message schema is served, under the API's `/v1`. */
export const MESSAGE_SCHEMA_PATH = '/schemas/worker-type-message.json';

const WorkerTypeMessage = Type.Object({
  workerType: Type.String({ pattern: IDENTIFIER_PATTERN, minLength: 1, maxLength: 38, description: 'The worker type that changed' }),
  version: Type.Literal(1, { description: 'Message version; always 1' }),
}, {
  additionalProperties: false, $id: 'worker-type-message',
  title: 'Worker type message', description: 'Names a worker type whose definition was created, updated or removed.',
});
export type WorkerTypeMessage = Static<typeof WorkerTypeMessage>;

export const EXCHANGE_NAMES = ['worker-type-created', 'worker-type-updated', 'worker-type-removed'] as const;
export type ExchangeName = typeof EXCHANGE_NAMES[number];

interface ExchangeDeclaration { exchange: ExchangeName; name: string; title: string; description: string }

const WHEN = 'Published after the change is committed, at least once (a publish the broker did not confirm is retried). '
  + 'The message only names the worker type: read its current definition with `workerType`.';

export const EXCHANGES: readonly ExchangeDeclaration[] = [
  {
    exchange: 'worker-type-created', name: 'workerTypeCreated', title: 'WorkerType Created Message',
    description: `When a new \`workerType\` is created a message is published to this exchange. ${WHEN}`,
  },
  {
    exchange: 'worker-type-updated', name: 'workerTypeUpdated', title: 'WorkerType Updated Message',
    description: `When a \`workerType\` is updated a message is published to this exchange. ${WHEN}`,
  },
  {
    exchange: 'worker-type-removed', name: 'workerTypeRemoved', title: 'WorkerType Removed Message',
    description: `When a \`workerType\` is removed a message is published to this exchange (not when it was already absent). ${WHEN}`,
  },
];

/** The routing key's words, in order, as TaskCluster's exchange references describe them. */
const ROUTING_KEY = [
  {
    name: 'routingKeyKind', constant: 'primary', multipleWords: false, required: true, maxSize: 7,
    summary: "Identifier for the routing-key kind. This is always `'primary'` for the formalized routing key.",
  },
  { name: 'workerType', multipleWords: false, required: true, maxSize: 38, summary: 'WorkerType that this message concerns.' },
  {
    name: 'reserved', multipleWords: true, required: false, maxSize: 1,
    summary: 'Space reserved for future routing-key entries, you should always match this entry with `#`. '
      + 'As automatically done by our tooling, if not specified.',
  },
];

/** `primary.<workerType>._`: the unset reserved word is `_`, as taskcluster-lib-pulse writes it. */
export function routingKeyFor(workerType: string): string {
  return `primary.${workerType}._`;
}

/** The message of every exchange; throws when it does not match the schema (a bad name can never be published). */
export function messageFor(workerType: string): WorkerTypeMessage {
  const message = { workerType, version: 1 as const };
  if (!Value.Check(WorkerTypeMessage, message)) {
    const first = [...Value.Errors(WorkerTypeMessage, message)][0];
    throw new Error(`worker type message does not match its schema: ${first?.path ?? ''} ${first?.message ?? ''}`.trim());
  }
  return message;
}

/** The exchanges reference, in the format of TaskCluster's `exchanges.json` documents. */
export function exchangesReference(apiBaseUrl: string) {
  return {
    version: 0,
    $schema: 'http://schemas.taskcluster.net/base/v1/exchanges-reference.json#',
    title: 'AWS Provisioner Pulse Exchanges',
    description: 'Topic exchanges on which the provisioner announces changes to worker type definitions. '
      + 'Bind with `primary.<workerType>.#`, or `primary.#` for every worker type. Messages are persistent JSON.',
    exchangePrefix: EXCHANGE_PREFIX,
    entries: EXCHANGES.map((e) => ({
      type: 'topic-exchange', exchange: e.exchange, name: e.name, title: e.title, description: e.description,
      routingKey: ROUTING_KEY, schema: `${apiBaseUrl}${MESSAGE_SCHEMA_PATH}`,
    })),
  };
}

/** The message schema as plain JSON (without TypeBox's symbols). */
export function messageSchemaDocument(apiBaseUrl: string): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(WorkerTypeMessage)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...plain, $id: `${apiBaseUrl}${MESSAGE_SCHEMA_PATH}` };
}

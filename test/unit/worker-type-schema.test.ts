// The domain's worker type is declared by hand in src/domain (which may not import src/api),
// the request and response schemas in src/api/schemas. These compile-time checks make the two
// agree field by field: a field added to a schema and not to the domain type (or the reverse)
// fails `tsc`, and src/db/worker-types.ts cannot compile without a column for every domain
// field (toColumns) and a value for every one read back (fromRow). So a new schema field cannot
// be silently dropped on save. The runtime side is test/api/worker-types.test.ts (round trip).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CreateWorkerTypeRequest, WorkerTypeResponse } from '../../src/api/schemas/worker-type';
import type { WorkerType, WorkerTypeDefinition } from '../../src/domain/worker-type';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
/** The same property names, and the same ones optional. */
type SameFields<A, B> = [Equal<keyof A, keyof B>, Equal<OptionalKeys<A>, OptionalKeys<B>>] extends [true, true] ? true : false;
type Entry<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;
/** SameFields of a definition and of each of its entry lists. */
type SameDefinition<S, D extends WorkerTypeDefinition> = [
  SameFields<S, D>,
  SameFields<Entry<S[keyof S & 'instanceTypes']>, Entry<D['instanceTypes']>>,
  SameFields<Entry<S[keyof S & 'regions']>, Entry<D['regions']>>,
  SameFields<Entry<S[keyof S & 'availabilityZones']>, Entry<D['availabilityZones']>>,
] extends [true, true, true, true] ? true : false;

type Request = Static<typeof CreateWorkerTypeRequest>;

const requestMatches: SameDefinition<Request, WorkerTypeDefinition> = true;
const responseMatches: SameDefinition<Static<typeof WorkerTypeResponse>, Required<WorkerType>> = true;

/** A copy of the request schema with one more field, as a change to the schema would make it. */
const Extended = Type.Composite([CreateWorkerTypeRequest, Type.Object({ spotFleetRole: Type.Optional(Type.String()) })]);
// @ts-expect-error a field the domain type lacks fails the check
const extendedMatches: SameDefinition<Static<typeof Extended>, WorkerTypeDefinition> = true;

const zone = CreateWorkerTypeRequest.properties.availabilityZones.items;
const ExtendedZone = Type.Object({
  ...CreateWorkerTypeRequest.properties,
  availabilityZones: Type.Optional(Type.Array(Type.Object({ ...zone.properties, subnetId: Type.String() }))),
});
/** The unchanged copy passes, so the failure below is the added field's. */
const Copy = Type.Object({ ...CreateWorkerTypeRequest.properties, availabilityZones: Type.Optional(Type.Array(Type.Object(zone.properties))) });
const copyMatches: SameDefinition<Static<typeof Copy>, WorkerTypeDefinition> = true;
// @ts-expect-error a field missing from an entry type fails the check too
const extendedZoneMatches: SameDefinition<Static<typeof ExtendedZone>, WorkerTypeDefinition> = true;

test('the request and response schemas have exactly the domain type\'s fields (checked by tsc)', () => {
  expect([requestMatches, responseMatches, copyMatches, extendedMatches, extendedZoneMatches]).toEqual([true, true, true, true, true]);
  // The copies differ from the schema by exactly the field the checks above refuse.
  expect(Object.keys(Extended.properties)).toEqual([...Object.keys(CreateWorkerTypeRequest.properties), 'spotFleetRole']);
  expect(Object.keys(ExtendedZone.properties.availabilityZones.items.properties)).toEqual([...Object.keys(zone.properties), 'subnetId']);
  expect(Copy.properties.availabilityZones.items.properties).toEqual(zone.properties);
  const schemaKeys = (schema: TSchema) => Object.keys(schema.properties as object).sort();
  expect(schemaKeys(WorkerTypeResponse)).toEqual([...schemaKeys(CreateWorkerTypeRequest), 'lastModified', 'workerType'].sort());
});

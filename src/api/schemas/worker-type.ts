// Worker type payloads, with the original aws-provisioner v1 field names.
import { Type, type Static } from '@sinclair/typebox';
import {
  DateTime, EmptySecrets, Identifier, JsonObject, MAX_LIST_ITEMS, MAX_TEXT, REGION_PATTERN, Scopes, ZONE_PATTERN,
} from './common';

const InstanceTypeEntry = Type.Object({
  instanceType: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9.-]*$', description: 'EC2 instance type, e.g. c5.xlarge' }),
  capacity: Type.Integer({ minimum: 1, maximum: 1000, description: 'How many tasks one instance runs at once' }),
  utility: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Relative speed; prices are compared per unit of utility' }),
  launchSpec: JsonObject('Launch specification overrides for this type (never ImageId or InstanceType)'),
  secrets: EmptySecrets,
  userData: JsonObject('User data overrides for this type'),
  scopes: Scopes('Unused; kept for compatibility'),
}, { additionalProperties: false });

const RegionEntry = Type.Object({
  region: Type.String({ pattern: REGION_PATTERN, description: 'AWS region, e.g. us-west-2' }),
  launchSpec: Type.Object({ ImageId: Type.String({ pattern: '^ami-[0-9a-f]{8,17}$', description: 'AMI for this region' }) }, {
    additionalProperties: true, description: 'Launch specification overrides for this region; ImageId is required here',
  }),
  secrets: EmptySecrets,
  userData: JsonObject('User data overrides for this region'),
  scopes: Scopes('Unused; kept for compatibility'),
}, { additionalProperties: false });

const AvailabilityZoneEntry = Type.Object({
  region: Type.String({ pattern: REGION_PATTERN }),
  availabilityZone: Type.String({ pattern: ZONE_PATTERN, description: 'e.g. us-west-2b' }),
  launchSpec: JsonObject('Launch specification overrides for this zone'),
  secrets: Type.Optional(EmptySecrets),
  userData: Type.Optional(JsonObject('User data overrides for this zone')),
}, { additionalProperties: false });

const definitionFields = {
  launchSpec: JsonObject('Base launch specification for every region and type (never ImageId, InstanceType or UserData)'),
  userData: JsonObject('Base worker configuration, delivered under `data` in the instance user data'),
  secrets: EmptySecrets,
  scopes: Scopes('Unused; kept for compatibility'),
  minCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, description: 'Floor of running plus pending capacity (default 0)' })),
  maxCapacity: Type.Integer({ minimum: 0, maximum: 100000, description: 'Ceiling of running, pending and requested capacity' }),
  scalingRatio: Type.Number({ minimum: -1000, maximum: 1000, description: 'Desired pending tasks as a fraction of running capacity' }),
  minPrice: Type.Number({
    minimum: 0, maximum: 1000,
    description: 'Kept for compatibility: stored and returned, must not exceed maxPrice, used by no decision (USD/hour per utility unit)',
  }),
  maxPrice: Type.Number({ minimum: 0, maximum: 1000, description: 'Highest price per utility unit ever paid (USD/hour)' }),
  canUseOndemand: Type.Optional(Type.Boolean({ description: 'Launch on-demand when spot is unavailable or too expensive (default false)' })),
  canUseSpot: Type.Optional(Type.Boolean({ description: 'Launch spot instances (default true)' })),
  instanceTypes: Type.Array(InstanceTypeEntry, { minItems: 1, maxItems: 100 }),
  regions: Type.Array(RegionEntry, { minItems: 1, maxItems: 30 }),
  availabilityZones: Type.Optional(Type.Array(AvailabilityZoneEntry, { maxItems: 200 })),
  description: Type.String({ maxLength: MAX_TEXT, description: 'Free text, Markdown' }),
  owner: Type.String({ maxLength: 500, description: 'Who to contact about this worker type' }),
};

export const CreateWorkerTypeRequest = Type.Object(definitionFields, {
  additionalProperties: false, $id: 'create-worker-type-request',
});
export type CreateWorkerTypeRequest = Static<typeof CreateWorkerTypeRequest>;

export const WorkerTypeResponse = Type.Object({
  workerType: Identifier('Worker type name'),
  lastModified: DateTime('When the definition last changed'),
  ...definitionFields,
  minCapacity: Type.Integer({ minimum: 0 }),
  canUseOndemand: Type.Boolean(),
  canUseSpot: Type.Boolean(),
  availabilityZones: Type.Array(AvailabilityZoneEntry),
}, { additionalProperties: false, $id: 'get-worker-type-response' });
export type WorkerTypeResponse = Static<typeof WorkerTypeResponse>;

export const WorkerTypeLastModified = Type.Object({
  workerType: Identifier('Worker type name'),
  lastModified: DateTime('When the definition last changed'),
}, { additionalProperties: false, $id: 'get-worker-type-last-modified' });

export const WorkerTypeNames = Type.Array(Identifier('Worker type name'), { $id: 'list-worker-types-response', maxItems: MAX_LIST_ITEMS });

export const WorkerTypeSummary = Type.Object({
  workerType: Identifier('Worker type name'),
  minCapacity: Type.Integer(),
  maxCapacity: Type.Integer(),
  runningCapacity: Type.Integer({ description: 'Capacity of instances that are running' }),
  pendingCapacity: Type.Integer({ description: 'Capacity of instances that are booting' }),
  requestedCapacity: Type.Integer({ description: 'Capacity asked of EC2 and not yet seen' }),
}, { additionalProperties: false });

export const WorkerTypeSummaries = Type.Array(WorkerTypeSummary, { $id: 'list-worker-types-summaries-response', maxItems: MAX_LIST_ITEMS });

/** The user data object an instance gets (spec §2.4), every field as workers decode it. */
const InstanceUserData = Type.Object({
  availabilityZone: Type.String(),
  capacity: Type.Integer({ description: 'Tasks the instance runs at once' }),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'The merged userData (global, region, zone, instance type)' }),
  instanceType: Type.String(),
  lastModified: DateTime('The worker type\'s lastModified'),
  launchSpecGenerated: DateTime('When this launch specification was built'),
  price: Type.Number({ description: 'Price per utility unit the bid was chosen at (USD/hour); 1 in a preview' }),
  provisionerBaseUrl: Type.String({ description: 'Where workers call getSecret' }),
  provisionerId: Type.String(),
  region: Type.String(),
  securityToken: Type.String({ description: 'In a preview, a placeholder no secret is stored under' }),
  spotBid: Type.Number({
    description: 'USD per instance-hour: the spot MaxPrice of a spot launch, the on-demand price of an on-demand one; 1 in a preview',
  }),
  taskclusterRootUrl: Type.String(),
  workerType: Type.String(),
}, { additionalProperties: false });

export const LaunchSpecs = Type.Record(Type.String(), Type.Record(Type.String(), Type.Object({
  launchSpec: JsonObject('Merged EC2 launch specification with base64 UserData'),
  secrets: Type.Record(Type.String(), Type.Unknown()),
  scopes: Type.Array(Type.String()),
  userData: Type.Record(Type.String(), Type.Unknown(), { description: 'The merged userData, as `data` in instanceUserData' }),
  securityToken: Type.String({ description: 'A placeholder no secret is stored under, the same in every answer' }),
  workerType: Type.String(),
  instanceUserData: InstanceUserData,
}, { additionalProperties: false })), { $id: 'get-launch-specs-response', description: 'region -> instance type -> launch information' });

// The one list of launch specification keys and the JSON type of each. The definition rules
// (launch-spec-rules.ts) accept exactly these keys and the RunInstances translation
// (src/aws/run-instances-input.ts) sends exactly these, so a key accepted when a worker type
// is created is a key EC2 receives at launch.

export type JsonKind = 'string' | 'boolean' | 'number' | 'array' | 'object';

/** The LaunchSpecification keys of the original (spec §2.3 step 8). */
const ORIGINAL_KEYS: Readonly<Record<string, JsonKind>> = {
  ImageId: 'string', InstanceType: 'string', UserData: 'string', KeyName: 'string', SubnetId: 'string',
  KernelId: 'string', RamdiskId: 'string', SecurityGroups: 'array', SecurityGroupIds: 'array',
  BlockDeviceMappings: 'array', NetworkInterfaces: 'array', Placement: 'object', IamInstanceProfile: 'object',
  EbsOptimized: 'boolean', MonitoringEnabled: 'boolean', AddressingType: 'string',
};

/** RunInstances members that mean the same on a single launch; sent to EC2 unchanged. */
const PASS_THROUGH_KEYS: Readonly<Record<string, JsonKind>> = {
  Monitoring: 'object', MetadataOptions: 'object', CreditSpecification: 'object', CpuOptions: 'object',
  HibernationOptions: 'object', EnclaveOptions: 'object', MaintenanceOptions: 'object',
  PrivateDnsNameOptions: 'object', InstanceInitiatedShutdownBehavior: 'string', PrivateIpAddress: 'string',
  Ipv6AddressCount: 'number',
};

const KEYS: Readonly<Record<string, JsonKind>> = { ...ORIGINAL_KEYS, ...PASS_THROUGH_KEYS };

/**
 * Keys the provisioner sets on every launch spec it generates: InstanceType from the instance
 * type entry, UserData from the definition's userData (spec §2.4).
 */
export const GENERATED_KEYS: readonly string[] = ['InstanceType', 'UserData'];

/** The keys a definition's launch specs may hold, in a stable order: every key but the generated ones. */
export const DEFINITION_KEYS: readonly string[] = Object.keys(KEYS).filter((key) => !GENERATED_KEYS.includes(key));

/** The JSON type `key` must have, or undefined when it is not a launch specification key. */
export function launchSpecKeyKind(key: string): JsonKind | undefined {
  // Object.hasOwn: `constructor` or `__proto__` must not find Object.prototype's members.
  return Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
}

/** The JSON type of a parsed JSON value; `null` and anything JSON cannot hold are their own kinds. */
export function jsonKindOf(value: unknown): JsonKind | 'null' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'boolean' || t === 'number' || t === 'object' ? t : 'other';
}

// Translation of a RunInstanceRequest (launch spec in the original aws-provisioner's
// LaunchSpecification shape) into the input of EC2 RunInstances. Pure.
//
// Keys are checked against the list the definition rules use too (src/domain/launch-spec-keys.ts),
// because the SDK silently drops members it does not know: a misspelt key would otherwise
// launch an instance without it. Keys this module sets itself (counts, token, market, tags)
// are refused in the launch spec.
import type { RunInstancesCommandInput, Tag } from '@aws-sdk/client-ec2';
import { jsonKindOf, launchSpecKeyKind } from '../domain/launch-spec-keys';
import { Ec2Error } from './errors';
import type { RunInstanceRequest } from './ec2-gateway';

/** Keys whose value the gateway decides; in a launch spec they are a mistake. */
const RESERVED_KEYS = ['MinCount', 'MaxCount', 'ClientToken', 'InstanceMarketOptions', 'TagSpecifications', 'DryRun'];

/** Accepted but not sent: EC2 no longer has an addressing type. */
const IGNORED_KEYS = ['AddressingType', 'MonitoringEnabled'];

const MAX_CLIENT_TOKEN_LENGTH = 64;

function invalid(code: string, message: string): Ec2Error {
  return new Ec2Error({ kind: 'invalid', code, message: `launch request: ${message}` });
}

/** Throws Ec2Error `invalid` naming every reserved, unknown or mistyped key (never their values). */
function checkLaunchSpec(spec: Record<string, unknown>): void {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(spec)) {
    const expected = launchSpecKeyKind(key);
    if (RESERVED_KEYS.includes(key)) problems.push(`${key} is set by the provisioner`);
    else if (!expected) problems.push(`${key} is not a known launch specification key`);
    else if (value !== undefined && jsonKindOf(value) !== expected) problems.push(`${key} must be of type ${expected}`);
  }
  for (const key of ['ImageId', 'InstanceType']) {
    if (typeof spec[key] !== 'string' || spec[key] === '') problems.push(`${key} is required`);
  }
  if (problems.length > 0) throw invalid('UnexpectedParameter', problems.join('; '));
}

function checkClientToken(token: string): void {
  if (token.length === 0 || token.length > MAX_CLIENT_TOKEN_LENGTH || !/^[\x20-\x7e]+$/.test(token)) {
    throw invalid('InvalidClientToken', `the client token must be 1 to ${MAX_CLIENT_TOKEN_LENGTH} printable ASCII characters`);
  }
}

/** EC2 takes the price as a decimal string; never exponent notation. */
export function formatPrice(usdPerHour: number): string {
  if (!Number.isFinite(usdPerHour) || usdPerHour <= 0) throw invalid('InvalidParameterValue', 'maxPrice must be a positive number');
  const fixed = usdPerHour.toFixed(6).replace(/\.?0+$/, '');
  if (fixed === '0') throw invalid('InvalidParameterValue', 'maxPrice must be at least 0.000001');
  return fixed;
}

function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function marketOptions(req: RunInstanceRequest): Pick<RunInstancesCommandInput, 'InstanceMarketOptions'> {
  if (req.market === 'on-demand') return {};
  const MaxPrice = req.maxPrice === undefined ? undefined : formatPrice(req.maxPrice);
  return {
    InstanceMarketOptions: {
      MarketType: 'spot',
      SpotOptions: { MaxPrice, SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    },
  };
}

function monitoring(spec: Record<string, unknown>): Pick<RunInstancesCommandInput, 'Monitoring'> {
  if (typeof spec['MonitoringEnabled'] === 'boolean') return { Monitoring: { Enabled: spec['MonitoringEnabled'] } };
  return {};
}

/**
 * The RunInstances input for `req`. Throws Ec2Error `invalid` (UnexpectedParameter,
 * InvalidClientToken, InvalidParameterValue) for a request EC2 would refuse or misread.
 */
export function runInstancesInput(req: RunInstanceRequest): RunInstancesCommandInput {
  checkClientToken(req.clientToken);
  if (req.market !== 'spot' && req.market !== 'on-demand') throw invalid('InvalidParameterValue', 'market must be spot or on-demand');
  checkLaunchSpec(req.launchSpec);
  const spec = Object.fromEntries(Object.entries(req.launchSpec).filter(([key]) => !IGNORED_KEYS.includes(key)));
  const tags = tagList(req.tags);
  const TagSpecifications = tags.length === 0
    ? undefined
    : (['instance', 'volume'] as const).map((ResourceType) => ({ ResourceType, Tags: tags }));
  return {
    ...(spec as Partial<RunInstancesCommandInput>),
    ...monitoring(req.launchSpec),
    ...marketOptions(req),
    MinCount: 1,
    MaxCount: 1,
    ClientToken: req.clientToken,
    TagSpecifications,
  };
}

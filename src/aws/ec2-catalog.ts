// Reads about what a region offers: spot prices, zones, AMIs, security groups and key pairs.
import {
  DescribeAvailabilityZonesCommand, DescribeImagesCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand,
  DescribeSpotPriceHistoryCommand, type _InstanceType, type SpotPrice,
} from '@aws-sdk/client-ec2';
import { allPages, callEc2, chunks } from './ec2-call';
import type { GatewayContext, SpotPriceObservation } from './ec2-gateway';

/**
 * Values per filter in one call. EC2 caps the values of a filter (200 for most); fewer keeps
 * each request small.
 */
const FILTER_VALUES_PER_CALL = 100;

/** Linux/UNIX only: the provisioner launches Linux workers, and Windows prices differ. */
const PRODUCT_DESCRIPTIONS = ['Linux/UNIX'];

function observation(region: string, p: SpotPrice): SpotPriceObservation | undefined {
  const price = Number(p.SpotPrice);
  if (!p.AvailabilityZone || !p.InstanceType || !p.Timestamp || !Number.isFinite(price) || p.SpotPrice === '') return undefined;
  return { region, zone: p.AvailabilityZone, instanceType: p.InstanceType, price, timestamp: p.Timestamp.toISOString() };
}

/** Every page of DescribeSpotPriceHistory from `since` to now. Throws Ec2Error. */
export async function spotPriceHistory(
  ctx: GatewayContext, region: string, since: Date, instanceTypes?: string[],
): Promise<SpotPriceObservation[]> {
  // The SDK's enum of type names lags behind EC2; any name is sent as given.
  const InstanceTypes = instanceTypes && instanceTypes.length > 0 ? (instanceTypes as _InstanceType[]) : undefined;
  return allPages(async (NextToken) => {
    const command = new DescribeSpotPriceHistoryCommand({
      StartTime: since, ProductDescriptions: PRODUCT_DESCRIPTIONS, InstanceTypes, MaxResults: ctx.pageSize, NextToken,
    });
    const out = await callEc2({ operation: 'DescribeSpotPriceHistory', region, observer: ctx.observer }, () => ctx.clients.forRegion(region).send(command));
    const items = (out.SpotPriceHistory ?? []).map((p) => observation(region, p));
    return { items: items.filter((o): o is SpotPriceObservation => o !== undefined), nextToken: out.NextToken };
  });
}

/** Zones of standard type (no Local or Wavelength zones) that are available. Throws Ec2Error. */
export async function availabilityZones(ctx: GatewayContext, region: string): Promise<string[]> {
  const command = new DescribeAvailabilityZonesCommand({
    Filters: [{ Name: 'state', Values: ['available'] }, { Name: 'zone-type', Values: ['availability-zone'] }],
  });
  const out = await callEc2({ operation: 'DescribeAvailabilityZones', region, observer: ctx.observer }, () => ctx.clients.forRegion(region).send(command));
  return (out.AvailabilityZones ?? []).flatMap((z) => (z.ZoneName ? [z.ZoneName] : [])).sort();
}

/**
 * The wanted names (deduplicated) that `found` does not return, asking in batches of at most
 * FILTER_VALUES_PER_CALL filter values per call.
 */
async function missingOf(names: string[], found: (batch: string[]) => Promise<string[]>): Promise<string[]> {
  const wanted = [...new Set(names)];
  const present = new Set<string>();
  for (const batch of chunks(wanted, FILTER_VALUES_PER_CALL)) for (const name of await found(batch)) present.add(name);
  return wanted.filter((name) => !present.has(name));
}

/**
 * Asks with an `image-id` filter, not ImageIds: EC2 fails the whole ImageIds call when one is
 * unknown, while a filter just leaves it out of the answer. Throws Ec2Error.
 */
export function missingImages(ctx: GatewayContext, region: string, imageIds: string[]): Promise<string[]> {
  return missingOf(imageIds, async (batch) => {
    const command = new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: batch }] });
    const out = await callEc2({ operation: 'DescribeImages', region, observer: ctx.observer }, () => ctx.clients.forRegion(region).send(command));
    return (out.Images ?? []).flatMap((image) => (image.ImageId ? [image.ImageId] : []));
  });
}

/**
 * Asks with a `group-name` filter, not GroupNames: the latter only looks in the default VPC
 * and fails the whole call when one name is unknown. Throws Ec2Error.
 */
export function missingSecurityGroups(ctx: GatewayContext, region: string, groupNames: string[]): Promise<string[]> {
  return missingOf(groupNames, (batch) => allPages(async (NextToken) => {
    const command = new DescribeSecurityGroupsCommand({
      Filters: [{ Name: 'group-name', Values: batch }], MaxResults: ctx.pageSize, NextToken,
    });
    const out = await callEc2({ operation: 'DescribeSecurityGroups', region, observer: ctx.observer }, () => ctx.clients.forRegion(region).send(command));
    return { items: (out.SecurityGroups ?? []).map((g) => g.GroupName ?? ''), nextToken: out.NextToken };
  }));
}

/**
 * Asks with a `key-name` filter, not KeyNames: the latter fails the whole call when one name
 * is unknown (InvalidKeyPair.NotFound). DescribeKeyPairs has no pages. Throws Ec2Error.
 */
export function missingKeyPairs(ctx: GatewayContext, region: string, keyNames: string[]): Promise<string[]> {
  return missingOf(keyNames, async (batch) => {
    const command = new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: batch }] });
    const out = await callEc2({ operation: 'DescribeKeyPairs', region, observer: ctx.observer }, () => ctx.clients.forRegion(region).send(command));
    return (out.KeyPairs ?? []).flatMap((pair) => (pair.KeyName ? [pair.KeyName] : []));
  });
}

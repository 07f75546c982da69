// Reads EC2 state straight from moto (not through the code under test) for assertions.
import { DescribeInstancesCommand, DescribeVolumesCommand, DescribeInstanceAttributeCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';

export interface MotoInstance { id: string; type: string; state: string; zone: string; tags: Record<string, string>; spot: boolean; clientToken?: string }

const toTags = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

function simplify(i: Instance): MotoInstance {
  return {
    id: i.InstanceId!, type: i.InstanceType!, state: i.State?.Name ?? '', zone: i.Placement?.AvailabilityZone ?? '',
    tags: toTags(i.Tags), spot: i.InstanceLifecycle === 'spot', clientToken: i.ClientToken,
  };
}

/** Instances tagged with this Owner, optionally only live ones (pending or running). */
export async function ownedInstances(ec2: EC2Client, owner: string, liveOnly = true): Promise<MotoInstance[]> {
  const filters = [{ Name: 'tag:Owner', Values: [owner] }];
  if (liveOnly) filters.push({ Name: 'instance-state-name', Values: ['pending', 'running'] });
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(simplify);
}

export async function userDataOf(ec2: EC2Client, instanceId: string): Promise<Record<string, unknown>> {
  const out = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }));
  return JSON.parse(Buffer.from(out.UserData?.Value ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
}

export async function volumeTags(ec2: EC2Client, instanceId: string): Promise<Record<string, string>[]> {
  const out = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
  return (out.Volumes ?? []).map((v) => toTags(v.Tags));
}

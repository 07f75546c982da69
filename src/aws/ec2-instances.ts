// Launching, terminating and listing instances.
import {
  DescribeInstancesCommand, RunInstancesCommand, TerminateInstancesCommand, type Filter, type Instance,
} from '@aws-sdk/client-ec2';
import { allPages, callEc2, chunks, observedEc2Call } from './ec2-call';
import type {
  GatewayContext, InstanceSnapshot, InstanceState, LaunchedInstance, RunInstanceRequest,
} from './ec2-gateway';
import { Ec2Error, toEc2Error } from './errors';
import { runInstancesInput } from './run-instances-input';

/** EC2's limit of instance ids per TerminateInstances call. */
const TERMINATE_BATCH = 1000;

const STATES: readonly InstanceState[] = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'];

function malformedAnswer(operation: string, message: string): Ec2Error {
  return new Ec2Error({ kind: 'transient', code: 'MalformedResponse', operation, message });
}

function iso(date: Date | undefined): string {
  return (date ?? new Date(0)).toISOString();
}

/**
 * Throws Ec2Error only. The user data and the client token are redacted from error
 * messages, since EC2 echoes parameters in some of them.
 */
export async function runInstance(ctx: GatewayContext, req: RunInstanceRequest): Promise<LaunchedInstance> {
  const input = runInstancesInput(req);
  const secrets = [req.clientToken, ...(typeof input.UserData === 'string' ? [input.UserData] : [])];
  const out = await callEc2({ operation: 'RunInstances', region: req.region, observer: ctx.observer, secrets }, () => ctx.clients.forRegion(req.region).send(new RunInstancesCommand(input)));
  const instance = out.Instances?.[0];
  if (!instance?.InstanceId) throw malformedAnswer('RunInstances', 'the answer names no instance');
  return {
    instanceId: instance.InstanceId,
    zone: instance.Placement?.AvailabilityZone ?? '',
    instanceType: instance.InstanceType ?? String(req.launchSpec['InstanceType']),
    state: instance.State?.Name ?? 'pending',
    launchTime: iso(instance.LaunchTime),
  };
}

/** Instance ids of `batch` that an InvalidInstanceID.* message names. */
function idsNamedIn(message: string, batch: readonly string[]): string[] {
  const words = new Set(message.match(/[\w.-]+/g) ?? []);
  return batch.filter((id) => words.has(id));
}

/**
 * Terminates one batch. EC2 refuses a whole batch when one id is unknown or malformed, so
 * the ids its message names are dropped and the rest retried; when it names none, the batch
 * is halved until single ids remain, and a single unknown id is success.
 */
async function terminateBatch(ctx: GatewayContext, region: string, batch: string[]): Promise<void> {
  if (batch.length === 0) return;
  try {
    const site = { operation: 'TerminateInstances', region, observer: ctx.observer };
    await observedEc2Call(site, () => ctx.clients.forRegion(region).send(new TerminateInstancesCommand({ InstanceIds: batch })));
  } catch (err) {
    const error = toEc2Error(err, 'TerminateInstances');
    if (error.kind !== 'not-found') throw error;
    if (batch.length === 1) return;
    // The SDK's own message: the Ec2Error's is shortened and may have lost ids.
    const gone = idsNamedIn(err instanceof Error ? err.message : '', batch);
    if (gone.length > 0) return terminateBatch(ctx, region, batch.filter((id) => !gone.includes(id)));
    const half = Math.ceil(batch.length / 2);
    await terminateBatch(ctx, region, batch.slice(0, half));
    await terminateBatch(ctx, region, batch.slice(half));
  }
}

export async function terminateInstances(ctx: GatewayContext, region: string, instanceIds: string[]): Promise<void> {
  for (const batch of chunks([...new Set(instanceIds)], TERMINATE_BATCH)) {
    await terminateBatch(ctx, region, batch);
  }
}

function tagsOf(instance: Instance): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const { Key, Value } of instance.Tags ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
  return tags;
}

function snapshot(region: string, instance: Instance): InstanceSnapshot | undefined {
  const state = instance.State?.Name as InstanceState | undefined;
  if (!instance.InstanceId || !state || !STATES.includes(state)) return undefined;
  const reason = instance.StateReason?.Message || instance.StateReason?.Code || undefined;
  return {
    instanceId: instance.InstanceId,
    region,
    zone: instance.Placement?.AvailabilityZone ?? '',
    instanceType: instance.InstanceType ?? '',
    state,
    launchTime: iso(instance.LaunchTime),
    clientToken: instance.ClientToken || undefined,
    imageId: instance.ImageId || undefined,
    tags: tagsOf(instance),
    spot: instance.InstanceLifecycle === 'spot',
    stateReason: reason,
  };
}

/** Reads every page; instances in a state this code does not know are left out. Throws Ec2Error. */
export async function describeInstancesByTag(
  ctx: GatewayContext, region: string, tag: { key: string; value: string }, states?: string[],
): Promise<InstanceSnapshot[]> {
  const Filters: Filter[] = [{ Name: `tag:${tag.key}`, Values: [tag.value] }];
  if (states && states.length > 0) Filters.push({ Name: 'instance-state-name', Values: states });
  return allPages(async (NextToken) => {
    const command = new DescribeInstancesCommand({ Filters, MaxResults: ctx.pageSize, NextToken });
    const out = await callEc2({ operation: 'DescribeInstances', region, observer: ctx.observer }, () => ctx.clients.forRegion(region).send(command));
    const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    const items = instances.map((i) => snapshot(region, i)).filter((s): s is InstanceSnapshot => s !== undefined);
    return { items, nextToken: out.NextToken };
  });
}

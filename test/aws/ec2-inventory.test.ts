// describeInstancesByTag and terminateInstances against moto behind the strict proxy.
import { randomUUID } from 'node:crypto';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { LaunchedInstance } from '../../src/aws/ec2-gateway';
import { listParam } from '../support/ec2-proxy-replies';
import { MOTO_SETUP_TIMEOUT_MS, REGION, builtInLinuxImage, startEc2TestEnv, type Ec2TestEnv } from './ec2-harness';

const PAGE_SIZE = 5;

let env: Ec2TestEnv;
let imageId: string;

beforeAll(async () => {
  env = await startEc2TestEnv({ pageSize: PAGE_SIZE });
  imageId = await builtInLinuxImage(env.direct());
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  await env?.close();
});

beforeEach(() => env.proxy.reset());

async function launch(workerType: string, market: 'spot' | 'on-demand' = 'spot'): Promise<LaunchedInstance> {
  return env.gateway.runInstance({
    region: REGION,
    clientToken: randomUUID(),
    launchSpec: { ImageId: imageId, InstanceType: 't3.small' },
    market,
    tags: { WorkerType: workerType },
  });
}

async function stateOf(instanceId: string): Promise<string | undefined> {
  const out = await env.direct().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

describe('describeInstancesByTag', () => {
  it('reads every page and only the tagged instances', async () => {
    const workerType = `wt-${randomUUID()}`;
    const ours: LaunchedInstance[] = [];
    for (let i = 0; i < 12; i++) ours.push(await launch(workerType, i % 2 === 0 ? 'spot' : 'on-demand'));
    await launch(`${workerType}-other`);
    env.proxy.reset();

    const found = await env.gateway.describeInstancesByTag(REGION, { key: 'WorkerType', value: workerType });
    expect(found.map((i) => i.instanceId).sort()).toEqual(ours.map((i) => i.instanceId).sort());
    // 12 instances at 5 a page.
    expect(env.proxy.counts(REGION).DescribeInstances).toBe(3);
    const first = found.find((i) => i.instanceId === ours[0]?.instanceId);
    expect(first).toEqual({
      instanceId: ours[0]?.instanceId, region: REGION, zone: ours[0]?.zone, instanceType: 't3.small',
      state: 'running', launchTime: ours[0]?.launchTime, clientToken: expect.any(String), imageId,
      tags: { WorkerType: workerType }, spot: true, stateReason: undefined,
    });
    expect(found.filter((i) => i.spot)).toHaveLength(6);
  });

  it('filters by state', async () => {
    const workerType = `wt-${randomUUID()}`;
    const [a, b, c] = [await launch(workerType), await launch(workerType), await launch(workerType)];
    await env.gateway.terminateInstances(REGION, [a.instanceId]);
    const tag = { key: 'WorkerType', value: workerType };
    const live = await env.gateway.describeInstancesByTag(REGION, tag, ['pending', 'running']);
    expect(live.map((i) => i.instanceId).sort()).toEqual([b.instanceId, c.instanceId].sort());
    const gone = await env.gateway.describeInstancesByTag(REGION, tag, ['terminated']);
    expect(gone).toEqual([expect.objectContaining({ instanceId: a.instanceId, state: 'terminated', stateReason: expect.stringContaining('UserInitiatedShutdown') })]);
  });

  it('finds nothing in another region', async () => {
    const workerType = `wt-${randomUUID()}`;
    await launch(workerType);
    await expect(env.gateway.describeInstancesByTag('eu-central-1', { key: 'WorkerType', value: workerType })).resolves.toEqual([]);
    expect(env.proxy.counts('eu-central-1').DescribeInstances).toBe(1);
  });
});

describe('terminateInstances', () => {
  it('is idempotent: terminating twice succeeds', async () => {
    const instance = await launch(`wt-${randomUUID()}`);
    await env.gateway.terminateInstances(REGION, [instance.instanceId]);
    await env.gateway.terminateInstances(REGION, [instance.instanceId]);
    expect(await stateOf(instance.instanceId)).toBe('terminated');
  });

  it('treats unknown and malformed ids as already gone, and still terminates the rest', async () => {
    const instance = await launch(`wt-${randomUUID()}`);
    await env.gateway.terminateInstances(REGION, ['i-0123456789abcdef0']);
    await env.gateway.terminateInstances(REGION, ['i-0123456789abcdef0', instance.instanceId, 'bogus']);
    expect(await stateOf(instance.instanceId)).toBe('terminated');
    // One refused call naming both unknown ids per attempt, then the retry without them.
    expect(env.proxy.counts().TerminateInstances).toBe(3);
  });

  it('splits a refused batch whose error names no id', async () => {
    const ids = (await Promise.all([1, 2, 3, 4].map(() => launch(`wt-${randomUUID()}`)))).map((i) => i.instanceId);
    env.proxy.injectFault({
      action: 'TerminateInstances', code: 'InvalidInstanceID.NotFound', message: 'An instance ID does not exist',
      times: Infinity, match: (params) => listParam(params, 'InstanceId').length > 1,
    });
    await env.gateway.terminateInstances(REGION, [...ids, 'i-00000000000000000']);
    expect(await Promise.all(ids.map(stateOf))).toEqual(['terminated', 'terminated', 'terminated', 'terminated']);
  });

  it('sends at most 1000 ids per call', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
    const sizes: number[] = [];
    env.proxy.injectDelay({ action: 'TerminateInstances', ms: 0, times: Infinity, match: (p) => sizes.push(listParam(p, 'InstanceId').length) > 0 });
    await env.gateway.terminateInstances(REGION, ids);
    expect(sizes).toEqual([1000, 1]);
  });

  it('classifies a throttled terminate and a failure of the whole call', async () => {
    env.proxy.injectFault({ action: 'TerminateInstances', code: 'RequestLimitExceeded', times: 2 });
    await expect(env.gateway.terminateInstances(REGION, ['i-0123456789abcdef0'])).rejects.toMatchObject({
      name: 'Ec2Error', kind: 'throttled', code: 'RequestLimitExceeded', operation: 'TerminateInstances',
    });
    env.proxy.injectFault({ action: 'TerminateInstances', code: 'UnauthorizedOperation', message: 'You are not authorized' });
    await expect(env.gateway.terminateInstances(REGION, ['i-0123456789abcdef0'])).rejects.toMatchObject({ kind: 'permission', code: 'UnauthorizedOperation' });
  });
});

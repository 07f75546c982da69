// A strict in-process EC2 holding many instances, for inventory passes at sizes moto cannot
// serve quickly (10,000 instances). It sits under the real gateway (src/aws/ec2-gateway.ts):
// a real EC2Client whose requests stop before the network, answered here in the SDK's own
// output shapes (Reservations of Instances, NextToken pages). It answers DescribeInstances
// and TerminateInstances only, checks their parameters as EC2 does, and throws EC2's errors:
// any other call, or one EC2 would refuse, fails loudly.
import {
  EC2Client, EC2ServiceException, type DescribeInstancesCommandInput, type DescribeInstancesCommandOutput,
  type Filter, type Instance, type TerminateInstancesCommandInput, type TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import type { Ec2Clients } from '../../src/aws/ec2-clients';
import type { InstanceState } from '../../src/aws/ec2-gateway';

export interface FakeInstance {
  instanceId: string; zone: string; instanceType: string; state: InstanceState; launchTime: Date;
  clientToken?: string; spot: boolean; tags: Record<string, string>;
}

/** EC2's state codes (the low byte of State.Code). */
const STATE_CODES: Record<InstanceState, number> = {
  pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80,
};
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

function ec2Error(name: string, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

function toInstance(i: FakeInstance): Instance {
  return {
    InstanceId: i.instanceId, ImageId: 'ami-0123456789abcdef0', InstanceType: i.instanceType as Instance['InstanceType'],
    LaunchTime: i.launchTime, Placement: { AvailabilityZone: i.zone, Tenancy: 'default' },
    State: { Code: STATE_CODES[i.state], Name: i.state }, ClientToken: i.clientToken ?? '',
    Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
    ...(i.spot ? { InstanceLifecycle: 'spot' as const } : {}),
    ...(i.state === 'terminated' ? { StateReason: { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' } } : {}),
  };
}

function matches(i: FakeInstance, filters: readonly Filter[]): boolean {
  return filters.every((f) => {
    const values = f.Values ?? [];
    if (f.Name === 'instance-state-name') return values.includes(i.state);
    if (f.Name?.startsWith('tag:')) return values.includes(i.tags[f.Name.slice(4)] ?? '\0');
    throw ec2Error('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
  });
}

export class FakeEc2Instances {
  readonly calls: Record<string, number> = {};
  private readonly instances = new Map<string, FakeInstance>();
  /** Page tokens this fake issued, with the offset each resumes at. */
  private readonly tokens = new Map<string, { filters: string; offset: number }>();
  private tokenCounter = 0;

  constructor(readonly region: string) {}

  put(instances: readonly FakeInstance[]): void {
    for (const i of instances) this.instances.set(i.instanceId, { ...i, tags: { ...i.tags } });
  }

  get(instanceId: string): FakeInstance | undefined {
    return this.instances.get(instanceId);
  }

  /** Clients for the real gateway: every region but this one's is refused. */
  clients(): Ec2Clients {
    const client = new EC2Client({ region: this.region, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
    client.middlewareStack.add((_next, context) => async (args) => {
      const output = this.answer(context.commandName ?? '', args.input);
      return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} } as never;
    }, { step: 'initialize', name: 'fakeEc2Instances', priority: 'high' });
    return {
      forRegion: (region) => {
        if (region !== this.region) throw new Error(`fake EC2: no region ${region} here`);
        return client;
      },
      destroy: () => client.destroy(),
    };
  }

  private answer(command: string, input: unknown): object {
    this.calls[command] = (this.calls[command] ?? 0) + 1;
    if (command === 'DescribeInstancesCommand') return this.describe(input as DescribeInstancesCommandInput);
    if (command === 'TerminateInstancesCommand') return this.terminate(input as TerminateInstancesCommandInput);
    throw new Error(`fake EC2: unexpected call ${command}`);
  }

  private describe(input: DescribeInstancesCommandInput): DescribeInstancesCommandOutput {
    const { Filters = [], MaxResults, NextToken, InstanceIds } = input;
    if (InstanceIds && MaxResults !== undefined) throw ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    if (MaxResults !== undefined && (MaxResults < 5 || MaxResults > 1000)) throw ec2Error('InvalidParameterValue', `Value ( ${MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    const filters = JSON.stringify(Filters);
    const resume = NextToken === undefined ? { filters, offset: 0 } : this.tokens.get(NextToken);
    if (!resume || resume.filters !== filters) throw ec2Error('InvalidParameterValue', 'The value passed for the next token is invalid');
    const all = [...this.instances.values()].filter((i) => matches(i, Filters) && (!InstanceIds || InstanceIds.includes(i.instanceId)));
    const size = MaxResults ?? all.length;
    const page = all.slice(resume.offset, resume.offset + size);
    let next: string | undefined;
    if (resume.offset + size < all.length) {
      next = `token-${++this.tokenCounter}`;
      this.tokens.set(next, { filters, offset: resume.offset + size });
    }
    // RunInstances with MinCount = MaxCount = 1 makes a reservation per instance.
    const Reservations = page.map((i) => ({ ReservationId: `r-${i.instanceId.slice(2)}`, OwnerId: '123456789012', Instances: [toInstance(i)] }));
    return { Reservations, NextToken: next, $metadata: {} };
  }

  /** EC2 refuses the whole call when one id is malformed or unknown. */
  private terminate(input: TerminateInstancesCommandInput): TerminateInstancesCommandOutput {
    const ids = input.InstanceIds ?? [];
    if (ids.length === 0) throw ec2Error('MissingParameter', 'The request must contain the parameter InstanceIds');
    if (ids.length > 1000) throw ec2Error('InvalidParameterValue', 'Too many instance ids: at most 1000');
    const malformed = ids.filter((id) => !INSTANCE_ID.test(id));
    if (malformed.length > 0) throw ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${malformed[0]}"`);
    const unknown = ids.filter((id) => !this.instances.has(id));
    if (unknown.length > 0) throw ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
    const TerminatingInstances = ids.map((id) => {
      const i = this.instances.get(id)!;
      const previous = i.state;
      i.state = 'terminated';
      return { InstanceId: id, PreviousState: { Code: STATE_CODES[previous], Name: previous }, CurrentState: { Code: 48, Name: 'terminated' as const } };
    });
    return { TerminatingInstances, $metadata: {} };
  }
}

// Classification of EC2 failures: a table of codes as the SDK delivers them, plus network
// failures and odd values.
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { Ec2Error, toEc2Error, type Ec2ErrorKind } from '../../src/aws/errors';

/** An error as the SDK builds it for an EC2 error body (its `name` is the EC2 code). */
function sdkError(code: string, status = 400, message = `${code} happened`): EC2ServiceException {
  return new EC2ServiceException({
    name: code, $fault: status >= 500 ? 'server' : 'client', message,
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
  });
}

function networkError(code: string, name = 'Error'): Error {
  return Object.assign(new Error(`socket failure ${code}`), { code, name });
}

const table: Array<[string, unknown, Ec2ErrorKind, string]> = [
  ['InsufficientInstanceCapacity', sdkError('InsufficientInstanceCapacity', 500), 'capacity', 'InsufficientInstanceCapacity'],
  ['InsufficientHostCapacity', sdkError('InsufficientHostCapacity', 500), 'capacity', 'InsufficientHostCapacity'],
  ['InsufficientReservedInstanceCapacity', sdkError('InsufficientReservedInstanceCapacity', 500), 'capacity', 'InsufficientReservedInstanceCapacity'],
  ['MaxSpotInstanceCountExceeded', sdkError('MaxSpotInstanceCountExceeded'), 'capacity', 'MaxSpotInstanceCountExceeded'],
  ['SpotMaxPriceTooLow', sdkError('SpotMaxPriceTooLow'), 'capacity', 'SpotMaxPriceTooLow'],
  ['InstanceLimitExceeded', sdkError('InstanceLimitExceeded'), 'capacity', 'InstanceLimitExceeded'],
  ['VcpuLimitExceeded', sdkError('VcpuLimitExceeded'), 'capacity', 'VcpuLimitExceeded'],
  ['Unsupported (type not offered in the zone)', sdkError('Unsupported'), 'capacity', 'Unsupported'],
  ['InsufficientFreeAddressesInSubnet', sdkError('InsufficientFreeAddressesInSubnet'), 'capacity', 'InsufficientFreeAddressesInSubnet'],
  ['a state-reason style code', sdkError('Server.InsufficientInstanceCapacity', 500), 'capacity', 'InsufficientInstanceCapacity'],
  ['RequestLimitExceeded', sdkError('RequestLimitExceeded', 503), 'throttled', 'RequestLimitExceeded'],
  ['Throttling', sdkError('Throttling'), 'throttled', 'Throttling'],
  ['ThrottlingException', sdkError('ThrottlingException'), 'throttled', 'ThrottlingException'],
  ['RequestThrottled', sdkError('RequestThrottled'), 'throttled', 'RequestThrottled'],
  ['an unknown code with HTTP 429', sdkError('SlowDownPlease', 429), 'throttled', 'SlowDownPlease'],
  ['InvalidParameterValue', sdkError('InvalidParameterValue'), 'invalid', 'InvalidParameterValue'],
  ['InvalidParameterCombination', sdkError('InvalidParameterCombination'), 'invalid', 'InvalidParameterCombination'],
  ['InvalidAMIID.NotFound', sdkError('InvalidAMIID.NotFound'), 'invalid', 'InvalidAMIID.NotFound'],
  ['InvalidAMIID.Malformed', sdkError('InvalidAMIID.Malformed'), 'invalid', 'InvalidAMIID.Malformed'],
  ['InvalidKeyPair.NotFound', sdkError('InvalidKeyPair.NotFound'), 'invalid', 'InvalidKeyPair.NotFound'],
  ['InvalidGroup.NotFound', sdkError('InvalidGroup.NotFound'), 'invalid', 'InvalidGroup.NotFound'],
  ['InvalidSubnetID.NotFound', sdkError('InvalidSubnetID.NotFound'), 'invalid', 'InvalidSubnetID.NotFound'],
  ['InvalidInstanceType', sdkError('InvalidInstanceType'), 'invalid', 'InvalidInstanceType'],
  ['UnauthorizedOperation', sdkError('UnauthorizedOperation', 403), 'permission', 'UnauthorizedOperation'],
  ['AuthFailure', sdkError('AuthFailure', 401), 'permission', 'AuthFailure'],
  ['OptInRequired', sdkError('OptInRequired', 401), 'permission', 'OptInRequired'],
  ['an AuthFailure family code', sdkError('AuthFailure.ServiceLinkedRoleCreationNotPermitted', 400), 'permission', 'AuthFailure.ServiceLinkedRoleCreationNotPermitted'],
  ['an unknown code with HTTP 403', sdkError('NotAllowedHere', 403), 'permission', 'NotAllowedHere'],
  ['an unknown code with HTTP 401', sdkError('WhoAreYou', 401), 'permission', 'WhoAreYou'],
  ['IdempotentParameterMismatch', sdkError('IdempotentParameterMismatch'), 'invalid', 'IdempotentParameterMismatch'],
  ['MissingParameter', sdkError('MissingParameter'), 'invalid', 'MissingParameter'],
  ['an unknown code with HTTP 400', sdkError('SomethingNew'), 'invalid', 'SomethingNew'],
  ['InvalidInstanceID.NotFound', sdkError('InvalidInstanceID.NotFound'), 'not-found', 'InvalidInstanceID.NotFound'],
  ['InvalidInstanceID.Malformed', sdkError('InvalidInstanceID.Malformed'), 'not-found', 'InvalidInstanceID.Malformed'],
  ['InternalError', sdkError('InternalError', 500), 'transient', 'InternalError'],
  ['Unavailable', sdkError('Unavailable', 503), 'transient', 'Unavailable'],
  ['ServiceUnavailable', sdkError('ServiceUnavailable', 503), 'transient', 'ServiceUnavailable'],
  ['an unknown code with HTTP 502', sdkError('BadGatewayish', 502), 'transient', 'BadGatewayish'],
  ['a non-XML 500 body', Object.assign(new Error('XML parse error'), { $metadata: { httpStatusCode: 500 } }), 'transient', 'UnknownError'],
  ['ECONNRESET', networkError('ECONNRESET'), 'transient', 'ECONNRESET'],
  ['ECONNREFUSED', networkError('ECONNREFUSED'), 'transient', 'ECONNREFUSED'],
  ['the SDK request timeout', networkError('ETIMEDOUT', 'TimeoutError'), 'transient', 'ETIMEDOUT'],
  ['Pricing ThrottlingException (HTTP 400, as the Price List API answers it)', sdkError('ThrottlingException', 400), 'throttled', 'ThrottlingException'],
  ['Pricing InternalErrorException', sdkError('InternalErrorException', 500), 'transient', 'InternalErrorException'],
  ['Pricing ExpiredNextTokenException (the next attempt starts over)', sdkError('ExpiredNextTokenException'), 'transient', 'ExpiredNextTokenException'],
  ['Pricing InvalidParameterException', sdkError('InvalidParameterException'), 'invalid', 'InvalidParameterException'],
  ['Pricing AccessDeniedException (no pricing:GetProducts)', sdkError('AccessDeniedException', 400), 'permission', 'AccessDeniedException'],
  ['an abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'transient', 'AbortError'],
  ['a string', 'boom', 'transient', 'UnknownError'],
  ['undefined', undefined, 'transient', 'UnknownError'],
];

describe('toEc2Error classifies any thrown value', () => {
  it.each(table)('%s', (_case, err, kind, code) => {
    expect(toEc2Error(err)).toMatchObject({ kind, code });
  });

  it('keeps the AWS message, shortened', () => {
    expect(toEc2Error(sdkError('InvalidParameterValue', 400, 'Value (x) for parameter y is invalid')).message)
      .toBe('InvalidParameterValue: Value (x) for parameter y is invalid');
    expect(toEc2Error(sdkError('InvalidParameterValue', 400, 'z'.repeat(2000))).message.length).toBeLessThan(560);
  });

  it('returns an Ec2Error as it is', () => {
    const err = new Ec2Error({ kind: 'capacity', code: 'SpotMaxPriceTooLow', message: 'too low', operation: 'RunInstances' });
    expect(toEc2Error(err)).toBe(err);
  });
});

describe('toEc2Error', () => {
  it('names the operation and keeps status and request id, not the SDK error', () => {
    const err = toEc2Error(sdkError('InsufficientInstanceCapacity', 500, 'no m5.large capacity'), 'RunInstances');
    expect(err).toBeInstanceOf(Ec2Error);
    expect(err).toMatchObject({
      name: 'Ec2Error', kind: 'capacity', code: 'InsufficientInstanceCapacity', operation: 'RunInstances',
      httpStatus: 500, requestId: 'req-1', message: 'RunInstances: InsufficientInstanceCapacity: no m5.large capacity',
    });
    expect(err.cause).toBeUndefined();
  });

  it('redacts secrets EC2 echoed in a message', () => {
    const err = toEc2Error(sdkError('InvalidParameterValue', 400, 'bad token tok-123 in dXNlcmRhdGE='), 'RunInstances', ['tok-123', 'dXNlcmRhdGE=']);
    expect(err.message).toBe('RunInstances: InvalidParameterValue: bad token [redacted] in [redacted]');
  });

  it('redacts before shortening, so no piece of a secret at the cut survives', () => {
    const secret = 'S3CRETS3CRETS3CRET';
    const err = toEc2Error(sdkError('InvalidParameterValue', 400, `${'x'.repeat(490)}${secret}`), 'RunInstances', [secret]);
    expect(err.message).not.toContain('S3C');
  });
});

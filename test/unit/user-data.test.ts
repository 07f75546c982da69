// User data: counted at any prices, and base64-encoded (with Node's Buffer) only where it
// leaves for EC2.
import { launchSpecWithUserData } from '../../src/aws/user-data';
import { orderedUserData, userDataBytesAtAnyPrice, userDataTextBytes, type UserData } from '../../src/domain/user-data';

const FIELDS: UserData = orderedUserData({
  availabilityZone: 'us-west-2b', capacity: 2, data: { motd: 'grüße' }, instanceType: 'c5.2xlarge',
  lastModified: '2024-05-01T10:00:00.000Z', launchSpecGenerated: '2024-05-02T12:34:56.000Z', price: 1,
  provisionerBaseUrl: 'https://provisioner.example.com/v1', provisionerId: 'p', region: 'us-west-2',
  securityToken: 'Xdv7gKLUTyCw6RXYQUmavw', spotBid: 1, taskclusterRootUrl: 'https://tc.example.com', workerType: 'wt',
});
const textBytes = (fields: UserData) => Buffer.byteLength(JSON.stringify(fields), 'utf8');

describe('userDataBytesAtAnyPrice', () => {
  const widest = 0.0000012345678901234567;
  test.each<[number, number]>([
    [1, 1], [0.5, 0.25], [1 / 3, 2 / 3], [123456.789, 0.00001], [1e-7, 1e21], [0, 5e-324], [widest, widest],
  ])('price %p, spotBid %p: the same count, that of the widest prices', (price, spotBid) => {
    const fields = { ...FIELDS, price, spotBid };
    expect(userDataBytesAtAnyPrice(textBytes(fields), fields)).toBe(textBytes({ ...FIELDS, price: widest, spotBid: widest }));
    expect(userDataBytesAtAnyPrice(textBytes(fields), fields)).toBeGreaterThanOrEqual(textBytes(fields));
  });
});

describe('userDataTextBytes', () => {
  test.each<[string, Record<string, unknown>]>([
    ['empty data', {}], ['ASCII data', { a: 1, b: [true, null] }], ['non-ASCII data', { '東京': '🚀', motd: 'grüße ✓' }],
  ])('%s', (_name, data) => {
    const dataBytes = Buffer.byteLength(JSON.stringify(data), 'utf8');
    expect(userDataTextBytes(FIELDS, dataBytes)).toBe(textBytes({ ...FIELDS, data }));
  });
});

describe('launchSpecWithUserData', () => {
  test.each([
    // RFC 4648 §10 vectors, then two-, three- and four-byte UTF-8 sequences.
    ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foobar', 'Zm9vYmFy'],
    ['é', 'w6k='], ['€', '4oKs'], ['😀', '8J+YgA=='], ['{"a":"ü✓"}', 'eyJhIjoiw7zinJMifQ=='],
  ])('%p -> UserData %p', (text, expected) => {
    expect(launchSpecWithUserData({ launchSpec: { ImageId: 'ami-1' }, userDataText: text })).toStrictEqual({ ImageId: 'ami-1', UserData: expected });
  });

  test('leaves the launch spec it is given unchanged', () => {
    const launchSpec = { ImageId: 'ami-1' };
    launchSpecWithUserData({ launchSpec, userDataText: '{}' });
    expect(launchSpec).toStrictEqual({ ImageId: 'ami-1' });
  });
});

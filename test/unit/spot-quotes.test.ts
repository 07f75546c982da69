// Which spot prices a region's refresh asks for and keeps.
import { highestPrices, instanceTypesUsedIn } from '../../src/domain/spot-quotes';

test('instance types used in a region: sorted, each once, only definitions in that region', () => {
  const definitions = [
    { regions: [{ region: 'us-west-2' }], instanceTypes: [{ instanceType: 'm5.large' }, { instanceType: 'c5.xlarge' }] },
    { regions: [{ region: 'us-west-2' }, { region: 'us-east-1' }], instanceTypes: [{ instanceType: 'm5.large' }] },
    { regions: [{ region: 'us-east-1' }], instanceTypes: [{ instanceType: 't3.small' }] },
  ];
  expect(instanceTypesUsedIn(definitions, 'us-west-2')).toStrictEqual(['c5.xlarge', 'm5.large']);
  expect(instanceTypesUsedIn(definitions, 'eu-west-1')).toStrictEqual([]);
});

test('the highest price per offering in the window, in current zones only', () => {
  const points = [
    { zone: 'a', instanceType: 'm5', price: 0.1 },
    { zone: 'a', instanceType: 'm5', price: 0.3 },
    { zone: 'a', instanceType: 'm5', price: 0.2 },
    { zone: 'b', instanceType: 'm5', price: 0 },
    { zone: 'retired', instanceType: 'm5', price: 9 },
  ];
  expect(highestPrices(points, ['a', 'b'])).toStrictEqual([
    { zone: 'a', instanceType: 'm5', price: 0.3 },
    { zone: 'b', instanceType: 'm5', price: 0 },
  ]);
});

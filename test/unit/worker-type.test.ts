import { capacityOfType, utilityOfType } from '../../src/domain/worker-type';
import { makeInstanceType } from './fixtures/worker-types';

const def = {
  instanceTypes: [
    makeInstanceType('m5.large', { capacity: 3, utility: 1.5 }),
    makeInstanceType('m5.xlarge', { capacity: 6, utility: 2.5 }),
  ],
};

describe('capacityOfType and utilityOfType', () => {
  test.each([
    ['m5.large', 3, 1.5],
    ['m5.xlarge', 6, 2.5],
    // Removed from the definition while instances still run: counts as 1, never throws.
    ['c3.xlarge', 1, 1],
    ['', 1, 1],
  ])('%s -> capacity %p, utility %p', (instanceType, capacity, utility) => {
    expect(capacityOfType(def, instanceType)).toBe(capacity);
    expect(utilityOfType(def, instanceType)).toBe(utility);
  });

  test('an empty instance type list gives 1', () => {
    expect(capacityOfType({ instanceTypes: [] }, 'm5.large')).toBe(1);
    expect(utilityOfType({ instanceTypes: [] }, 'm5.large')).toBe(1);
  });
});

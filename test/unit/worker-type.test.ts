import { capacityOfType } from '../../src/domain/worker-type';
import { makeInstanceType } from './fixtures/worker-types';

const def = {
  instanceTypes: [
    makeInstanceType('m5.large', { capacity: 3, utility: 1.5 }),
    makeInstanceType('m5.xlarge', { capacity: 6, utility: 2.5 }),
  ],
};

describe('capacityOfType', () => {
  test.each([
    ['m5.large', 3],
    ['m5.xlarge', 6],
    // Removed from the definition while instances still run: counts as 1, never throws.
    ['c3.xlarge', 1],
    ['', 1],
  ])('%s -> capacity %p', (instanceType, capacity) => {
    expect(capacityOfType(def, instanceType)).toBe(capacity);
  });

  test('an empty instance type list gives 1', () => {
    expect(capacityOfType({ instanceTypes: [] }, 'm5.large')).toBe(1);
  });
});

import { inParallel } from '../../src/worker/in-parallel';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test.each([[1, 1], [3, 3], [8, 5]])('at most %i in flight over 5 items (peak %i), each item once', async (limit, peak) => {
  let inFlight = 0;
  let highest = 0;
  const seen: number[] = [];
  await inParallel([1, 2, 3, 4, 5], limit, async (n) => {
    inFlight++;
    highest = Math.max(highest, inFlight);
    await tick();
    seen.push(n);
    inFlight--;
  });
  expect(highest).toBe(peak);
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
});

test('the first failure is thrown after the calls in flight end, and no item starts after it', async () => {
  const started: number[] = [];
  let ended = 0;
  const run = inParallel([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    await tick();
    ended++;
    if (n === 2) throw new Error('Temporal is unavailable');
  });
  await expect(run).rejects.toThrow('Temporal is unavailable');
  expect(started).toEqual([1, 2, 3]); // item 1's lane took 3 before item 2 failed
  expect(ended).toBe(started.length);
});

test('no items: nothing is called', async () => {
  const step = jest.fn(async () => {});
  await inParallel([], 4, step);
  expect(step).not.toHaveBeenCalled();
});

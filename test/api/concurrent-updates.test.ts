// Concurrent updateWorkerType calls through the real taskcluster-client: each is merged onto
// the definition the others left (compare-and-set on the revision), or refused with a 409.
import { workerTypeDefinition } from '../support/fixtures';
import { PARTIAL_CHANGES, partialUpdates } from '../support/partial-updates';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

test('ten concurrent updates of different fields: every stored one survives, the refused ones got 409', async () => {
  const p = h.provisioner();
  await p.createWorkerType('contended', workerTypeDefinition());
  const bodies = partialUpdates(10, (i) => ({ description: `update ${i}` }));
  const outcomes = await Promise.allSettled(bodies.map((body) => p.updateWorkerType('contended', body)));
  const final = await p.workerType('contended');
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'rejected') {
      expect(await failure(Promise.reject(outcome.reason))).toMatchObject({ status: 409, code: 'RequestConflict' });
    } else if (i < PARTIAL_CHANGES.length) {
      expect(final).toMatchObject(PARTIAL_CHANGES[i]!);
    }
  }
  const stored = outcomes.filter((o) => o.status === 'fulfilled').length;
  expect(stored).toBeGreaterThan(0);
  const { revision } = await h.db.workerType.findUniqueOrThrow({ where: { name: 'contended' } });
  expect(revision).toBe(1 + stored);
});

test('two concurrent updates of different fields both survive', async () => {
  const p = h.provisioner();
  await p.createWorkerType('pair', workerTypeDefinition());
  const [first, second] = partialUpdates(2, () => ({}));
  await Promise.all([p.updateWorkerType('pair', first), p.updateWorkerType('pair', second)]);
  expect(await p.workerType('pair')).toMatchObject({ ...PARTIAL_CHANGES[0], ...PARTIAL_CHANGES[1] });
});

test('an update that keeps losing the race is a 409 naming the reason, and stores nothing', async () => {
  const p = h.provisioner();
  await p.createWorkerType('always-moving', workerTypeDefinition());
  // Another writer bumps the revision after every read this update makes.
  const { workerTypes } = h.services;
  const getVersioned = workerTypes.getVersioned.bind(workerTypes);
  workerTypes.getVersioned = async (name) => {
    const read = await getVersioned(name);
    await h.db.workerType.update({ where: { name }, data: { revision: { increment: 1 } } });
    return read;
  };
  try {
    const err = await failure(p.updateWorkerType('always-moving', workerTypeDefinition({ maxCapacity: 3 })));
    expect(err).toMatchObject({ status: 409, code: 'RequestConflict' });
    expect(err.message).toContain('concurrent updates');
  } finally {
    workerTypes.getVersioned = getVersioned;
  }
  expect((await p.workerType('always-moving')).maxCapacity).toBe(20);
});

import {
  DECLARATION_LIFETIME_MS, nextDeclarationAt, REDECLARE_AFTER_FAILURE_MS, REDECLARE_AFTER_MS, workerTypeDeclaration,
} from '../../src/domain/queue-declaration';

const HOUR = 3_600_000;

describe('workerTypeDeclaration', () => {
  test('is the description, then the owner, expiring 36 hours from now, as the original declared it', () => {
    const now = new Date('2026-12-01T10:00:00.000Z');
    expect(workerTypeDeclaration({ description: 'Builds Firefox', owner: 'releng@example.com' }, 'stable', now)).toEqual({
      stability: 'stable', description: 'Builds Firefox\n\nOwner: releng@example.com', expires: '2026-12-02T22:00:00.000Z',
    });
    expect(DECLARATION_LIFETIME_MS).toBe(36 * HOUR);
  });

  test('carries exactly the keys the Queue accepts', () => {
    const body = workerTypeDeclaration({ description: '', owner: '' }, 'experimental', new Date(0));
    expect(Object.keys(body).sort()).toEqual(['description', 'expires', 'stability']);
  });
});

describe('nextDeclarationAt', () => {
  const now = 1_000 * HOUR;
  const NOT_OWED = Number.MAX_SAFE_INTEGER;
  test.each([
    // outcome, owed (due time set while it ran), expected
    ['declared', NOT_OWED, now + 24 * HOUR],
    ['gone', NOT_OWED, now + 24 * HOUR],
    ['failed', NOT_OWED, now + HOUR],
    // A definition change during the declaration (owed at once) is kept: declared again now.
    ['declared', 0, 0],
    ['failed', 0, 0],
    // An owed time later than the next daily one does not postpone it.
    ['declared', now + 48 * HOUR, now + 24 * HOUR],
  ] as const)('after %s with %p owed: %p', (outcome, owed, expected) => {
    expect(nextDeclarationAt(outcome, now, owed)).toBe(expected);
  });

  test('daily, and an hour after a failure', () => {
    expect([REDECLARE_AFTER_MS, REDECLARE_AFTER_FAILURE_MS]).toEqual([24 * HOUR, HOUR]);
  });
});

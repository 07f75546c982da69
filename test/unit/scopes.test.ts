import { expandScopeTemplate, satisfiesScopes, ScopeTemplateError, scopeMatches } from '../../src/domain/scopes';

describe('scopeMatches', () => {
  test.each([
    ['a:b', 'a:b', true],
    ['a:b', 'a:c', false],
    ['a:b', 'a:bc', false],
    ['a:bc', 'a:b', false],
    ['*', 'anything:at:all', true],
    ['*', '', true],
    ['a:*', 'a:', true],
    ['a:*', 'a:b:c', true],
    ['a:*', 'a', false],
    ['a:*', 'b:a:', false],
    ['a:b*', 'a:bc', true],
    ['a:b*', 'a:b', true],
    ['a:b*', 'a:c', false],
    // A `*` in the needed scope is a literal character.
    ['a:b', 'a:*', false],
    ['a:b', '*', false],
    ['a:*', 'a:*', true],
    ['a:**', 'a:*', true],
    ['a:**', 'a:b', false],
    ['', '', true],
    ['', 'a', false],
    ['A:b', 'a:b', false],
  ])('have %p need %p -> %p', (have, need, expected) => {
    expect(scopeMatches(have, need)).toBe(expected);
  });
});

describe('satisfiesScopes', () => {
  const manage = 'aws-provisioner:manage-worker-type:wt';
  test.each<[string[], string[][], boolean]>([
    [[], [], true],
    [['x'], [], true],
    [[], [[]], true],
    [[], [[manage]], false],
    [[manage], [[manage]], true],
    [['aws-provisioner:manage-worker-type:*'], [[manage]], true],
    [['aws-provisioner:manage-worker-type:w*'], [[manage]], true],
    [['aws-provisioner:manage-worker-type:x*'], [[manage]], false],
    // All of one inner list.
    [['a'], [['a', 'b']], false],
    [['a', 'b'], [['a', 'b']], true],
    [['*'], [['a', 'b']], true],
    // Any of the inner lists.
    [['b'], [['a'], ['b']], true],
    [['c'], [['a'], ['b']], false],
    [['a'], [['a', 'b'], ['c']], false],
    [['c'], [['a', 'b'], ['c']], true],
  ])('have %p need %p -> %p', (have, need, expected) => {
    expect(satisfiesScopes(have, need)).toBe(expected);
  });
});

describe('expandScopeTemplate', () => {
  test.each<[string, Record<string, string>, string]>([
    ['aws-provisioner:manage-worker-type:<workerType>', { workerType: 'wt-1' }, 'aws-provisioner:manage-worker-type:wt-1'],
    ['a:<x>:<y>:<x>', { x: '1', y: '2' }, 'a:1:2:1'],
    ['no:placeholders', { unused: 'v' }, 'no:placeholders'],
    ['a:<x>', { x: '' }, 'a:'],
    ['a:<not a name>', {}, 'a:<not a name>'],
  ])('%p with %p -> %p', (template, params, expected) => {
    expect(expandScopeTemplate(template, params)).toBe(expected);
  });

  test.each<[string, Record<string, string>, string]>([
    ['a:<workerType>', {}, 'workerType'],
    ['a:<workerType>', { workertype: 'wt' }, 'workerType'],
    ['a:<x>:<y>', { x: '1' }, 'y'],
    // Inherited properties are not values.
    ['a:<constructor>', {}, 'constructor'],
    ['a:<toString>', {}, 'toString'],
    ['a:<workerType>', Object.create({ workerType: 'inherited' }) as Record<string, string>, 'workerType'],
  ])('%p with %p throws for the missing %p', (template, params, param) => {
    let thrown: unknown;
    try {
      expandScopeTemplate(template, params);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ScopeTemplateError);
    expect(thrown).toMatchObject({ code: 'ScopeTemplateError', param, template });
  });
});

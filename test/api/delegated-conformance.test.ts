// The taskcluster-client 1.6.3 conformance tests of worker types, AMI sets and secrets, run a
// second time with every signature checked by TaskCluster's Auth service, as the API runs in a
// TaskCluster deployment (AUTH_MODE=taskcluster): the strict authenticateHawk stand-in knows
// `root` and the clients the tests add (test/support/api-harness.ts, TEST_AUTH_MODE).
// Required, not imported: the mode must be set before the files register their tests.
process.env.TEST_AUTH_MODE = 'taskcluster';
afterAll(() => { delete process.env.TEST_AUTH_MODE; });

jest.setTimeout(120_000);

describe('worker types', () => { require('./worker-types.test'); });
describe('AMI sets', () => { require('./ami-sets.test'); });
describe('secrets', () => { require('./secrets.test'); });

// Offline checks of docker-compose.yml and the Dockerfile it builds (no Docker engine is
// needed): the compose-spec JSON schema, pinned images, the provisioner's environment
// against src/config.ts, dependencies between services, and the Temporal namespace job.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config';
import { searchAttributeCliTypes } from '../../src/temporal/search-attributes';
import { SHUTDOWN_FORCE_MARGIN_MS } from '../../src/worker/shutdown';
import { containerEnvironment, interpolate, type ShellEnv } from './compose-interpolation';
import { composeValidator, type ComposeFile, type Service } from './compose-schema';

const ROOT = path.join(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

/** What an operator must export: one valid value per `${VAR:?...}` reference of the file. */
const REQUIRED_VARIABLES: ShellEnv = {
  ROOT_ACCESS_TOKEN: 'placeholder-root-access-token-0123456789',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  TASKCLUSTER_ROOT_URL: 'https://tc.example.com',
  PUBLIC_URL: 'https://provisioner.example.com',
  POSTGRES_PASSWORD: 'placeholder-postgres-password',
  PROVISIONER_DB_PASSWORD: 'placeholder-provisioner-password',
};

/** Variables src/config.ts reads that the compose file deliberately leaves out, and why. */
const NOT_PASSED = {
  DATA_DIR: 'dev mode only',
  DEV_QUEUE_PORT: 'dev mode only',
  DEV_TEMPORAL_PORT: 'dev mode only',
  DEV_TEMPORAL_UI_PORT: 'dev mode only',
  AWS_PROFILE: 'needs a mounted credentials file',
  AWS_WEB_IDENTITY_TOKEN_FILE: 'needs a mounted token file',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'set by a container platform, not by compose',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: 'set by a container platform, not by compose',
};

const PROVISIONER_SERVICES = ['api', 'worker'] as const;

const raw = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
const resolved = interpolate(raw, REQUIRED_VARIABLES).value;
const service = (name: string): Service => {
  const found = resolved.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};
/** A compose duration (`60s`, `1m30s`, `500ms`) in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, ns: 1e-6 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a compose duration: "${text}"`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}
const script = (svc: Service): string => [svc.entrypoint, svc.command].flat().filter(Boolean).join(' ');

describe('docker-compose.yml against the compose specification', () => {
  const validate = composeValidator();

  test('validates against the compose-spec JSON schema', () => {
    expect(validate(resolved)).toEqual([]);
  });

  test.each([
    ['an unknown service key', (d: ComposeFile) => Object.assign(d.services.api!, { restart_policy: 'always' })],
    ['an unknown depends_on condition', (d: ComposeFile) => Object.assign(d.services.temporal!, { depends_on: { 'temporal-schema': { condition: 'service_done' } } })],
    ['a healthcheck interval that is not a duration', (d: ComposeFile) => Object.assign(d.services.temporal!, { healthcheck: { test: ['CMD', 'true'], interval: '5 seconds' } })],
    ['a port bound to a host name', (d: ComposeFile) => Object.assign(d.services.api!, { ports: ['localhost:5557:5557'] })],
  ])('rejects the file with %s', (_what, mutate) => {
    const copy = structuredClone(resolved);
    mutate(copy);
    expect(validate(copy)).not.toEqual([]);
  });

  test('every service names an image to pull or a build', () => {
    for (const [name, svc] of Object.entries(resolved.services)) {
      expect({ name, ok: Boolean(svc.image || svc.build) }).toEqual({ name, ok: true });
    }
  });

  test('every $ in the file is an escape ($$) or a reference to a variable that is set', () => {
    // A shell `$var` left unescaped would be replaced by compose (with "" when unset).
    expect([...interpolate(raw, REQUIRED_VARIABLES).unsetPlain]).toEqual([]);
  });
});

describe('images', () => {
  const images = Object.entries(resolved.services).map(([name, svc]) => ({ name, image: svc.image ?? '', built: Boolean(svc.build) }));

  test.each(images.filter((i) => !i.built))('$name pulls a pinned image ($image)', ({ image }) => {
    const match = /^(?<repo>[^:@]+(?::\d+\/[^:@]+)?)(?::(?<tag>[\w][\w.-]*))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$/.exec(image);
    expect(match).not.toBeNull();
    const { tag, digest } = match!.groups!;
    expect(tag ?? digest).toBeDefined();
    expect(tag).not.toBe('latest');
    // A bare major version (postgres:16) moves; pin at least major.minor.
    if (!digest) expect(tag).toMatch(/^\d+\.\d+/);
  });

  test('Temporal server and admin-tools (schema and namespace jobs) are the same release', () => {
    const version = (svc: string) => service(svc).image!.split(':')[1];
    expect(version('temporal-schema')).toBe(version('temporal'));
    expect(version('temporal-namespace')).toBe(version('temporal'));
  });

  test('the provisioner image is built from the Dockerfile, under one local tag', () => {
    for (const name of PROVISIONER_SERVICES) {
      expect(service(name).build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(service(name).image).toMatch(/^[a-z0-9-]+:(?!latest$)[\w.-]+$/);
    }
    expect(service('api').image).toBe(service('worker').image);
  });

  test('the Dockerfile pins its base image, runs as node and carries what the roles load at start', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    for (const from of dockerfile.match(/^FROM .*$/gm) ?? []) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/prisma\/migrations prisma\/migrations$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist dist$/m);
    expect(dockerfile).toContain('CMD ["node", "dist/src/main.js", "api"]');
  });

  test('every file the build stage copies from the context passes .dockerignore (an allow-list)', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const allowed = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n')
      .filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = (dockerfile.match(/^COPY (?!--from)(.+) \S+$/gm) ?? []).flatMap((l) => l.slice(5).split(' ').slice(0, -1));
    expect(sources).toContain('scripts/bundle-workflows.js');
    for (const source of sources) {
      expect({ source, allowed: allowed.includes(source.replace(/\/$/, '')) }).toEqual({ source, allowed: true });
      expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
    }
  });

  test('the image is built with its workflow bundle and only its own platform\'s Temporal core bridge', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS runtime'));
    expect(build).toMatch(/RUN npm run build/);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.build).toMatch(/&& node scripts\/bundle-workflows\.js$/);
    expect(build).toContain('test -f dist/workflow-bundle.js');
    expect(build).toMatch(/own="\$\(uname -m\)-unknown-linux-gnu"/);
    expect(build).toMatch(/find node_modules\/@temporalio\/core-bridge\/releases -mindepth 1 -maxdepth 1 ! -name "\$own" -exec rm -rf \{\} \+/);
    // The platform this machine builds for has its binary under exactly that name.
    const own = `${{ x64: 'x86_64', arm64: 'aarch64' }[process.arch as 'x64' | 'arm64']}-unknown-linux-gnu`;
    expect(fs.existsSync(path.join(ROOT, 'node_modules/@temporalio/core-bridge/releases', own))).toBe(true);
  });
});

describe('the provisioner services', () => {
  test.each(PROVISIONER_SERVICES)('%s gets a configuration src/config.ts accepts in production mode', (name) => {
    const env = containerEnvironment(service(name).environment, {});
    let config;
    try {
      config = loadConfig(env, 'production');
    } catch (err) {
      throw err instanceof ConfigError ? new Error(`${name}: ${err.message}`) : err;
    }
    expect(config.databaseUrl).toMatch(/^postgresql:\/\/provisioner:.+@postgresql:5432\/provisioner$/);
    expect(config.temporal).toEqual({ address: 'temporal:7233', namespace: 'default' });
    expect(config.publicUrl).toBe(REQUIRED_VARIABLES.PUBLIC_URL);
    expect(config.taskclusterRootUrl).toBe(REQUIRED_VARIABLES.TASKCLUSTER_ROOT_URL);
    expect(config.rootAccessToken).toBe(REQUIRED_VARIABLES.ROOT_ACCESS_TOKEN);
    expect(config.secretsKey).toEqual(Buffer.alloc(32, 7));
  });

  test('compose refuses to start without the required variables, naming each', () => {
    const { missingRequired } = interpolate(raw, {});
    expect([...missingRequired.keys()].sort()).toEqual(Object.keys(REQUIRED_VARIABLES).sort());
    for (const [name, message] of missingRequired) expect({ name, message: message.length > 10 }).toEqual({ name, message: true });
  });

  test('without them, src/config.ts would reject the configuration', () => {
    const env = containerEnvironment(interpolate(raw, {}).value.services.api!.environment, {});
    for (const [key, value] of Object.entries(env)) if (value === '') delete env[key];
    expect(() => loadConfig(env, 'production')).toThrow(ConfigError);
  });

  test('every other variable src/config.ts reads is passed through from the shell', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
    const read = new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g), ...source.matchAll(/\bread\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(10);
    for (const name of PROVISIONER_SERVICES) {
      const declared = Object.keys(raw.services[name]!.environment as Record<string, unknown>);
      const missing = [...read].filter((v) => !declared.includes(v) && !(v in NOT_PASSED));
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });

  test('AWS credentials are passed through, not written into the file', () => {
    for (const name of PROVISIONER_SERVICES) {
      const env = raw.services[name]!.environment as Record<string, unknown>;
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) expect({ key, value: env[key] }).toEqual({ key, value: null });
    }
  });

  test('the worker is killed only after its shutdown grace period and force margin are over', () => {
    const config = loadConfig(containerEnvironment(service('worker').environment, {}), 'production');
    expect(config.timing.workerShutdownGraceMs).toBe(30_000);
    const stopGrace = service('worker').stop_grace_period;
    expect(stopGrace).toBeDefined();
    expect(durationMs(stopGrace!)).toBeGreaterThan(config.timing.workerShutdownGraceMs + SHUTDOWN_FORCE_MARGIN_MS);
    expect([durationMs('1m30s'), durationMs('60s'), durationMs('500ms')]).toEqual([90_000, 60_000, 500]);
  });

  test('api runs the api role on the published port 5557; worker runs the worker role', () => {
    expect(service('api').command).toEqual(['node', 'dist/src/main.js', 'api']);
    expect(service('api').ports).toContain('5557:5557');
    expect(service('worker').command).toEqual(['node', 'dist/src/main.js', 'worker']);
    expect(service('worker').ports).toBeUndefined();
  });
});

describe('dependencies and jobs', () => {
  const edges = Object.entries(resolved.services).flatMap(([from, svc]) => {
    const deps = svc.depends_on ?? [];
    return Array.isArray(deps)
      ? deps.map((to) => ({ from, to, condition: 'service_started' }))
      : Object.entries(deps).map(([to, { condition }]) => ({ from, to, condition }));
  });

  test('depends_on targets exist, have a healthcheck when waited on for health, and form no cycle', () => {
    for (const { from, to, condition } of edges) {
      const target = resolved.services[to];
      expect({ from, to, exists: Boolean(target) }).toEqual({ from, to, exists: true });
      if (condition === 'service_healthy') expect({ to, healthcheck: Boolean(target?.healthcheck?.test) }).toEqual({ to, healthcheck: true });
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...trail, name].join(' -> ')}`);
      visiting.add(name);
      for (const e of edges.filter((edge) => edge.from === name)) visit(e.to, [...trail, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(resolved.services)) visit(name, []);
  });

  test('jobs waited on for completion stop restarting once they succeed', () => {
    const jobs = new Set(edges.filter((e) => e.condition === 'service_completed_successfully').map((e) => e.to));
    expect([...jobs].sort()).toEqual(['provisioner-database', 'temporal-namespace', 'temporal-schema']);
    for (const job of jobs) expect({ job, restart: service(job).restart ?? 'no' }).toEqual({ job, restart: expect.stringMatching(/^(no|on-failure(:\d+)?)$/) });
  });

  test('the provisioner waits for its database and the namespace job; Temporal for its schema', () => {
    const waitsFor = (from: string) => Object.fromEntries(edges.filter((e) => e.from === from).map((e) => [e.to, e.condition]));
    for (const name of PROVISIONER_SERVICES) {
      expect(waitsFor(name)).toMatchObject({
        postgresql: 'service_healthy',
        'provisioner-database': 'service_completed_successfully',
        'temporal-namespace': 'service_completed_successfully',
      });
    }
    expect(waitsFor('temporal')).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(waitsFor('temporal-namespace')).toEqual({ temporal: 'service_healthy' });
  });

  test('the namespace job registers every custom search attribute in the provisioner\'s namespace', () => {
    const job = service('temporal-namespace');
    const text = script(job).replace(/\\\n\s*/g, ' ');
    const namespace = containerEnvironment(job.environment, {}).NAMESPACE;
    expect(namespace).toBe(containerEnvironment(service('worker').environment, {}).TEMPORAL_NAMESPACE);
    const create = /temporal operator search-attribute create --namespace "\$NAMESPACE"((?:\s+--name \w+ --type \w+)+)/.exec(text);
    expect(create).not.toBeNull();
    const registered = Object.fromEntries([...create![1]!.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => [m[1], m[2]]));
    expect(registered).toEqual(searchAttributeCliTypes());
    expect(registered).toEqual({ WorkerType: 'Keyword', Region: 'Keyword' });
    expect(text).toMatch(/temporal operator namespace create --namespace "\$NAMESPACE"/);
  });

  test('PostgreSQL keeps its data in a named volume', () => {
    expect(service('postgresql').image).toMatch(/^postgres:/);
    expect((service('postgresql') as { volumes?: string[] }).volumes).toContain('postgresql-data:/var/lib/postgresql/data');
    expect(resolved.volumes).toHaveProperty('postgresql-data');
  });

  test('the Temporal frontend and Web UI are published on loopback only', () => {
    expect(service('temporal').ports).toEqual(['127.0.0.1:7233:7233']);
    expect(service('temporal-ui').ports).toEqual(['127.0.0.1:8080:8080']);
  });
});

// Debian's docker-compose (v1) parses and checks the file too, where it is installed
// (`apt-get install docker-compose`). It is optional: the schema test above always runs.
const composeV1 = (() => {
  const found = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
})();
if (!composeV1) process.stderr.write('compose-file.test: docker-compose not installed; skipping `docker-compose config`\n');

(composeV1 ? describe : describe.skip)(`docker-compose ${composeV1 ?? '(absent)'} config`, () => {
  const run = (env: ShellEnv) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    const envFile = path.join(dir, 'empty.env');
    fs.writeFileSync(envFile, '');
    try {
      return spawnSync('docker-compose', ['--env-file', envFile, '-f', COMPOSE_FILE, 'config', '--quiet'], {
        encoding: 'utf8', env: { PATH: process.env.PATH, ...env },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test('accepts the file when the required variables are set', () => {
    const result = run(REQUIRED_VARIABLES);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('refuses it when one is missing', () => {
    const { SECRETS_KEY: _omitted, ...rest } = REQUIRED_VARIABLES;
    const result = run(rest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SECRETS_KEY');
  });
});

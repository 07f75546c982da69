// A throwaway RabbitMQ (Debian's `rabbitmq-server`) for tests, next to any other: its own
// epmd on a free port (run as our child, not as a daemon, so it dies with the test), its own
// node name, AMQP and distribution ports, Erlang cookie (HOME), config, data and log
// directories under os.tmpdir(). The broker is slow to boot (Erlang): start it once per file.
//
// Contract: startRabbitMq() resolves once the broker accepts AMQP connections as guest.
// halt() stops the broker (a clean shutdown: durable exchanges and queues and persistent
// messages survive) and restart() starts it again on the same data, port and node name, for
// outage tests. stop() ends everything and deletes the directory. When RabbitMQ is missing
// and we are root, Debian's `rabbitmq-server` package is installed first.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { startChild, type RunningChild } from '../../src/dev/child-process';
import { findFreePort } from './postgres-server';

export interface RabbitMqServer {
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  halt(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The real start script: /usr/sbin/rabbitmq-server is a wrapper that switches to the `rabbitmq` user. */
const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const EPMD_CANDIDATES = ['/usr/bin/epmd', '/usr/lib/erlang/bin/epmd'];
const STARTUP_TIMEOUT_MS = 180_000;

function findEpmd(): string | undefined {
  return EPMD_CANDIDATES.find((file) => fs.existsSync(file));
}

function ensureInstalled(log: (msg: string) => void): string {
  if (fs.existsSync(SERVER) && findEpmd()) return findEpmd()!;
  if (process.getuid?.() !== 0) throw new Error('RabbitMQ is not installed and installing it needs root: install the `rabbitmq-server` package');
  log('RabbitMQ not found; installing the Debian package `rabbitmq-server`');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Other test runs may hold the dpkg lock for a while: wait for it rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  execFileSync('apt-get', [...lock, 'update'], { env, stdio: 'inherit' });
  execFileSync('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'rabbitmq-server'], { env, stdio: 'inherit' });
  const epmd = findEpmd();
  if (!fs.existsSync(SERVER) || !epmd) throw new Error(`installed \`rabbitmq-server\` but ${SERVER} or epmd is still missing`);
  return epmd;
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function acceptsAmqp(url: string): Promise<boolean> {
  const connection = await amqp.connect(url, { timeout: 2_000 });
  await connection.close();
  return true;
}

export async function startRabbitMq(log: (msg: string) => void = () => undefined): Promise<RabbitMqServer> {
  const epmdBinary = ensureInstalled(log);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioner-rabbitmq-'));
  const [port, distPort, epmdPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  fs.writeFileSync(path.join(base, 'rabbitmq.conf'), [
    `listeners.tcp.default = 127.0.0.1:${port}`, 'loopback_users = none', 'log.console = true', 'log.console.level = warning',
    'log.file = false', '',
  ].join('\n'));
  fs.writeFileSync(path.join(base, 'enabled_plugins'), '[].\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOME: base, ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `test-${randomBytes(4).toString('hex')}@localhost`, RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port), RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: path.join(base, 'rabbitmq.conf'), RABBITMQ_ENABLED_PLUGINS_FILE: path.join(base, 'enabled_plugins'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(base, 'advanced.config'), RABBITMQ_CONF_ENV_FILE: path.join(base, 'rabbitmq-env.conf'),
    RABBITMQ_MNESIA_BASE: path.join(base, 'mnesia'), RABBITMQ_LOG_BASE: path.join(base, 'log'),
  };
  const epmd = await startChild({
    name: 'epmd', command: epmdBinary, args: ['-port', String(epmdPort)], env,
    ready: () => portAccepts(epmdPort), startupTimeoutMs: 10_000, stopTimeoutMs: 2_000,
  });
  const startBroker = () => startChild({
    name: 'rabbitmq-server', command: SERVER, args: [], env,
    ready: () => acceptsAmqp(url), startupTimeoutMs: STARTUP_TIMEOUT_MS, stopTimeoutMs: 30_000,
  });
  let broker: RunningChild | undefined;
  try {
    broker = await startBroker();
  } catch (err) {
    await epmd.stop();
    fs.rmSync(base, { recursive: true, force: true });
    throw err;
  }
  log(`RabbitMQ listening on 127.0.0.1:${port}`);
  return {
    url,
    halt: async () => {
      await broker?.stop();
      broker = undefined;
    },
    restart: async () => {
      broker ??= await startBroker();
    },
    stop: async () => {
      try {
        await broker?.stop();
        await epmd.stop();
      } finally {
        broker = undefined;
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
}

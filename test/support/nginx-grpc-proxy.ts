// A real gRPC proxy in front of a Temporal dev server, as operators run one (nginx from
// Debian, `grpc_pass`): plain, or TLS-terminating with client certificates and an API key,
// and able to answer one gRPC method itself with an error status, as a server that refuses
// it would (Temporal Cloud answers the OperatorService's AddSearchAttributes with
// PERMISSION_DENIED).
//
// Contract: startNginxGrpcProxy() resolves once nginx accepts connections; stop() ends it and
// deletes its temp directory. nginx runs in the foreground as a child of its own (its own
// config, prefix, pid and temp files under os.tmpdir()); nothing else is touched except, when
// nginx is missing, installing Debian's `nginx` package (root only).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startChild } from '../../src/dev/child-process';
import { findFreePort } from './postgres-server';

const NGINX = '/usr/sbin/nginx';

/** gRPC status codes the proxy answers with (google.rpc.Code). */
export const GRPC_STATUS = { PERMISSION_DENIED: 7, UNAUTHENTICATED: 16 } as const;

export interface RefusedMethod {
  /** Full gRPC path, e.g. `/temporal.api.operatorservice.v1.OperatorService/AddSearchAttributes`. */
  path: string;
  status: number;
  message: string;
}

export interface NginxGrpcProxyOptions {
  /** host:port of the plain gRPC upstream (the dev server's frontend). */
  upstream: string;
  /** TLS with these server files; client certificates signed by `clientCa` are required. */
  tls?: { cert: string; key: string; clientCa: string };
  /** Every request must carry `authorization: Bearer <apiKey>`; others get UNAUTHENTICATED. */
  apiKey?: string;
  refuse?: RefusedMethod[];
}

export interface NginxGrpcProxy {
  address: string;
  /** Every line nginx wrote to its error log (stderr). */
  log: string[];
  stop(): Promise<void>;
}

function ensureNginxInstalled(): void {
  if (fs.existsSync(NGINX)) return;
  if (process.getuid?.() !== 0) throw new Error(`nginx (${NGINX}) was not found and installing it needs root: install the \`nginx\` package`);
  process.stderr.write('nginx not found; installing the Debian package `nginx`\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { env, stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx'], { env, stdio: 'inherit' });
  if (!fs.existsSync(NGINX)) throw new Error(`installed \`nginx\` but ${NGINX} is still missing`);
}

/** A gRPC error in a trailers-only answer: HTTP 200 whose headers carry grpc-status and grpc-message. */
function grpcError(status: number, message: string): string {
  return `default_type application/grpc; add_header grpc-status ${status} always; add_header grpc-message "${message}" always; return 200;`;
}

export function nginxConfig(dir: string, port: number, options: NginxGrpcProxyOptions): string {
  const tls = options.tls;
  const refusals = (options.refuse ?? []).map((r) => `    location = ${r.path} { ${grpcError(r.status, r.message)} }`);
  // `if` with `return` is the one safe use of `if` in a location; 418 is only an internal hop
  // to the named location that answers the gRPC error.
  const keyCheck = options.apiKey ? `      if ($http_authorization != "Bearer ${options.apiKey}") { return 418; }` : '';
  return `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 64m;
  keepalive_timeout 600s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port}${tls ? ' ssl' : ''} http2;
${tls ? `    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    ssl_client_certificate ${tls.clientCa};
    ssl_verify_client on;
    error_page 495 496 = @badcert;
    location @badcert { ${grpcError(GRPC_STATUS.UNAUTHENTICATED, 'client certificate refused')} }` : ''}
    error_page 418 = @badkey;
    location @badkey { ${grpcError(GRPC_STATUS.UNAUTHENTICATED, 'invalid API key')} }
${refusals.join('\n')}
    location / {
${keyCheck}
      grpc_pass grpc://${options.upstream};
      grpc_read_timeout 300s;
      grpc_send_timeout 300s;
    }
  }
}
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export async function startNginxGrpcProxy(options: NginxGrpcProxyOptions): Promise<NginxGrpcProxy> {
  ensureNginxInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-grpc-'));
  const port = await findFreePort();
  const configFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(configFile, nginxConfig(dir, port, options));
  const log: string[] = [];
  try {
    execFileSync(NGINX, ['-t', '-p', dir, '-c', configFile], { stdio: 'pipe' });
    const child = await startChild({
      name: 'nginx gRPC proxy', command: NGINX, args: ['-p', dir, '-c', configFile], ready: () => accepts(port),
      startupTimeoutMs: 20_000, stopTimeoutMs: 5_000, onLine: (line) => void log.push(line),
    });
    return {
      address: `127.0.0.1:${port}`, log,
      stop: async () => { await child.stop(); fs.rmSync(dir, { recursive: true, force: true }); },
    };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`nginx did not start: ${e.stderr?.toString().trim() || e.message}`);
  }
}

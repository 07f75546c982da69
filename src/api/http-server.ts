// The API's HTTP server: connection cap, timeouts, and a close that lets requests in
// flight finish. Knows nothing of the app; server.ts hands it the request handler.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../logger';

/**
 * Open connections beyond this are closed as soon as they are accepted. Far above what the
 * API needs (requests are short, clients few), far below the ~20 000 idle sockets that
 * exhaust a process's memory and file descriptors.
 */
export const MAX_CONNECTIONS = 2048;
/** A request's headers must arrive within this, counted from the connection (or the previous request). */
export const HEADERS_TIMEOUT_MS = 20_000;
/** A whole request, body included, must arrive within this. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** An idle keep-alive connection is closed after this (Node's default, stated). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * How long close() lets requests in flight finish before cutting their connections: inside
 * the 30 s Kubernetes and ECS wait after SIGTERM by default (docker-compose.yml gives the
 * api service the same), so the process exits by itself rather than being killed.
 */
export const SHUTDOWN_GRACE_MS = 25_000;
/** Dropped connections are logged at most this often, so a flood cannot flood the log. */
const DROP_LOG_INTERVAL_MS = 60_000;

export interface ServerLimits {
  maxConnections: number;
  shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = { maxConnections: MAX_CONNECTIONS, shutdownGraceMs: SHUTDOWN_GRACE_MS };

export interface Listening {
  url: string;
  server: http.Server;
  /**
   * Stops accepting at once (new connections are refused), closes idle keep-alive
   * connections, lets requests in flight finish and then closes their connections; after
   * `shutdownGraceMs` cuts whatever is left. Resolves once every connection is closed.
   */
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound. */
export async function listen(
  handler: http.RequestListener, port: number, host: string, logger: Logger, limits: ServerLimits = DEFAULT_LIMITS,
): Promise<Listening> {
  const server = http.createServer(handler);
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  logDrops(server, logger, limits.maxConnections);
  const closing = trackConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: () => (closed ??= closeGracefully(server, closing, limits.shutdownGraceMs)),
  };
}

/**
 * Tracks connections and their requests in flight so that closing can end each connection
 * as soon as it has nothing left to answer. Node's own closeIdleConnections spares a
 * connection that never sent a request, and a keep-alive connection that goes idle during
 * the close would hold it until KEEP_ALIVE_TIMEOUT_MS. Once closing starts, responses not yet
 * sent ask for `Connection: close`. `start` begins closing; `cut` destroys every connection.
 */
function trackConnections(server: http.Server): Closing {
  let closing = false;
  const sockets = new Set<Socket>();
  const inFlight = new Map<Socket, number>();
  const responses = new Set<http.ServerResponse>();
  const askToClose = (res: http.ServerResponse) => { if (!res.headersSent) res.setHeader('Connection', 'close'); };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    responses.add(res);
    if (closing) askToClose(res);
    res.on('close', () => {
      responses.delete(res);
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (left > 0) inFlight.set(socket, left);
      else inFlight.delete(socket);
      // end(), not destroy(): the response may still sit in the socket's buffer.
      if (closing && left <= 0) socket.end();
    });
  });
  return {
    start: () => {
      closing = true;
      responses.forEach(askToClose);
      for (const socket of sockets) if (!inFlight.has(socket)) socket.destroy();
    },
    cut: () => sockets.forEach((socket) => socket.destroy()),
  };
}

interface Closing { start(): void; cut(): void }

async function closeGracefully(server: http.Server, closing: Closing, graceMs: number): Promise<void> {
  // Stop listening first, so no connection arrives after the idle ones are closed.
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  closing.start();
  const cut = setTimeout(() => closing.cut(), graceMs);
  try {
    await done;
  } finally {
    clearTimeout(cut);
  }
}

function logDrops(server: http.Server, logger: Logger, max: number): void {
  let dropped = 0;
  let lastLog = 0;
  server.on('drop', () => {
    dropped += 1;
    const now = Date.now();
    if (now - lastLog < DROP_LOG_INTERVAL_MS) return;
    logger.warn({ dropped, maxConnections: max }, 'connections refused: the connection cap is reached');
    lastLog = now;
    dropped = 0;
  });
}

// A small fault-injecting HTTP front for the local Queue server: the worker asks the Queue
// through it, and a test switches how it answers, from transparent forwarding to a refused
// connection, a cut connection, errors, garbage or an answer that comes too late.
import http from 'node:http';
import type { Socket } from 'node:net';

export type QueueFault =
  | 'none' // forward to the Queue
  | 'refused' // nothing listens on the port
  | 'closed' // the connection is cut without an answer
  | 'http-500'
  | 'not-json'
  | 'wrong-shape' // JSON, but not the pendingTasks object
  | 'negative-count'
  | 'slow'; // the Queue's answer, after `slowMs`

export interface QueueFront {
  /** Root URL to give the worker (`TASKCLUSTER_ROOT_URL`). */
  url: string;
  /** Where requests are forwarded (the local Queue server's root URL). */
  target: string;
  slowMs: number;
  set(fault: QueueFault): Promise<void>;
  close(): Promise<void>;
}

async function forward(target: string, req: http.IncomingMessage): Promise<{ status: number; body: string }> {
  const answer = await fetch(`${target}${req.url}`, { method: req.method });
  return { status: answer.status, body: await answer.text() };
}

export async function startQueueFront(): Promise<QueueFront> {
  let fault: QueueFault = 'none';
  const sockets = new Set<Socket>();
  const reply = (res: http.ServerResponse, status: number, body: string, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type }).end(body);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    switch (fault) {
      case 'closed': req.socket.destroy(); return;
      case 'http-500': return reply(res, 500, JSON.stringify({ code: 'InternalServerError', message: 'injected' }));
      case 'not-json': return reply(res, 200, '<html><body>502 Bad Gateway</body></html>', 'text/html');
      default: break;
    }
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, front.slowMs));
    const answer = await forward(front.target, req);
    if (fault === 'wrong-shape') return reply(res, 200, JSON.stringify([JSON.parse(answer.body)]));
    if (fault === 'negative-count') return reply(res, 200, JSON.stringify({ ...JSON.parse(answer.body), pendingTasks: -3 }));
    return reply(res, answer.status, answer.body);
  }

  const server = http.createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const stopListening = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
  await listen(0);
  const { port } = server.address() as { port: number };
  const front: QueueFront = {
    url: `http://127.0.0.1:${port}`,
    target: '',
    slowMs: 0,
    async set(next) {
      if (next === 'refused' && fault !== 'refused') await stopListening();
      if (next !== 'refused' && fault === 'refused') await listen(port);
      // Kept-alive connections would otherwise carry on under the old behaviour.
      for (const s of sockets) s.destroy();
      fault = next;
    },
    close: () => (fault === 'refused' ? Promise.resolve() : stopListening()),
  };
  return front;
}

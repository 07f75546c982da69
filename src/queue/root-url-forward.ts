// Dev and tests: the local TaskCluster root URL must answer `/api/aws-provisioner/v1` as a
// real deployment's ingress does, because docker-worker (from 2018-09) and worker-runner find
// this service only there. Requests under that prefix are forwarded unchanged (method, path,
// headers including Host, body) to the API, and its answer is streamed back; Hawk signatures
// cover the Host the client used, which is why the header is passed through untouched.
import http from 'node:http';

export const PROVISIONER_PREFIX = '/api/aws-provisioner/';

/** Forwards `req` to `targetUrl` (e.g. `http://127.0.0.1:5557`); answers 502 when the API cannot be reached. */
export function forwardToProvisioner(req: http.IncomingMessage, res: http.ServerResponse, targetUrl: string): void {
  const target = new URL(targetUrl);
  const upstream = http.request({
    host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers,
  }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify({ code: 'BadGateway', message: 'the provisioner API is not reachable from the local root URL' });
    res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  req.pipe(upstream);
}

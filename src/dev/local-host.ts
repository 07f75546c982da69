// Small helpers shared by the local stand-ins (embedded database, moto, Temporal dev server).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The nearest directory above `from` holding a package.json (works from src/ and dist/src/). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A port on 127.0.0.1 that was free a moment ago; the kernel picks it. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

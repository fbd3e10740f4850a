import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The first executable of `names` on PATH, or `override` when given and executable; null when none is. */
export function findExecutable(names: string[], override?: string): string | null {
  const candidates = override ? [override] : (process.env.PATH ?? '').split(delimiter).flatMap((dir) => (dir ? names.map((n) => join(dir, n)) : []));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  return null;
}

/** A port that was free on 127.0.0.1 a moment ago (for programs that cannot report one they picked themselves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

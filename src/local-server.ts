/**
 * What the launchers of real servers on loopback share (src/directory/slapd.ts for OpenLDAP,
 * src/mta/postfix.ts for Postfix): finding a daemon's binary outside PATH, picking a free port, probing a
 * listener, and telling whether a child process has exited.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** Daemons and their tools live in sbin, which a non-root PATH often lacks. */
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin', '/bin'];

/** The first executable of this name on PATH or in the sbin folders. */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SBIN];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** A loopback port that was free a moment ago (the server binds it next; callers retry a lost race). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether something accepts TCP connections there (half a second at most: loopback answers at once). */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** True when `pid` has exited (gone, or a zombie awaiting its parent). Linux /proc; elsewhere signal 0. */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
}

/** Live processes of a process group (Linux /proc), zombies excluded. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return isGone(pgid) ? [] : [pgid];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] !== 'Z' && Number(f[2]) === pgid) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

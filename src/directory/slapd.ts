/**
 * A private OpenLDAP slapd for tests and for the suite to serve a remote domain's certificates from:
 * generated slapd.conf and LDIF in a fresh temporary folder, loaded offline with slapadd, slapd started in
 * the foreground on a free loopback port, and stopped (and the folder removed) by `stop()`.
 *
 * No leftover processes: `stop()` sends SIGTERM, then SIGKILL after a grace period, and waits for the
 * exit; a process 'exit' hook kills any server still running when Node exits; and a tiny watchdog (`sh`,
 * reading a pipe from this process) kills slapd if this process dies without running either (SIGKILL of
 * a test worker), because the pipe then reaches end-of-file.
 *
 * Needs the Debian packages slapd (and, for humans, ldap-utils): .ci/install-slapd.sh. Without them
 * `startSlapd` throws DIRECTORY_UNAVAILABLE saying so: tests fail loudly rather than skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { canConnect, freePort, isGone, which } from '../local-server.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomsecError } from '../errors.js';
import type { TestPki } from '../pki/index.js';
import { suffixEntry, testPkiDirectoryEntries, toLdif, type LdifEntry, type TestPkiDirectoryLayout, type TestPkiDirectoryOptions, DEFAULT_SUFFIX } from './ldif.js';
import type { LdapLookupOptions } from './ldap.js';

export interface SlapdOptions {
  /** Database suffix. Default `o=domsec-suite`. */
  suffix?: string;
  /** Entries to load; the suffix entry is added first when absent. */
  entries?: LdifEntry[];
  /** Raw LDIF appended after `entries` (for cases the entry model cannot express). */
  ldif?: string;
  /** Anonymous read access (default true). When false, reading needs a bind (`require authc`). */
  anonymousRead?: boolean;
  /** Root DN password (default: random). The root DN is `cn=admin,<suffix>`. */
  rootPassword?: string;
  /** Milliseconds to wait for slapd to accept connections. Default 15000. */
  startTimeoutMs?: number;
  /** slapd debug level (-d); 0 logs only errors. Default 0. */
  debugLevel?: number;
}

export interface SlapdServer {
  /** `ldap://127.0.0.1:PORT` (no trailing slash): LdapLookupOptions.url. */
  url: string;
  host: string;
  port: number;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  pid: number;
  /** The temporary folder with slapd.conf, data.ldif and the database. Removed by stop(). */
  workDir: string;
  /** slapd's recent output (stderr/stdout), for diagnostics. */
  log(): string;
  /** True until slapd has exited. */
  readonly running: boolean;
  /** Stop slapd, wait for it to exit, remove the folder. Idempotent, never throws. */
  stop(): Promise<void>;
}

interface Installation {
  slapd: string;
  slapadd: string;
  schemaDir: string;
  modulePath?: string;
}

const SCHEMA_DIRS = ['/etc/ldap/schema', '/etc/openldap/schema', '/usr/local/etc/openldap/schema'];
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap', '/usr/libexec/openldap', '/usr/local/libexec/openldap'];
/** Where slapd, slapadd, the schema files and the back_mdb module are; DIRECTORY_UNAVAILABLE when not installed. */
export function findSlapd(): Installation {
  const slapd = which('slapd');
  const slapadd = which('slapadd');
  const schemaDir = SCHEMA_DIRS.find((d) => existsSync(join(d, 'inetorgperson.schema')));
  if (!slapd || !slapadd || !schemaDir) {
    throw new DomsecError(
      'DIRECTORY_UNAVAILABLE',
      `OpenLDAP slapd is not installed (missing: ${[!slapd && 'slapd', !slapadd && 'slapadd', !schemaDir && 'schema files'].filter(Boolean).join(', ')}); run .ci/install-slapd.sh as root`,
    );
  }
  const modulePath = MODULE_DIRS.find((d) => existsSync(d) && readdirSync(d).some((f) => /^back_mdb(\.la|\.so)/.test(f)));
  return modulePath ? { slapd, slapadd, schemaDir, modulePath } : { slapd, slapadd, schemaDir };
}

/** uid/gid of the openldap account when running as root (slapd then drops privileges to it). */
function dropTo(): { user: string; uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const user of ['openldap', 'ldap']) {
    const row = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
    if (!row) continue;
    const f = row.split(':');
    return { user, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

function chownTree(p: string, uid: number, gid: number): void {
  chownSync(p, uid, gid);
  for (const e of readdirSync(p, { withFileTypes: true })) {
    const q = join(p, e.name);
    if (e.isDirectory()) chownTree(q, uid, gid);
    else chownSync(q, uid, gid);
  }
}

function slapdConf(inst: Installation, dir: string, suffix: string, rootDn: string, rootPassword: string, anonymousRead: boolean): string {
  const q = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  return [
    '# generated by domsec-suite src/directory/slapd.ts',
    ...['core', 'cosine', 'inetorgperson'].map((s) => `include ${join(inst.schemaDir, `${s}.schema`)}`),
    ...(inst.modulePath ? [`modulepath ${inst.modulePath}`, 'moduleload back_mdb'] : []),
    ...(anonymousRead ? [] : ['disallow bind_anon', 'require authc']),
    'database mdb',
    'maxsize 67108864',
    `suffix ${q(suffix)}`,
    `rootdn ${q(rootDn)}`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, 'db')}`,
    'index objectClass eq',
    'index mail eq',
    'index labeledURI eq',
    'index associatedDomain eq',
    anonymousRead ? 'access to * by * read' : 'access to * by users read by anonymous auth',
    '',
  ].join('\n');
}

/** Live children (slapd and watchdogs) -> the folder to remove, for the exit hook. */
const running = new Map<ChildProcess, string | undefined>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [c] of running) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // Synchronous from here on ('exit' allows nothing else): wait briefly for the kills to land, so that
    // slapd is not writing into its folder while it is removed, then remove the folders.
    const until = Date.now() + 1000;
    for (const [c, dir] of running) {
      if (!dir) continue;
      while (c.pid !== undefined && !isGone(c.pid) && Date.now() < until) {
        /* spin: at most a second, once, at exit */
      }
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 10 });
      } catch {
        /* best effort: an exit hook must not throw */
      }
    }
  });
}

function waitExit(c: ChildProcess, ms: number): Promise<boolean> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    c.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Start a private slapd loaded with `entries`/`ldif`. Throws DIRECTORY_UNAVAILABLE when it cannot start (after cleaning up). */
export async function startSlapd(opts: SlapdOptions = {}): Promise<SlapdServer> {
  const inst = findSlapd();
  const suffix = opts.suffix ?? DEFAULT_SUFFIX;
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = opts.rootPassword ?? randomBytes(12).toString('hex');
  if (/\s/.test(rootPassword)) throw new DomsecError('BAD_ARGUMENT', 'slapd root password must not contain white space');
  const entries = opts.entries ?? [];
  const all = entries.some((e) => e.dn.toLowerCase() === suffix.toLowerCase()) ? entries : [suffixEntry(suffix), ...entries];
  const ldif = `${toLdif(all)}${opts.ldif ? `\n${opts.ldif.trim()}\n` : ''}`;

  const workDir = mkdtempSync(join(tmpdir(), 'domsec-slapd-'));
  const cleanupDir = (): void => rmSync(workDir, { recursive: true, force: true });
  try {
    mkdirSync(join(workDir, 'db'));
    const conf = join(workDir, 'slapd.conf');
    writeFileSync(conf, slapdConf(inst, workDir, suffix, rootDn, rootPassword, opts.anonymousRead !== false), { mode: 0o600 });
    writeFileSync(join(workDir, 'data.ldif'), ldif);
    const add = spawnSync(inst.slapadd, ['-q', '-f', conf, '-l', join(workDir, 'data.ldif')], { encoding: 'utf8', timeout: 30_000 });
    if (add.status !== 0) {
      throw new DomsecError('DIRECTORY_UNAVAILABLE', `slapadd failed (${add.error?.message ?? `exit ${add.status ?? add.signal}`}): ${(add.stderr || add.stdout || '').trim().split('\n').slice(-3).join(' / ')}`);
    }
    const drop = dropTo();
    if (drop) chownTree(workDir, drop.uid, drop.gid);

    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const server = await launch(inst, conf, port, drop?.user, opts, workDir, suffix, rootDn, rootPassword, cleanupDir);
      if ('server' in server) return server.server;
      lastError = server.error;
      if (!/bind|address already in use/i.test(server.error)) break; // only a lost port race is worth retrying
    }
    throw new DomsecError('DIRECTORY_UNAVAILABLE', `slapd did not start: ${lastError}`);
  } catch (e) {
    cleanupDir();
    throw e;
  }
}

async function launch(
  inst: Installation,
  conf: string,
  port: number,
  user: string | undefined,
  opts: SlapdOptions,
  workDir: string,
  suffix: string,
  rootDn: string,
  rootPassword: string,
  cleanupDir: () => void,
): Promise<{ server: SlapdServer } | { error: string }> {
  const url = `ldap://127.0.0.1:${port}`;
  // -d keeps slapd in the foreground (it does not fork), so `child` is slapd itself.
  const args = ['-d', String(opts.debugLevel ?? 0), '-f', conf, '-h', `${url}/`, ...(user ? ['-u', user, '-g', user] : [])];
  const child = spawn(inst.slapd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer): void => {
    out = (out + b.toString('utf8')).slice(-16_384);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  running.set(child, workDir);
  installExitHook();
  child.once('exit', () => running.delete(child));

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  let up = false;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) break;
    if (await canConnect('127.0.0.1', port)) {
      up = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!up) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (!exited) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
    }
    const why = spawnError ? spawnError.message : exited ? `exited (${child.exitCode ?? child.signalCode})` : `not accepting connections after ${opts.startTimeoutMs ?? 15_000} ms`;
    return { error: `${why}: ${out.trim().split('\n').slice(-5).join(' / ')}` };
  }

  // Watchdog: when this process dies, the pipe to `sh` closes, `read` returns and slapd is killed.
  const watchdog = spawn('sh', ['-c', 'read _unused; kill -TERM "$1" 2>/dev/null; sleep 5; kill -KILL "$1" 2>/dev/null', 'domsec-slapd-watchdog', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined);
  watchdog.stdin!.on('error', () => undefined);
  running.set(watchdog, undefined);
  watchdog.once('exit', () => running.delete(watchdog));
  // Neither child keeps Node's event loop alive: a test that forgets stop() still lets the worker exit (and the exit hook kills them).
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();

  let stopping: Promise<void> | undefined;
  const server: SlapdServer = {
    url,
    host: '127.0.0.1',
    port,
    suffix,
    rootDn,
    rootPassword,
    pid: child.pid!,
    workDir,
    log: () => out,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          if (!(await waitExit(child, 5000))) {
            child.kill('SIGKILL');
            await waitExit(child, 5000);
          }
        }
        // The watchdog's job is done; SIGKILL so it cannot signal a reused pid later.
        if (watchdog.exitCode === null && watchdog.signalCode === null) {
          watchdog.kill('SIGKILL');
          await waitExit(watchdog, 2000);
        }
        cleanupDir();
      })().catch(() => undefined);
      return stopping;
    },
  };
  return { server };
}

export interface ServedTestPki {
  server: SlapdServer;
  layout: TestPkiDirectoryLayout;
  /** Lookup options that find the served certificates (anonymous; method 'either'). */
  lookupOptions: LdapLookupOptions;
}

/**
 * Serve a test PKI's DCA and user certificates (layout in ldif.ts) from a private slapd, plus any
 * `extra` entries (e.g. negative cases). The suite uses this to act as the remote domain's directory.
 */
export async function serveTestPki(pki: TestPki, opts: TestPkiDirectoryOptions & Omit<SlapdOptions, 'entries' | 'suffix'> & { extra?: LdifEntry[] } = {}): Promise<ServedTestPki> {
  const { entries, layout } = testPkiDirectoryEntries(pki, opts);
  const server = await startSlapd({ ...opts, suffix: layout.suffix, entries: [...entries, ...(opts.extra ?? [])] });
  return { server, layout, lookupOptions: { url: server.url, baseDn: layout.suffix } };
}

/**
 * A private Postfix (the Debian package) between the suite and a gateway, for the real-MTA integration
 * test (issue 5): its own config_directory, queue_directory and data_directory in a fresh temporary
 * folder, listening on free loopback ports only, started with `postfix -c DIR start` and stopped (and the
 * folder removed) by `stop()`. The configuration is src/mta/postfix-config.ts.
 *
 * No leftover processes: `stop()` sends SIGTERM to the master (which stops its children), then SIGKILL to
 * the master's process group after a grace period, and waits until no process of the group is left; a
 * process 'exit' hook kills any instance still running when Node exits; and a tiny watchdog (`sh`,
 * reading a pipe from this process) kills the group and removes the folder if this process dies without
 * running either (SIGKILL of a test worker), because the pipe then reaches end-of-file.
 *
 * Needs root (Postfix's master runs as root and drops to the `postfix` account) and the Debian packages
 * postfix, sasl2-bin and libsasl2-modules: .ci/install-postfix.sh. Without them `startPostfix` throws an
 * MtaError with code MTA_UNAVAILABLE saying so: tests fail loudly rather than skip.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { canConnect, freePort, groupMembers, isGone, which } from '../local-server.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAPS, assertToken, cyrusSmtpdConf, mainCf, masterCf, saslFiltersMap, saslPasswordMap, transportMap,
  type HostPort, type PostfixConfigInput, type PostfixLayout,
} from './postfix-config.js';

export type { HostPort } from './postfix-config.js';

export type MtaErrorCode = 'MTA_UNAVAILABLE' | 'MTA_START_FAILED' | 'BAD_ARGUMENT';

export class MtaError extends Error {
  readonly code: MtaErrorCode;
  constructor(code: MtaErrorCode, message: string) {
    super(message);
    this.name = 'MtaError';
    this.code = code;
  }
}

export interface PostfixOptions {
  /** Domains Postfix relays for; re-injected mail for them (and their subdomains) is delivered to `deliverTo`. */
  relayDomains: string[];
  /** Where re-injected mail goes: the suite's capture sink. */
  deliverTo: HostPort;
  /**
   * After-queue content filters (FILTER_README): what arrives on the submission port goes to
   * `submission` (the gateway's outbound listener), what arrives on the inbound port to `inbound`.
   */
  filters: { submission: HostPort; inbound: HostPort };
  /** SMTP AUTH users of the submission port -> password; Postfix authenticates to the submission filter as the same user. */
  users?: Record<string, string>;
  /** Fixed ports (default: free loopback ports). The re-injection port is fixed when the gateway's next hop must be known first. */
  ports?: { submission?: number; inbound?: number; reinject?: number };
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Default mta.domsec-suite.test. */
  myhostname?: string;
  /** message_size_limit; default 100 MiB (what the suite's sink takes). */
  messageSizeLimit?: number;
  /** Bound on `postfix start` plus the wait for the listeners. Default 20000 ms. */
  startTimeoutMs?: number;
}

export interface RunningPostfix {
  host: string;
  /** Where the suite submits outbound mail (SMTP AUTH offered). */
  submissionPort: number;
  /** Where the suite submits inbound mail. */
  inboundPort: number;
  /** Where the gateway relays / delivers (its nextHop). */
  reinjectPort: number;
  /** The master's pid (also its process group). */
  pid: number;
  /** The temporary folder (config, queue, data, log). Removed by stop(). */
  workDir: string;
  configDir: string;
  /** The tail of Postfix's log (maillog_file), for diagnostics. */
  log(maxChars?: number): string;
  /** `postqueue -p`: what is still queued (deferred mail names its reason). */
  queue(): Promise<string>;
  /** True until the master has exited. */
  readonly running: boolean;
  /** Stop Postfix, wait until none of its processes is left, remove the folder. Idempotent, never throws. */
  stop(): Promise<void>;
}

export interface PostfixInstallation {
  postfix: string;
  postconf: string;
  postqueue: string;
  saslpasswd2: string;
}

const SASL_PLUGIN_DIRS = ['/usr/lib/x86_64-linux-gnu/sasl2', '/usr/lib/aarch64-linux-gnu/sasl2', '/usr/lib64/sasl2', '/usr/lib/sasl2'];
const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 3_000;
const COMMAND_TIMEOUT_MS = 15_000;

function account(file: string, name: string): { id: number; gid?: number } | undefined {
  try {
    const row = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (!row) return undefined;
    const f = row.split(':');
    return file.endsWith('passwd') ? { id: Number(f[2]), gid: Number(f[3]) } : { id: Number(f[2]) };
  } catch {
    return undefined;
  }
}

/** Where Postfix and Cyrus SASL's tools are; MTA_UNAVAILABLE naming what is missing (and the fix) when not installed. */
export function findPostfix(): PostfixInstallation {
  const postfix = which('postfix');
  const postconf = which('postconf');
  const postqueue = which('postqueue');
  const saslpasswd2 = which('saslpasswd2');
  const plugins = SASL_PLUGIN_DIRS.find((d) => existsSync(d) && ['libplain', 'liblogin', 'libsasldb'].every((p) => readdirSync(d).some((f) => f.startsWith(`${p}.so`))));
  const missing = [
    !postfix && 'postfix',
    !postconf && 'postconf',
    !postqueue && 'postqueue',
    !saslpasswd2 && 'saslpasswd2 (sasl2-bin)',
    !plugins && 'Cyrus SASL PLAIN/LOGIN/sasldb plugins (libsasl2-modules, libsasl2-modules-db)',
    !account('/etc/passwd', 'postfix') && 'the postfix account',
    !account('/etc/group', 'postdrop') && 'the postdrop group',
  ].filter(Boolean);
  if (missing.length || !postfix || !postconf || !postqueue || !saslpasswd2) {
    throw new MtaError('MTA_UNAVAILABLE', `Postfix is not installed (missing: ${missing.join(', ')}); run .ci/install-postfix.sh as root`);
  }
  return { postfix, postconf, postqueue, saslpasswd2 };
}

function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL', encoding: 'utf8', env: opts.env ?? process.env, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : null) : 0;
      resolve({ code, out: `${stdout ?? ''}${stderr ?? ''}${err && code === null ? `${err.message}` : ''}`.trim() });
    });
    child.stdin?.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* already gone */
  }
}

async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The watchdog's script ($1 the master's pid, which is also its process group; $2 the folder): SIGTERM to
 * the master, up to 3 s for it to exit (a zombie counts as gone), then SIGKILL to its group until no live
 * member is left (up to 5 s), and only then remove the folder. Waiting for the group matters: a child
 * still dying (under load, in uninterruptible I/O) keeps the inherited listening sockets open, and a
 * folder already removed would tell an observer that Postfix is gone while its ports still answer.
 * `group_alive` reads /proc as groupMembers() does, in POSIX sh so that the watchdog needs nothing but sh.
 * `kill -KILL "-PGID"`, not `kill -KILL -- "-PGID"`: Debian's sh is dash, whose kill builtin takes `--` for
 * a number and fails ("Illegal number: -"), so the group was never killed. Exported for its test.
 */
export const WATCHDOG_SCRIPT = [
  'group_alive() { for s in /proc/[0-9]*/stat; do read -r l < "$s" || continue; r=${l##*) }; st=${r%% *}; r=${r#* }; r=${r#* }; [ "$st" != Z ] && [ "${r%% *}" = "$1" ] && return 0; done; return 1; }',
  'read _unused',
  'kill -TERM "$1" 2>/dev/null',
  'i=0; while [ $i -lt 30 ] && [ -d "/proc/$1" ] && ! grep -q ") Z " "/proc/$1/stat" 2>/dev/null; do sleep 0.1; i=$((i+1)); done',
  'i=0; while [ $i -lt 50 ] && group_alive "$1" 2>/dev/null; do kill -KILL "-$1" 2>/dev/null; sleep 0.1; i=$((i+1)); done',
  'rm -rf -- "$2"',
].join('\n');

/** Live instances (master pid -> folder and watchdog), for the exit hook. */
const live = new Map<number, { dir: string; watchdog?: ChildProcess }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pgid, { watchdog }] of live) {
      signalGroup(pgid, 'SIGKILL');
      try {
        watchdog?.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    // Synchronous from here on: wait briefly for the kills to land, then remove the folders.
    const until = Date.now() + KILL_WAIT_MS;
    for (const [pgid, { dir }] of live) {
      while (groupMembers(pgid).length > 0 && Date.now() < until) {
        /* spin: at most KILL_WAIT_MS, once, at exit, and only while a SIGKILLed member has not yet died */
      }
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 10 });
      } catch {
        /* best effort: an exit hook must not throw */
      }
    }
  });
}

function validate(o: PostfixOptions): void {
  const bad = (m: string): never => {
    throw new MtaError('BAD_ARGUMENT', m);
  };
  if (!o.relayDomains.length) bad('relayDomains must name at least one domain');
  for (const d of o.relayDomains) if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(d)) bad(`relay domain "${d}" is not a domain name`);
  for (const [k, h] of [['deliverTo', o.deliverTo], ['filters.submission', o.filters.submission], ['filters.inbound', o.filters.inbound]] as const) {
    if (!Number.isInteger(h.port) || h.port < 1 || h.port > 65535) bad(`${k}.port must be 1..65535`);
    try {
      assertToken(h.host, `${k}.host`);
    } catch (e) {
      bad((e as Error).message);
    }
  }
  for (const [u, p] of Object.entries(o.users ?? {})) {
    try {
      assertToken(u, 'SMTP AUTH user');
    } catch (e) {
      bad((e as Error).message);
    }
    if (u.includes(':')) bad(`SMTP AUTH user "${u}" must not contain ":" (smtp_sasl_password_maps splits user:password there)`);
    if (!p || /[\r\n\x00]/.test(p) || p !== p.trim()) bad(`the password of ${u} must be non-empty, one line, without leading or trailing white space`);
  }
}

/**
 * Start a private Postfix. Throws MTA_UNAVAILABLE when Postfix is not installed or this process is not
 * root, MTA_START_FAILED (with the tail of Postfix's log) when it does not come up; cleans up either way.
 */
export async function startPostfix(opts: PostfixOptions): Promise<RunningPostfix> {
  const inst = findPostfix();
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new MtaError('MTA_UNAVAILABLE', 'a private Postfix needs root (its master runs as root and drops privileges to the postfix account)');
  }
  validate(opts);
  const postfixUser = account('/etc/passwd', 'postfix')!;
  const host = opts.listenHost ?? '127.0.0.1';
  const users = Object.keys(opts.users ?? {});

  const workDir = mkdtempSync(join(tmpdir(), 'domsec-postfix-'));
  const cleanupDir = (): void => rmSync(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  const layout: PostfixLayout = {
    configDir: join(workDir, 'etc'),
    queueDir: join(workDir, 'queue'),
    dataDir: join(workDir, 'data'),
    logFile: join(workDir, 'log', 'maillog'),
    saslDir: join(workDir, 'etc', 'sasl'),
    // Outside config_directory: `postfix start` warns about files there that root does not own.
    sasldb: join(workDir, 'sasldb', 'sasldb2'),
  };
  try {
    // The unprivileged daemons (uid postfix) must reach the queue and the sasldb: the folder is world-traversable.
    chmodSync(workDir, 0o755);
    for (const d of [layout.configDir, layout.queueDir, layout.saslDir, join(workDir, 'log'), join(workDir, 'sasldb')]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o755); // whatever the umask
    }
    mkdirSync(layout.dataDir, { mode: 0o700 });
    chownSync(layout.dataDir, postfixUser.id, postfixUser.gid ?? 0);

    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const ports = {
        submission: opts.ports?.submission ?? (await freePort(host)),
        inbound: opts.ports?.inbound ?? (await freePort(host)),
        reinject: opts.ports?.reinject ?? (await freePort(host)),
      };
      if (new Set(Object.values(ports)).size !== 3) continue;
      const cfg: PostfixConfigInput = {
        layout, logPrefix: workDir, myhostname: opts.myhostname ?? 'mta.domsec-suite.test', listenHost: host, ports,
        relayDomains: opts.relayDomains, deliverTo: opts.deliverTo, filters: opts.filters, users,
        messageSizeLimit: opts.messageSizeLimit ?? 100 * 1024 * 1024,
      };
      await writeConfig(inst, cfg, opts.users ?? {}, postfixUser);
      const r = await launch(inst, cfg, workDir, opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, cleanupDir);
      if ('server' in r) return r.server;
      lastError = r.error;
      const fixed = opts.ports?.submission !== undefined && opts.ports?.inbound !== undefined && opts.ports?.reinject !== undefined;
      if (fixed || !/bind|address already in use/i.test(r.error)) break; // only a lost port race is worth retrying
    }
    throw new MtaError('MTA_START_FAILED', `Postfix did not start: ${lastError}`);
  } catch (e) {
    cleanupDir();
    throw e;
  }
}

async function writeConfig(inst: PostfixInstallation, cfg: PostfixConfigInput, passwords: Record<string, string>, postfixUser: { id: number; gid?: number }): Promise<void> {
  const L = cfg.layout;
  writeFileSync(join(L.configDir, 'main.cf'), mainCf(cfg), { mode: 0o644 });
  writeFileSync(join(L.configDir, 'master.cf'), masterCf(cfg), { mode: 0o644 });
  writeFileSync(join(L.configDir, MAPS.transport), transportMap(cfg), { mode: 0o644 });
  writeFileSync(join(L.configDir, MAPS.saslFilters), saslFiltersMap(cfg), { mode: 0o644 });
  // Passwords for the gateway: root-only; the smtp client opens its password map before it drops privileges.
  cfg.users.forEach((u, i) => writeFileSync(join(L.configDir, MAPS.saslPassword(i)), saslPasswordMap(cfg, i, passwords[u]!), { mode: 0o600 }));
  writeFileSync(join(L.saslDir, 'smtpd.conf'), cyrusSmtpdConf(cfg), { mode: 0o644 });
  rmSync(L.sasldb, { force: true });
  for (const u of cfg.users) {
    const at = u.lastIndexOf('@');
    const args = ['-f', L.sasldb, '-p', '-c', ...(at > 0 ? ['-u', u.slice(at + 1), u.slice(0, at)] : [u])];
    const r = await run(inst.saslpasswd2, args, { input: passwords[u]! });
    if (r.code !== 0) throw new MtaError('MTA_START_FAILED', `saslpasswd2 failed for ${u} (exit ${r.code ?? 'timeout'}): ${r.out}`);
  }
  // The sasldb is read at each AUTH by smtpd, which runs as postfix.
  if (cfg.users.length) {
    chownSync(L.sasldb, postfixUser.id, postfixUser.gid ?? 0);
    chmodSync(L.sasldb, 0o600);
  }
  // Postfix does not read a configuration or table file whose mtime is this very second (it may still be
  // being edited): every Postfix program would pause in 300 ms steps until it is a second old, and
  // `postfix start` runs dozens of them (measured: 2.3-2.9 s instead of 0.3 s). The files are complete: date them back.
  const past = new Date(Date.now() - 60_000);
  for (const f of readdirSync(L.configDir, { withFileTypes: true })) if (f.isFile()) utimesSync(join(L.configDir, f.name), past, past);
  for (const f of readdirSync(L.saslDir)) utimesSync(join(L.saslDir, f), past, past);
}

function readTail(file: string, maxChars: number): string {
  try {
    const s = readFileSync(file, 'utf8');
    return s.length > maxChars ? s.slice(-maxChars) : s;
  } catch {
    return '';
  }
}

function masterPid(queueDir: string): number | undefined {
  try {
    const n = Number(readFileSync(join(queueDir, 'pid', 'master.pid'), 'utf8').trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function launch(
  inst: PostfixInstallation,
  cfg: PostfixConfigInput,
  workDir: string,
  timeoutMs: number,
  cleanupDir: () => void,
): Promise<{ server: RunningPostfix } | { error: string }> {
  const L = cfg.layout;
  const deadline = Date.now() + timeoutMs;
  const logTail = (n = 2000): string => readTail(L.logFile, n).trim().split('\n').slice(-6).join(' / ');
  // `postfix start` checks the instance (creating the queue folders), starts the master with -w and
  // returns once the master has bound its listeners and initialised, or failed: no polling for that.
  const start = await run(inst.postfix, ['-c', L.configDir, 'start'], { timeoutMs: Math.max(1000, deadline - Date.now()) });
  const pid = masterPid(L.queueDir);
  const stopStray = async (): Promise<void> => {
    if (pid && !isGone(pid)) {
      signalGroup(pid, 'SIGKILL');
      await waitGroupGone(pid, KILL_WAIT_MS);
    }
  };
  if (start.code !== 0 || !pid || isGone(pid)) {
    await stopStray();
    return { error: `postfix start ${start.code === null ? 'timed out or failed to run' : `exited ${start.code}`}: ${start.out.split('\n').slice(-3).join(' / ')} ${logTail()}`.trim() };
  }
  live.set(pid, { dir: workDir });
  installExitHook();
  for (const port of [cfg.ports.submission, cfg.ports.inbound, cfg.ports.reinject]) {
    while (!(await canConnect(cfg.listenHost, port))) {
      if (Date.now() > deadline || isGone(pid)) {
        await stopStray();
        live.delete(pid);
        return { error: `Postfix runs but ${cfg.listenHost}:${port} does not accept connections after ${timeoutMs} ms: ${logTail()}` };
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  // Watchdog: when this process dies, the pipe to `sh` closes, `read` returns, and the master's process
  // group is stopped and the folder removed.
  const watchdog: ChildProcess = spawn(
    'sh',
    [
      '-c',
      WATCHDOG_SCRIPT,
      'domsec-postfix-watchdog',
      String(pid),
      workDir,
    ],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  watchdog.on('error', () => undefined);
  watchdog.stdin!.on('error', () => undefined);
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  live.set(pid, { dir: workDir, watchdog });

  let stopping: Promise<void> | undefined;
  const server: RunningPostfix = {
    host: cfg.listenHost,
    submissionPort: cfg.ports.submission,
    inboundPort: cfg.ports.inbound,
    reinjectPort: cfg.ports.reinject,
    pid,
    workDir,
    configDir: L.configDir,
    log: (maxChars = 64_000) => readTail(L.logFile, maxChars),
    async queue() {
      const r = await run(inst.postqueue, ['-c', L.configDir, '-p'], { timeoutMs: 10_000 });
      return r.out;
    },
    get running() {
      return !isGone(pid);
    },
    stop() {
      stopping ??= (async () => {
        // SIGTERM to the master: it stops its children and exits (what `postfix stop` does).
        if (!isGone(pid)) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
        if (!(await waitGroupGone(pid, STOP_GRACE_MS))) {
          signalGroup(pid, 'SIGKILL');
          await waitGroupGone(pid, KILL_WAIT_MS);
        }
        live.delete(pid);
        // The watchdog's job is done; SIGKILL so it cannot signal a reused pid later.
        if (watchdog.exitCode === null && watchdog.signalCode === null) {
          try {
            watchdog.kill('SIGKILL');
          } catch {
            /* gone */
          }
        }
        cleanupDir();
      })().catch(() => undefined);
      return stopping;
    },
  };
  return { server };
}

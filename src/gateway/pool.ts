/**
 * A bounded pool of worker threads for the gateway's per-message DOMSEC work (issue 12, item 6).
 *
 * The engine's work is synchronous: run on the main thread, one costly message (a CPU bomb of 300
 * SignerInfos and 600 certificates took minutes) stopped both listeners, every relay and the SIGTERM
 * handler. Here each message runs in a worker; the main thread only speaks SMTP. A message that runs past
 * its time bound has its worker stopped (Worker.terminate interrupts synchronous JavaScript) and is
 * answered as over a processing limit; the next message gets a fresh worker.
 *
 * Workers start on first use and are shared by the gateways of one process (each job names its gateway's
 * config; src/gateway/worker.ts): a worker takes seconds to start (tsx, pkijs, the PKI), and the tests
 * start dozens of gateways. Each gateway holds a MessagePool lease; when it closes, its queued and running
 * messages are answered (transient) and any worker running one of them is stopped; when the last lease of a
 * pool closes, its idle workers linger a few seconds (not holding the process open), then stop.
 */
import { Worker } from 'node:worker_threads';
import type { GatewayConfig } from './config.js';
import { MESSAGE_PROCESSING_MAX_MS, POOL_LINGER_MS } from './limits.js';
import { transferable, type WorkerAnswer, type WorkerData, type WorkerHello, type WorkerJob } from './worker.js';

export type PoolAnswer = WorkerAnswer | { id: number; ok: false; kind: 'timeout'; message: string };

export interface PoolOptions {
  /** Worker threads at most (per worker module and size: gateways asking for the same share them). */
  size: number;
  /** Time bound of one message in its worker. */
  messageMs: number;
  /** The worker module (it exports serveGatewayWorker); default ./worker.ts. Tests pass a wrapper. */
  entry?: URL;
}

interface Pending {
  lease: MessagePool;
  job: WorkerJob;
  messageMs: number;
  resolve(a: PoolAnswer): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy?: Pending;
  timer?: NodeJS.Timeout;
}

/**
 * Run from the TypeScript sources (tsx, vitest) a worker thread needs tsx's loader, which it does not
 * inherit: worker-boot.mjs registers it and loads the worker module. Run from the build (dist/, issue 17)
 * the compiled worker.js is started directly and serves on its own (workerData.selfStart).
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const WORKER = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

const shutting = (p: Pending): PoolAnswer => ({ id: p.job.id, ok: false, kind: 'internal', message: 'the gateway is shutting down' });

class SharedPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private readonly leases = new Set<MessagePool>();
  private linger: NodeJS.Timeout | undefined;

  constructor(private readonly key: string, private readonly entry: URL, private readonly size: number) {}

  submit(p: Pending): void {
    this.queue.push(p);
    this.pump();
  }

  /**
   * A lease closes: answer its messages and stop the workers running them. Idle workers are kept for
   * POOL_LINGER_MS without holding the process open (unref), so that the next gateway of the process (the
   * tests, the harness's two policy runs) does not pay their start again; then they stop.
   */
  async release(lease: MessagePool): Promise<void> {
    this.leases.delete(lease);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const p = this.queue[i]!;
      if (p.lease !== lease) continue;
      this.queue.splice(i, 1);
      p.resolve(shutting(p));
    }
    const stopping = [...this.slots].filter((s) => s.busy?.lease === lease || (this.leases.size === 0 && (s.busy || !s.ready)));
    for (const s of stopping) {
      const busy = s.busy;
      this.drop(s);
      if (busy) busy.resolve(shutting(busy));
    }
    if (this.leases.size === 0) {
      for (const p of this.queue.splice(0)) p.resolve(shutting(p));
      for (const s of this.slots) s.worker.unref();
      this.linger = setTimeout(() => {
        POOLS.delete(this.key);
        for (const s of [...this.slots]) this.drop(s);
      }, POOL_LINGER_MS);
      this.linger.unref();
    }
    await Promise.all(stopping.map((s) => s.worker.terminate().catch(() => undefined)));
    if (this.leases.size > 0) this.pump();
  }

  /** A gateway takes a lease: lingering workers serve again and hold the process open again. */
  acquire(lease: MessagePool): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    this.leases.add(lease);
    for (const s of this.slots) s.worker.ref();
  }

  private pump(): void {
    // One worker started per waiting message, up to the size (a burst of messages starts them all at once).
    const available = [...this.slots].filter((s) => !s.ready || !s.busy).length;
    for (let n = this.queue.length - available; n > 0 && this.slots.size < this.size; n--) this.spawn();
    while (this.queue.length) {
      const idle = [...this.slots].find((s) => s.ready && !s.busy);
      if (!idle) return;
      this.dispatch(idle, this.queue.shift()!);
    }
  }

  private dispatch(slot: Slot, p: Pending): void {
    slot.busy = p;
    slot.timer = setTimeout(() => {
      // Past the bound: the worker is stopped with whatever it was doing; the message gets an answer now.
      this.drop(slot);
      p.resolve({ id: p.job.id, ok: false, kind: 'timeout', message: `DOMSEC processing took longer than ${p.messageMs} ms` });
      // A replacement starts now rather than when the next message comes (a start takes seconds).
      if (this.leases.size > 0 && this.slots.size < this.size) this.spawn();
      this.pump();
    }, p.messageMs);
    slot.worker.postMessage(p.job, [p.job.raw.buffer as ArrayBuffer]);
  }

  private drop(slot: Slot): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    slot.busy = undefined;
    void slot.worker.terminate().catch(() => undefined);
  }

  private spawn(): void {
    const boot = this.entry.pathname.endsWith('.ts');
    const data: WorkerData = { entry: this.entry.href, selfStart: !boot };
    const slot: Slot = { worker: new Worker(boot ? BOOT : this.entry, { workerData: data }), ready: false };
    this.slots.add(slot);
    const failed = (why: string): void => {
      if (!this.slots.has(slot)) return;
      const busy = slot.busy;
      const wasReady = slot.ready;
      this.drop(slot);
      busy?.resolve({ id: busy.job.id, ok: false, kind: 'internal', message: `worker failed: ${why}` });
      // A worker that cannot even start would fail the same way again: answer what waits instead of looping.
      if (!wasReady) for (const p of this.queue.splice(0)) p.resolve({ id: p.job.id, ok: false, kind: 'internal', message: `worker failed to start: ${why}` });
      this.pump();
    };
    slot.worker.on('message', (m: WorkerHello | WorkerAnswer) => {
      if ('ready' in m) {
        slot.ready = true;
        return this.pump();
      }
      const p = slot.busy;
      if (!p || p.job.id !== m.id) return;
      clearTimeout(slot.timer);
      slot.busy = undefined;
      p.resolve(m);
      this.pump();
    });
    slot.worker.on('error', (e) => failed(e.message));
    slot.worker.on('exit', (code) => failed(`exited with status ${code}`));
  }
}

const POOLS = new Map<string, SharedPool>();
let nextId = 1;

/** One gateway's lease on the shared workers. */
export class MessagePool {
  private readonly shared: SharedPool;
  private readonly configKey: string;
  private closed = false;

  constructor(private readonly config: GatewayConfig, private readonly opts: PoolOptions) {
    const entry = opts.entry ?? WORKER;
    const key = `${entry.href}|${opts.size}`;
    let shared = POOLS.get(key);
    if (!shared) POOLS.set(key, (shared = new SharedPool(key, entry, opts.size)));
    shared.acquire(this);
    this.shared = shared;
    this.configKey = JSON.stringify(config);
  }

  /** Run one message's work; never rejects (a worker failure is an `internal` answer). */
  run(job: Omit<WorkerJob, 'id' | 'configKey' | 'config'>): Promise<PoolAnswer> {
    const id = nextId++;
    if (this.closed) return Promise.resolve({ id, ok: false, kind: 'internal', message: 'the gateway is shutting down' });
    return new Promise((resolve) => {
      // Building a runtime is the gateway's start-up, not a message's cost: warm-up jobs get the default bound.
      const messageMs = job.warmOnly ? Math.max(this.opts.messageMs, MESSAGE_PROCESSING_MAX_MS) : this.opts.messageMs;
      this.shared.submit({ lease: this, messageMs, job: { ...job, id, configKey: this.configKey, config: this.config, raw: transferable(job.raw) }, resolve });
    });
  }

  /**
   * Start the workers (up to the pool's size) and have them build this gateway's runtime, so that the first
   * messages do not wait seconds for a worker to start (a client's DATA reply timeout is 15 s in the suite).
   * Resolves when done or when it failed (a failure shows again, as an answer, on the first message).
   */
  async warm(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.opts.size }, () =>
        this.run({ direction: 'inbound', raw: new Uint8Array(0), envelope: { mailFrom: '', rcptTo: [], authenticated: false }, trace: [], warmOnly: true }),
      ),
    );
  }

  /** Answer this gateway's queued and running messages (transient) and stop the workers running them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.shared.release(this);
  }
}

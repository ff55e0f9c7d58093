/**
 * A bounded pool of worker threads for the gateway's per-message DOMSEC work (issue 12, item 6).
 *
 * The engine's work is synchronous: run on the main thread, one costly message (a CPU bomb of 300
 * SignerInfos and 600 certificates took minutes) stopped both listeners, every relay and the SIGTERM
 * handler. Here each message runs in a worker; the main thread only speaks SMTP. A message that runs past
 * its time bound has its worker stopped (Worker.terminate interrupts synchronous JavaScript) and is
 * answered as over a processing limit; the next message gets a fresh worker. Workers start on first use,
 * so a gateway that never receives mail starts none.
 */
import { Worker } from 'node:worker_threads';
import type { GatewayConfig } from './config.js';
import { transferable, type WorkerAnswer, type WorkerData, type WorkerHello, type WorkerJob } from './worker.js';

export type PoolAnswer = WorkerAnswer | { id: number; ok: false; kind: 'timeout'; message: string };

export interface PoolOptions {
  /** Worker threads at most. */
  size: number;
  /** Time bound of one message in its worker. */
  messageMs: number;
  /** The worker module (it exports serveGatewayWorker); default ./worker.ts. Tests pass a wrapper. */
  entry?: URL;
}

interface Pending {
  job: WorkerJob;
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

export class MessagePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly config: GatewayConfig, private readonly opts: PoolOptions) {}

  /** Run one message's work; never rejects (a worker failure is an `internal` answer). */
  run(job: Omit<WorkerJob, 'id'>): Promise<PoolAnswer> {
    const id = this.nextId++;
    if (this.closed) return Promise.resolve({ id, ok: false, kind: 'internal', message: 'the gateway is shutting down' });
    return new Promise((resolve) => {
      this.queue.push({ job: { ...job, id, raw: transferable(job.raw) }, resolve });
      this.pump();
    });
  }

  /** Stop every worker; queued and running messages are answered `internal` (a transient reply). */
  async close(): Promise<void> {
    this.closed = true;
    const fail = (p: Pending): void => p.resolve({ id: p.job.id, ok: false, kind: 'internal', message: 'the gateway is shutting down' });
    for (const p of this.queue.splice(0)) fail(p);
    const slots = [...this.slots];
    this.slots.clear();
    for (const s of slots) {
      clearTimeout(s.timer);
      if (s.busy) fail(s.busy);
      s.busy = undefined;
    }
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length) {
      const idle = [...this.slots].find((s) => s.ready && !s.busy);
      if (!idle) {
        if (this.slots.size < this.opts.size) this.spawn();
        return;
      }
      this.dispatch(idle, this.queue.shift()!);
    }
  }

  private dispatch(slot: Slot, p: Pending): void {
    slot.busy = p;
    slot.timer = setTimeout(() => {
      // Past the bound: the worker is stopped with whatever it was doing; the message gets an answer now.
      this.drop(slot);
      p.resolve({ id: p.job.id, ok: false, kind: 'timeout', message: `DOMSEC processing took longer than ${this.opts.messageMs} ms` });
      this.pump();
    }, this.opts.messageMs);
    slot.worker.postMessage(p.job, [p.job.raw.buffer as ArrayBuffer]);
  }

  private drop(slot: Slot): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    slot.busy = undefined;
    void slot.worker.terminate().catch(() => undefined);
  }

  private spawn(): void {
    const entry = this.opts.entry ?? WORKER;
    const boot = entry.pathname.endsWith('.ts');
    const data: WorkerData = { entry: entry.href, config: this.config, selfStart: !boot };
    const slot: Slot = { worker: new Worker(boot ? BOOT : entry, { workerData: data }), ready: false };
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
        if (!m.ready) return failed(m.message);
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

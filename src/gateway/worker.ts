/**
 * One gateway worker thread: runs the DOMSEC work of each message it is sent (outbound: Section 5; inbound:
 * decrypt, verify, flag) and posts the result back. Each job names its gateway's config; the worker builds
 * that gateway's runtime from it once (the PKI read again, so that nothing but plain data crosses threads)
 * and keeps it, so the gateways of one process (tests start dozens) share the workers and their start-up.
 * The pool (src/gateway/pool.ts) stops a worker whose message runs past its time bound; the listeners never
 * wait on the engine.
 */
import 'reflect-metadata';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DomsecError, type DomsecErrorCode } from '../errors.js';
import { prependHeaders } from '../mime/index.js';
import { buildRuntime, type GatewayRuntime } from './runtime.js';
import { processOutbound, type OutboundEnvelope } from './outbound.js';
import { processInbound } from './inbound.js';
import type { GatewayConfig } from './config.js';
import { MAX_RUNTIMES_PER_WORKER } from './limits.js';

export interface WorkerJob {
  id: number;
  /** The gateway's config, and a key for it (its JSON): the runtime is built once per key. */
  configKey: string;
  config: GatewayConfig;
  direction: 'outbound' | 'inbound';
  raw: Uint8Array;
  envelope: OutboundEnvelope;
  /** Trace fields this hop adds (Received). */
  trace: Array<[string, string]>;
  /** Only build (and keep) the runtime for this config: the gateway warms its workers up at start. */
  warmOnly?: true;
}

export type WorkerAnswer =
  | { id: number; ok: true; message: Uint8Array; detail: string; result?: string }
  | { id: number; ok: false; kind: 'domsec'; code: DomsecErrorCode; message: string }
  | { id: number; ok: false; kind: 'internal'; message: string };

/** What the worker posts first, once it can take jobs. */
export type WorkerHello = { ready: true };

export interface WorkerData {
  entry: string;
  /** The compiled worker (dist/) serves as soon as it is loaded; from the sources worker-boot.mjs starts it. */
  selfStart: boolean;
}

/** A view of `b` that owns its whole ArrayBuffer, so that it can be transferred without copying it again. */
export function transferable(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
}

/** The DOMSEC work of one message. */
export function runJob(job: WorkerJob, rt: GatewayRuntime): WorkerAnswer {
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  try {
    if (job.direction === 'outbound') {
      const r = processOutbound(raw, job.envelope, rt);
      return { id: job.id, ok: true, message: transferable(prependHeaders(r.message, job.trace)), detail: r.steps.join('; ') };
    }
    const r = processInbound(raw, rt, job.trace);
    return { id: job.id, ok: true, message: transferable(r.message), result: r.result, detail: r.decrypted ? `decrypted ${r.shape ?? ''}`.trim() : r.shape ?? 'unparseable' };
  } catch (e) {
    if (e instanceof DomsecError) return { id: job.id, ok: false, kind: 'domsec', code: e.code, message: e.message };
    return { id: job.id, ok: false, kind: 'internal', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Serve jobs on this worker's port; `run` is runJob unless a test wraps it. */
export async function serveGatewayWorker(run: (job: WorkerJob, rt: GatewayRuntime) => WorkerAnswer = runJob): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveGatewayWorker: not in a worker thread');
  const runtimes = new Map<string, Promise<GatewayRuntime>>();
  // One job at a time (the pool sends the next only after the answer), so the runtime build is awaited in order.
  port.on('message', (job: WorkerJob) => {
    let rt = runtimes.get(job.configKey);
    if (!rt) {
      rt = buildRuntime(job.config);
      // Oldest first out: a long-lived process (tests) starts many gateways, one runtime each.
      if (runtimes.size >= MAX_RUNTIMES_PER_WORKER) runtimes.delete(runtimes.keys().next().value!);
      runtimes.set(job.configKey, rt);
      rt.catch(() => runtimes.delete(job.configKey));
    }
    rt.then(
      (r) => {
        if (job.warmOnly) return port.postMessage({ id: job.id, ok: true, message: new Uint8Array(0), detail: 'warm' } satisfies WorkerAnswer);
        const answer = run(job, r);
        port.postMessage(answer, answer.ok ? [answer.message.buffer as ArrayBuffer] : []);
      },
      (e: unknown) => port.postMessage({ id: job.id, ok: false, kind: 'internal', message: `gateway runtime: ${e instanceof Error ? e.message : String(e)}` } satisfies WorkerAnswer),
    );
  });
  port.postMessage({ ready: true } satisfies WorkerHello);
}

if (!isMainThread && (workerData as Partial<WorkerData> | null)?.selfStart) void serveGatewayWorker();

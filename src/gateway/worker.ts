/**
 * One gateway worker thread: builds the gateway's runtime from its config (the PKI read again, so that
 * nothing but plain data crosses threads), then runs the DOMSEC work of each message it is sent (outbound:
 * Section 5; inbound: decrypt, verify, flag) and posts the result back. The pool (src/gateway/pool.ts)
 * stops a worker whose message runs past its time bound; the listeners never wait on the engine.
 */
import 'reflect-metadata';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DomsecError, type DomsecErrorCode } from '../errors.js';
import { prependHeaders } from '../mime/index.js';
import { buildRuntime, type GatewayRuntime } from './runtime.js';
import { processOutbound, type OutboundEnvelope } from './outbound.js';
import { processInbound } from './inbound.js';
import type { GatewayConfig } from './config.js';

export interface WorkerJob {
  id: number;
  direction: 'outbound' | 'inbound';
  raw: Uint8Array;
  envelope: OutboundEnvelope;
  /** Trace fields this hop adds (Received). */
  trace: Array<[string, string]>;
}

export type WorkerAnswer =
  | { id: number; ok: true; message: Uint8Array; detail: string; result?: string }
  | { id: number; ok: false; kind: 'domsec'; code: DomsecErrorCode; message: string }
  | { id: number; ok: false; kind: 'internal'; message: string };

/** What the worker posts first: its runtime is built, or why not. */
export type WorkerHello = { ready: true } | { ready: false; message: string };

export interface WorkerData {
  entry: string;
  config: GatewayConfig;
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
  let rt: GatewayRuntime;
  try {
    rt = await buildRuntime((workerData as WorkerData).config);
  } catch (e) {
    port.postMessage({ ready: false, message: e instanceof Error ? e.message : String(e) } satisfies WorkerHello);
    return;
  }
  port.on('message', (job: WorkerJob) => {
    const answer = run(job, rt);
    port.postMessage(answer, answer.ok ? [answer.message.buffer as ArrayBuffer] : []);
  });
  port.postMessage({ ready: true } satisfies WorkerHello);
}

if (!isMainThread && (workerData as Partial<WorkerData> | null)?.selfStart) void serveGatewayWorker();

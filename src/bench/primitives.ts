/**
 * The raw cost floor of each row: the primitives its work cannot avoid, run by node:crypto (OpenSSL's
 * implementations) on buffers of exactly the sizes the row processes.
 *
 *   crypto plan  SHA-256 over every signed eContent, AES-256-CBC over every encrypted content, and one
 *                RSA-2048 private or public operation per signature / key transport
 *   + MIME       the same plus base64 of every application/pkcs7-mime body read or written (the
 *                transfer encoding S/MIME imposes on both sides; OpenSSL does it too)
 *
 * The plan is read from the row's real input and output files (the layer tree says what was hashed,
 * decrypted, encoded), so Example 7's growing layers are counted at their real sizes.
 */
import { constants, createCipheriv, createDecipheriv, createHash, privateDecrypt, publicEncrypt, randomFillSync, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { contentTransferEncoding } from '../mime/index.js';
import { layerChain, parseMessage, type Layer } from '../message/layers.js';
import type { EngineOp } from './engine-ops.js';
import type { Parties } from './parties.js';

export type Primitive = 'sha256' | 'aes-256-cbc-encrypt' | 'aes-256-cbc-decrypt' | 'rsa-sign' | 'rsa-verify' | 'rsa-encrypt' | 'rsa-decrypt' | 'base64-encode' | 'base64-decode';
export const CRYPTO_PRIMITIVES: readonly Primitive[] = ['sha256', 'aes-256-cbc-encrypt', 'aes-256-cbc-decrypt', 'rsa-sign', 'rsa-verify', 'rsa-encrypt', 'rsa-decrypt'];

/** One primitive over `bytes` bytes (for base64-decode: encoded characters; for RSA: one operation, bytes 0). */
export interface PlanItem {
  prim: Primitive;
  bytes: number;
  /** What it stands for, e.g. "S3 eContent". */
  what: string;
}

function base64Body(l: Layer): number | undefined {
  return l.entity && contentTransferEncoding(l.entity) === 'base64' ? l.entity.body.length : undefined;
}

/** What reading a message costs at least: every layer of its chain (envelopes opened with the keys given). */
function readPlan(root: Layer): PlanItem[] {
  const out: PlanItem[] = [];
  layerChain(root).forEach((l, i) => {
    const body = base64Body(l);
    if (body !== undefined && l.kind !== 'content') out.push({ prim: 'base64-decode', bytes: body, what: `layer ${i} body` });
    if (l.kind === 'signedData' || l.kind === 'multipartSigned') {
      if (l.content) out.push({ prim: 'sha256', bytes: l.content.length, what: `layer ${i} eContent` });
      for (const _ of l.sd.signerInfos) out.push({ prim: 'rsa-verify', bytes: 0, what: `layer ${i} signature` });
    }
    if ((l.kind === 'envelopedData' || l.kind === 'authEnvelopedData') && l.inner) {
      out.push({ prim: 'rsa-decrypt', bytes: 0, what: `layer ${i} key transport` });
      out.push({ prim: 'aes-256-cbc-decrypt', bytes: l.env.encryptedContent?.length ?? 0, what: `layer ${i} content` });
    }
  });
  return out;
}

/** What writing the `count` outermost layers of a message costs at least. */
function writePlan(root: Layer, count: number): PlanItem[] {
  const out: PlanItem[] = [];
  layerChain(root).slice(0, count).forEach((l, i) => {
    if (l.kind === 'signedData' || l.kind === 'multipartSigned') {
      if (l.sd.signerInfos.length && l.content) out.push({ prim: 'sha256', bytes: l.content.length, what: `new layer ${i} eContent` });
      for (const _ of l.sd.signerInfos) out.push({ prim: 'rsa-sign', bytes: 0, what: `new layer ${i} signature` });
      out.push({ prim: 'base64-encode', bytes: l.der.length, what: `new layer ${i} DER` });
    }
    if (l.kind === 'envelopedData' || l.kind === 'authEnvelopedData') {
      const ct = l.env.encryptedContent?.length ?? 0;
      // PKCS#7 padding: the plaintext is 1..16 bytes shorter than the ciphertext.
      out.push({ prim: 'aes-256-cbc-encrypt', bytes: Math.max(0, ct - 1), what: `new layer ${i} content` });
      for (const _ of l.env.recipientInfos) out.push({ prim: 'rsa-encrypt', bytes: 0, what: `new layer ${i} key transport` });
      out.push({ prim: 'base64-encode', bytes: l.der.length, what: `new layer ${i} DER` });
    }
  });
  return out;
}

/** The primitives a row's work needs, read from its input and (engine-made) output files. */
export function primitivePlan(op: EngineOp, p: Parties, input: string, output: string): PlanItem[] {
  const read = (path: string, keys: Parties['localDca'][] = []) => parseMessage(readFileSync(path), { keys: keys.map((k) => ({ certDer: k.certDer, key: k.key })) });
  switch (op) {
    case 'sign':
      return writePlan(read(output), 1);
    case 'domainSign':
      return writePlan(read(output), 2);
    case 'encrypt':
      return writePlan(read(output), 1);
    case 'verify':
      return readPlan(read(input));
    case 'decrypt':
      return readPlan(read(input, [p.remoteDca]));
    case 'example7':
      // The output is opened with the receiving DCA's key, so that the new domain signature under E is counted.
      return [...readPlan(read(input, [p.localDca])), ...writePlan(read(output, [p.remoteDca]), 2)];
  }
}

// ------------------------------------------------------------------ timing

const CHUNK = 1024 * 1024 * 3; // base64 in 3 MiB quanta-aligned chunks, as the engine does

/** A runnable primitive: prepare buffers (untimed), then run() is the timed part. */
function prepare(item: PlanItem, keys: { priv: KeyObject; pub: KeyObject }): () => unknown {
  const data = (n: number) => randomFillSync(Buffer.allocUnsafe(n));
  const key = data(32);
  const iv = data(16);
  switch (item.prim) {
    case 'sha256': {
      const b = data(item.bytes);
      return () => createHash('sha256').update(b).digest();
    }
    case 'aes-256-cbc-encrypt': {
      const b = data(item.bytes);
      return () => {
        const c = createCipheriv('aes-256-cbc', key, iv);
        return [c.update(b), c.final()];
      };
    }
    case 'aes-256-cbc-decrypt': {
      const c = createCipheriv('aes-256-cbc', key, iv);
      const ct = Buffer.concat([c.update(data(Math.max(0, item.bytes - 16))), c.final()]);
      return () => {
        const d = createDecipheriv('aes-256-cbc', key, iv);
        return [d.update(ct), d.final()];
      };
    }
    case 'rsa-sign': {
      const m = data(200);
      return () => rsaSign('sha256', m, keys.priv);
    }
    case 'rsa-verify': {
      const m = data(200);
      const sig = rsaSign('sha256', m, keys.priv);
      return () => rsaVerify('sha256', m, keys.pub, sig);
    }
    case 'rsa-encrypt': {
      const m = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(221, 1), Buffer.from([0]), data(32)]);
      return () => publicEncrypt({ key: keys.pub, padding: constants.RSA_NO_PADDING }, m);
    }
    case 'rsa-decrypt': {
      const m = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(221, 1), Buffer.from([0]), data(32)]);
      const ct = publicEncrypt({ key: keys.pub, padding: constants.RSA_NO_PADDING }, m);
      return () => privateDecrypt({ key: keys.priv, padding: constants.RSA_NO_PADDING }, ct);
    }
    case 'base64-encode': {
      const b = data(item.bytes);
      return () => {
        const out = Buffer.allocUnsafe(Math.ceil(b.length / 3) * 4);
        let o = 0;
        for (let s = 0; s < b.length; s += CHUNK) o += out.write(b.toString('base64', s, Math.min(b.length, s + CHUNK)), o, 'latin1');
        return out;
      };
    }
    case 'base64-decode': {
      const text = Buffer.from(data(Math.floor(item.bytes / 4) * 3).toString('base64'), 'latin1');
      return () => {
        const out = Buffer.allocUnsafe((text.length / 4) * 3);
        let o = 0;
        const step = (CHUNK / 3) * 4;
        for (let s = 0; s < text.length; s += step) o += out.write(text.toString('latin1', s, Math.min(text.length, s + step)), o, 'base64');
        return out;
      };
    }
  }
}

export interface PrimitiveTiming {
  item: PlanItem;
  medianMs: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Time every item (median of `runs` after `warmup`); identical items are timed once. */
export function timePlan(plan: PlanItem[], keys: { priv: KeyObject; pub: KeyObject }, warmup: number, runs: number, gc?: () => void): PrimitiveTiming[] {
  const cache = new Map<string, number>();
  return plan.map((item) => {
    const k = `${item.prim}:${item.bytes}`;
    let ms = cache.get(k);
    if (ms === undefined) {
      const run = prepare(item, keys);
      for (let i = 0; i < warmup; i++) run();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        gc?.();
        const t0 = performance.now();
        run();
        times.push(performance.now() - t0);
      }
      ms = median(times);
      cache.set(k, ms);
    }
    return { item, medianMs: ms };
  });
}

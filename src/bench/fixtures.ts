/**
 * The input files, made once per size and then read by every side (engine in-process, domsec CLI,
 * openssl cms):
 *
 *   C.eml    the content: an RFC 5322 message from alice@example.test whose body is a base64 attachment
 *            (random bytes), `size` bytes in all (the header block included)
 *   S.eml    C signed by the originator (the engine's "sign" row output): the input of "verify"
 *   E.eml    C enveloped for the receiving DCA (the engine's "encrypt" row output): the input of "decrypt"
 *   ex7.eml  Example 7 of draft Section 5.1, S3(E2(S2(E1(S1(C))))), built by src/domsec/examples.ts with
 *            E1 and E2 for the sending domain's DCA
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECTION5_EXAMPLES, buildExampleInput } from '../domsec/examples.js';
import { parseEntity, splitOuterHeaders } from '../mime/index.js';
import { runEngineOp } from './engine-ops.js';
import { FROM, TO, type Parties } from './parties.js';

export interface SizeFixture {
  label: string;
  /** Content size asked for (bytes); `contentBytes` is what C.eml actually has. */
  size: number;
  contentBytes: number;
  dir: string;
  content: string;
  signed: string;
  enveloped: string;
  example7: string;
  bytes: { signed: number; enveloped: number; example7: number };
}

const EXAMPLE_7 = SECTION5_EXAMPLES.find((e) => e.number === 7)!;

function headerBlock(size: number): Buffer {
  return Buffer.from(
    [
      `From: ${FROM}`,
      `To: ${TO}`,
      `Subject: domsec-suite benchmark, ${size} bytes`,
      'Date: Sun, 01 Mar 2026 12:00:00 +0000',
      `Message-ID: <bench-${size}@example.test>`,
      'MIME-Version: 1.0',
      'Content-Type: application/octet-stream; name=attachment.bin',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename=attachment.bin',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** C: `size` bytes (to within the last base64 quantum): headers, then 76-character CRLF lines of base64. */
export function contentMessage(size: number): Buffer {
  const head = headerBlock(size);
  const room = Math.max(8, size - head.length);
  const fullLines = Math.floor(room / 78);
  const lastChars = Math.max(0, Math.floor((room - fullLines * 78 - 2) / 4) * 4);
  const chars = fullLines * 76 + lastChars;
  const b64 = randomBytes((chars / 4) * 3).toString('base64');
  const out = Buffer.allocUnsafe(head.length + fullLines * 78 + (lastChars > 0 ? lastChars + 2 : 0));
  let o = head.copy(out, 0);
  for (let i = 0; i < chars; i += 76) {
    o += out.write(b64.slice(i, Math.min(chars, i + 76)), o, 'latin1');
    o += out.write('\r\n', o, 'latin1');
  }
  return out.subarray(0, o);
}

export function sizeLabel(size: number): string {
  if (size >= 1e6) return `${size / 1e6} MB`;
  if (size >= 1e3) return `${size / 1e3} KB`;
  return `${size} B`;
}

export function makeFixture(root: string, size: number, p: Parties): SizeFixture {
  const dir = join(root, `size-${size}`);
  mkdirSync(dir, { recursive: true });
  const content = join(dir, 'C.eml');
  const c = contentMessage(size);
  writeFileSync(content, c);
  const signed = join(dir, 'S.eml');
  const enveloped = join(dir, 'E.eml');
  const bytesSigned = runEngineOp('sign', p, content, signed).outBytes;
  const bytesEnveloped = runEngineOp('encrypt', p, content, enveloped).outBytes;
  const example7 = join(dir, 'ex7.eml');
  const { outer, inner } = splitOuterHeaders(parseEntity(c));
  const ex = buildExampleInput(EXAMPLE_7, {
    originator: { certDer: p.originator.certDer, key: p.originator.key },
    other: { certDer: p.other.certDer, key: p.other.key },
    innerRecipients: [{ certDer: p.localDca.certDer }],
    headers: outer.map((h) => [h.name, h.value] as [string, string]),
    content: inner,
    signingTime: new Date(),
  });
  writeFileSync(example7, ex.message);
  return {
    label: sizeLabel(size),
    size,
    contentBytes: c.length,
    dir,
    content,
    signed,
    enveloped,
    example7,
    bytes: { signed: bytesSigned, enveloped: bytesEnveloped, example7: ex.message.length },
  };
}

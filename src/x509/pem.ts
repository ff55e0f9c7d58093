/**
 * PEM armour (RFC 7468). Hand-written rather than @peculiar/x509's PemConverter because callers need
 * the label of every block (a bundle may mix CERTIFICATE and key blocks) and strict base64: Buffer.from
 * silently drops invalid characters, which would turn a corrupted file into a different DER blob.
 */

export interface PemBlock {
  label: string;
  der: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
/** RFC 7468 3: base64 text, optionally with RFC 1421 headers (Proc-Type etc., legacy encrypted keys). */
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;

export function looksLikePem(input: Buffer | string): boolean {
  const text = typeof input === 'string' ? input : input.subarray(0, 64 * 1024).toString('latin1');
  return text.includes('-----BEGIN ');
}

/** Every PEM block in `text`, in order. A block whose body is not base64 throws (the caller names the error). */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const label = m[1] ?? '';
    const body = m[2] ?? '';
    if (/^[A-Za-z-]+:/m.test(body)) {
      // RFC 1421 headers mean a legacy encrypted key: report the label so the caller can say why it fails.
      blocks.push({ label: `${label} (with RFC 1421 headers)`, der: Buffer.alloc(0) });
      continue;
    }
    if (!BASE64_BODY.test(body)) throw new Error(`PEM block "${label}" has non-base64 content`);
    const compact = body.replace(/\s+/g, '');
    if (compact.length % 4 !== 0) throw new Error(`PEM block "${label}" has truncated base64`);
    blocks.push({ label, der: Buffer.from(compact, 'base64') });
  }
  return blocks;
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

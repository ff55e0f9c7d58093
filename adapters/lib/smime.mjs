/**
 * What every wrapper of adapters/ shares: the S/MIME framing around a CMS tool that reads and writes bare
 * CMS (DER), the wrapper's command line, running the tool with an argv array (never a shell), and writing
 * the result atomically. Plain JavaScript, no dependency but Node: a wrapper starts in about 0.1 s.
 *
 * The framing follows RFC 8551: the message header fields (From, To, Subject, ...) stay outside the
 * S/MIME layer; the Content-* fields and the body are the MIME entity that is encrypted (3.1); an
 * application/pkcs7-mime entity carries the CMS object base64-encoded (3.3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** A refusal by the tool (or input the wrapper cannot frame): exit status 1 with one line on stderr. */
export class ToolError extends Error {
  /** Exit status 3: the wrapper cannot present this input to its tool (not the tool's verdict). */
  notPresentable = false;
  /** The tool was killed by this signal (it crashed): the wrapper dies of the same signal, so the suite sees a crash, not a refusal. */
  signal;
}

/** Header fields and body of a message or entity, continuation lines kept with their field (RFC 5322 2.2.3). */
export function splitMessage(raw) {
  const text = raw.toString('latin1');
  const sep = /\r?\n\r?\n/.exec(text);
  if (!sep) throw new ToolError('the input has no empty line between header and body');
  const fields = text.slice(0, sep.index).split(/\r?\n(?![ \t])/).map((f) => f.replace(/\r?\n/g, '\r\n'));
  const body = text.slice(sep.index + sep[0].length);
  const outer = fields.filter((f) => !/^(content-[^:]*|mime-version)\s*:/i.test(f));
  const content = fields.filter((f) => /^content-[^:]*:/i.test(f));
  return { outer, content, body: Buffer.from(body, 'latin1'), entity: Buffer.from(`${content.join('\r\n')}\r\n\r\n${body}`, 'latin1') };
}

const field = (fields, name) => fields.find((f) => f.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';

/** The CMS object (DER/BER) an application/pkcs7-mime message or entity carries; bare DER passes through. */
export function cmsOf(raw) {
  if (raw[0] === 0x30) return raw;
  const { content, body } = splitMessage(raw);
  const type = field(content, 'content-type').toLowerCase();
  if (!/^application\/(x-)?pkcs7-mime\b/.test(type)) {
    const e = new ToolError(`this wrapper presents only application/pkcs7-mime to its tool, not ${type.split(';')[0] || 'an entity without Content-Type'}`);
    e.notPresentable = true;
    throw e;
  }
  const cte = field(content, 'content-transfer-encoding').toLowerCase();
  return cte === 'base64' ? Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') : body;
}

/** An application/pkcs7-mime entity around a CMS object (RFC 8551 3.3), base64 in 76-character lines. */
export function pkcs7Entity(der, smimeType) {
  const b64 = der.toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return Buffer.from(`Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=smime.p7m\r\n\r\n${b64}`, 'latin1');
}

/** The message around an entity: the outer header fields, MIME-Version unless the entity has it (RFC 2045 4), the entity. */
export function compose(outer, entity) {
  const text = entity.toString('latin1');
  const headerEnd = /\r?\n\r?\n/.exec(text)?.index ?? text.length;
  const hasVersion = /^mime-version\s*:/im.test(text.slice(0, headerEnd));
  const head = [...outer, ...(outer.length && !hasVersion ? ['MIME-Version: 1.0'] : [])].map((f) => `${f}\r\n`).join('');
  return Buffer.concat([Buffer.from(head, 'latin1'), entity]);
}

/** Write OUT atomically: a refusal never leaves a half-written file where the caller looks for the result. */
export function writeResult(out, data) {
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, out);
}

/** A private scratch folder (0700, under --dir when given), removed afterwards whatever happens. */
export function withScratch(dir, fn) {
  const path = mkdtempSync(join(dir ?? tmpdir(), 'w-'));
  try {
    return fn(path);
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Run a tool with an argv array. The exact command line goes to stderr first ("+ tool args"), so the
 * evidence of a case shows what the tool was asked, then the tool's own stderr (passed on whatever the
 * outcome). A non-zero exit status becomes a ToolError naming the tool's last stderr line; `allowFail`
 * returns the status instead.
 */
export function run(program, args, { input, env, allowFail = false, quiet = false } = {}) {
  if (!quiet) process.stderr.write(`+ ${[program, ...args].join(' ')}\n`);
  const r = spawnSync(program, args, { input, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw new ToolError(r.error.code === 'ENOENT' ? `${program}: not found on PATH` : `${program}: ${r.error.message}`);
  const stderr = r.stderr.toString();
  if (!quiet && stderr) process.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
  if (r.signal) {
    const e = new ToolError(`${program} was killed by ${r.signal}`);
    e.signal = r.signal;
    throw e;
  }
  if (r.status !== 0 && !allowFail) {
    const last = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'no message';
    throw new ToolError(`${program} exited with status ${r.status}: ${last}`);
  }
  return { status: r.status, stdout: r.stdout, stderr };
}

const OPTIONS = { in: { type: 'string' }, out: { type: 'string' }, recip: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, trust: { type: 'string' }, time: { type: 'string' }, dir: { type: 'string' } };
// encrypt's --trust: the trust anchor, for tools that validate the recipient's chain before encrypting (gpgsm, NSS).
const REQUIRED = { encrypt: ['in', 'out', 'recip'], decrypt: ['in', 'out', 'cert', 'key'], verify: ['in', 'out', 'trust'] };

/**
 * The wrapper's command line, the same for every implementation:
 *   encrypt --in MSG --out OUT --recip CERT [--trust CA] [--dir D]  the entity of MSG enveloped for CERT (PEM)
 *   decrypt --in MSG --out OUT --cert CERT --key KEY [--dir D]  the decrypted entity, MSG's header fields kept
 *   verify  --in MSG --out OUT --trust CA [--time ISO] [--dir D] the content of the outer SignedData, if it verifies
 * Exit status: 0 and OUT written; 1 the tool refused (OUT not written); 2 usage; 3 the wrapper cannot present
 * this input to its tool (e.g. a multipart/signed layer): the reader role records NOT TESTED, not a refusal.
 */
export function main(name, ops, argv = process.argv.slice(2)) {
  const [command, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true }));
  } catch (e) {
    process.stderr.write(`${name}: ${e.message.split('\n')[0]}\n`);
    return 2;
  }
  const missing = REQUIRED[command]?.filter((o) => values[o] === undefined) ?? [];
  if (!REQUIRED[command] || !ops[command] || missing.length) {
    process.stderr.write(`${name}: usage: ${Object.keys(ops).join(' | ')} (see adapters/README.md)${missing.length ? `; missing --${missing.join(', --')}` : ''}\n`);
    return 2;
  }
  try {
    ops[command](values);
    return 0;
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    process.stderr.write(`${name}: ${command}: ${e.message}\n`);
    if (e.signal) process.kill(process.pid, e.signal);
    return e.notPresentable ? 3 : 1;
  }
}

export const readInput = (path) => readFileSync(path);

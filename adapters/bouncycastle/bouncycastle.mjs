#!/usr/bin/env node
/**
 * Bouncy Castle (Debian's libbcprov-java, libbcpkix-java, libbcutil-java on the machine's OpenJDK) behind
 * the suite's adapters: DomsecBc.java beside this file is compiled with javac on first use into a cache
 * folder named after the source's hash (so an edited source is compiled again), then run with `java`.
 * This wrapper does the S/MIME framing; the Java program reads and writes bare CMS.
 *
 *   node bouncycastle.mjs encrypt --in MSG --out OUT --recip CERT [--dir D]
 *   node bouncycastle.mjs decrypt --in MSG --out OUT --cert CERT --key KEY [--dir D]
 *   node bouncycastle.mjs verify  --in MSG --out OUT --trust CA --time ISO [--dir D]
 *
 * Environment: BC_JARS (colon-separated jars; default Debian's /usr/share/java/bc{prov,pkix,util}.jar),
 * DOMSEC_CACHE (default ~/.cache/domsec-suite).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ToolError, cmsOf, compose, main, pkcs7Entity, run, splitMessage, withScratch, writeResult } from '../lib/smime.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'DomsecBc.java');
export const JARS = (process.env.BC_JARS ?? ['bcprov', 'bcpkix', 'bcutil'].map((j) => `/usr/share/java/${j}.jar`).join(':')).split(':');
/** JVM start-up options: this program runs for a fraction of a second, so the JIT's higher tiers never pay off. */
const JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

/** The compiled classes, compiled now if the cache has none for this source; atomic, so concurrent first calls are safe. */
export function classes() {
  const missing = JARS.filter((j) => !existsSync(j));
  if (missing.length) throw new ToolError(`Bouncy Castle jar(s) not found: ${missing.join(', ')} (apt-get install libbcprov-java libbcpkix-java libbcutil-java)`);
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(JARS.join(':')).digest('hex').slice(0, 16);
  const cache = join(process.env.DOMSEC_CACHE ?? join(homedir(), '.cache', 'domsec-suite'), `bouncycastle-${hash}`);
  if (existsSync(join(cache, 'DomsecBc.class'))) return cache;
  mkdirSync(dirname(cache), { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(`${cache}.tmp-`);
  try {
    run('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', tmp, '-cp', JARS.join(':'), SOURCE]);
    try {
      renameSync(tmp, cache);
    } catch (e) {
      // Another call compiled it first: use theirs.
      if (!existsSync(join(cache, 'DomsecBc.class'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return cache;
}

const java = (args) => run('java', [...JVM, '-cp', [classes(), ...JARS].join(':'), 'DomsecBc', ...args]);

const ops = {
  encrypt(o) {
    const { outer, entity } = splitMessage(readFileSync(o.in));
    withScratch(o.dir, (s) => {
      writeFileSync(join(s, 'entity'), entity);
      java(['encrypt', join(s, 'entity'), join(s, 'enc.der'), o.recip]);
      writeResult(o.out, compose(outer, pkcs7Entity(readFileSync(join(s, 'enc.der')), 'enveloped-data')));
    });
  },
  decrypt(o) {
    const raw = readFileSync(o.in);
    const { outer } = raw[0] === 0x30 ? { outer: [] } : splitMessage(raw);
    withScratch(o.dir, (s) => {
      writeFileSync(join(s, 'in.der'), cmsOf(raw));
      java(['decrypt', join(s, 'in.der'), join(s, 'plain'), o.cert, o.key]);
      writeResult(o.out, compose(outer, readFileSync(join(s, 'plain'))));
    });
  },
  verify(o) {
    const raw = readFileSync(o.in);
    withScratch(o.dir, (s) => {
      writeFileSync(join(s, 'in.der'), cmsOf(raw));
      java(['verify', join(s, 'in.der'), join(s, 'content'), o.trust, new Date(o.time ?? Date.now()).toISOString()]);
      writeResult(o.out, readFileSync(join(s, 'content')));
    });
  },
  /** Compile only (CI warms the cache with it; `domsec matrix` reports a failed build as the reason it skips). */
  build() {
    process.stdout.write(`${classes()}\n`);
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === 'build' || process.argv[2] === 'version') {
    try {
      if (process.argv[2] === 'build') ops.build();
      else process.stdout.write(run('java', [...JVM, '-cp', [classes(), ...JARS].join(':'), 'DomsecBc', 'version'], { quiet: true }).stdout);
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      process.stderr.write(`bouncycastle.mjs: ${process.argv[2]}: ${e.message}\n`);
      process.exitCode = 1;
    }
  } else process.exitCode = main('bouncycastle.mjs', ops);
}

#!/usr/bin/env node
/**
 * NSS's cmsutil (libnss3-tools; NSS is the S/MIME engine of Thunderbird) behind the suite's adapters:
 * each call works in a throwaway NSS database (`certutil -N --empty-password`) inside its private
 * folder, with the suite's trust anchor imported as trusted for e-mail ("C,C,C") and, to decrypt, the
 * user's key imported from a PKCS#12 the wrapper makes with the OpenSSL CLI.
 *
 *   node nss.mjs encrypt --in MSG --out OUT --recip CERT --trust CA [--dir D]
 *   node nss.mjs decrypt --in MSG --out OUT --cert CERT --key KEY [--dir D]
 *   node nss.mjs verify  --in MSG --out OUT --trust CA [--dir D]
 *
 * The verdict of verify is cmsutil's exit status (`cmsutil -D` verifies every SignerInfo for
 * certUsageEmailSigner and fails on the first that does not verify). cmsutil has no option for the
 * validation time: NSS validates at the time of the run (--time is ignored; the test PKI is valid from
 * 2025 to 2036, and the expired certificate of the vectors expired in 2021).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cmsOf, compose, main, pkcs7Entity, run, splitMessage, withScratch, writeResult } from '../lib/smime.mjs';

const PASSPHRASE = 'domsec-throwaway';

/** A fresh NSS database with the trust anchor trusted to issue e-mail certificates. */
function database(scratch, trust) {
  const dir = join(scratch, 'nssdb');
  mkdirSync(dir, { mode: 0o700 });
  const db = `sql:${dir}`;
  run('certutil', ['-N', '-d', db, '--empty-password']);
  if (trust) run('certutil', ['-A', '-d', db, '-n', 'domsec-trust-anchor', '-t', 'C,C,C', '-i', trust]);
  return db;
}

const ops = {
  encrypt(o) {
    const { outer, entity } = splitMessage(readFileSync(o.in));
    withScratch(o.dir, (s) => {
      const db = database(s, o.trust);
      run('certutil', ['-A', '-d', db, '-n', 'recipient', '-t', ',,', '-i', o.recip]);
      writeFileSync(join(s, 'entity'), entity);
      run('cmsutil', ['-E', '-r', 'recipient', '-d', db, '-i', join(s, 'entity'), '-o', join(s, 'enc.der')]);
      writeResult(o.out, compose(outer, pkcs7Entity(readFileSync(join(s, 'enc.der')), 'enveloped-data')));
    });
  },
  decrypt(o) {
    const raw = readFileSync(o.in);
    const { outer } = raw[0] === 0x30 ? { outer: [] } : splitMessage(raw);
    withScratch(o.dir, (s) => {
      const db = database(s, undefined);
      run('openssl', ['pkcs12', '-export', '-inkey', o.key, '-in', o.cert, '-passout', `pass:${PASSPHRASE}`, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-out', join(s, 'user.p12')]);
      run('pk12util', ['-i', join(s, 'user.p12'), '-d', db, '-W', PASSPHRASE, '-K', '']);
      writeFileSync(join(s, 'in.der'), cmsOf(raw));
      run('cmsutil', ['-D', '-d', db, '-i', join(s, 'in.der'), '-o', join(s, 'plain')]);
      writeResult(o.out, compose(outer, readFileSync(join(s, 'plain'))));
    });
  },
  verify(o) {
    const raw = readFileSync(o.in);
    withScratch(o.dir, (s) => {
      const db = database(s, o.trust);
      writeFileSync(join(s, 'in.der'), cmsOf(raw));
      run('cmsutil', ['-D', '-d', db, '-i', join(s, 'in.der'), '-o', join(s, 'content')]);
      writeResult(o.out, readFileSync(join(s, 'content')));
    });
  },
};

/** cmsutil has no version option: the version of the NSS library it runs on, as the package manager records it. */
function version() {
  const r = run('dpkg-query', ['-W', '-f', '${Version}', 'libnss3'], { allowFail: true, quiet: true });
  process.stdout.write(`NSS ${r.status === 0 ? r.stdout.toString().trim() : '(version unknown: no dpkg-query)'}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === 'version') version();
  else process.exitCode = main('nss.mjs', ops);
}

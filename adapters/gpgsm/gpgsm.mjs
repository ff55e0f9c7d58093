#!/usr/bin/env node
/**
 * GnuPG's gpgsm (the S/MIME engine behind KMail and Kleopatra) behind the suite's adapters: each call
 * works in a throwaway GNUPGHOME inside its private folder, with the suite's trust anchor marked trusted
 * (trustlist.txt, flag S), CRL checks off (the test PKI publishes none) and the agent's loopback
 * pinentry (the wrapper gives the passphrase of the PKCS#12 it imports on stdin; nothing prompts).
 *
 *   node gpgsm.mjs encrypt --in MSG --out OUT --recip CERT --trust CA [--dir D]
 *   node gpgsm.mjs decrypt --in MSG --out OUT --cert CERT --key KEY [--dir D]
 *   node gpgsm.mjs verify  --in MSG --out OUT --trust CA [--time ISO] [--dir D]
 *
 * The verdict of verify is the one GPGME gives its applications (KMail, Kleopatra), read from gpgsm's
 * status lines: every signature GOODSIG with a fully trusted chain, and no EXPKEYSIG, EXPSIG, REVKEYSIG,
 * BADSIG, ERRSIG or ERROR line (a layer without any signature, the empty signature layer, is shown unsigned). gpgsm's own exit status is 0 for some signatures GPGME reports as not
 * valid (a signer certificate expired at signing time, a key usage without digitalSignature): the exit
 * status alone would misstate what a user of gpgsm sees. Both are printed on stderr for the evidence.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ToolError, cmsOf, compose, main, pkcs7Entity, run, splitMessage, withScratch, writeResult } from '../lib/smime.mjs';

/** A fresh GNUPGHOME: the trust anchor imported and trusted, no CRL checks, loopback pinentry allowed. */
function home(scratch, trust) {
  const dir = join(scratch, 'gnupg');
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'gpg-agent.conf'), 'allow-loopback-pinentry\n');
  writeFileSync(join(dir, 'gpgsm.conf'), 'disable-crl-checks\ndisable-dirmngr\n');
  const env = { ...process.env, GNUPGHOME: dir };
  if (trust) {
    gpgsm(env, ['--import', trust]);
    const fpr = fingerprints(env)[0];
    if (!fpr) throw new ToolError('gpgsm did not import the trust anchor');
    writeFileSync(join(dir, 'trustlist.txt'), `${fpr} S\n`);
  }
  return env;
}

const gpgsm = (env, args, opts = {}) => run('gpgsm', ['--batch', ...args], { env, ...opts });

function fingerprints(env) {
  const out = run('gpgsm', ['--with-colons', '--list-keys'], { env, quiet: true }).stdout.toString();
  return [...out.matchAll(/^fpr:(?:[^:]*:){8}([0-9A-F]+):/gm)].map((m) => m[1]);
}

/** End the agent this GNUPGHOME started (it leaves the wrapper's process group when it daemonises). */
function stopAgent(env) {
  run('gpgconf', ['--kill', 'all'], { env, allowFail: true, quiet: true });
}

/** 2026-03-01T12:00:00Z -> 20260301T120000, gpgsm's --faked-system-time form. */
const fakedTime = (iso) => new Date(iso).toISOString().replace(/[-:]/g, '').slice(0, 15);

/** Protects the PKCS#12 the wrapper makes to import the user's key: the home is thrown away after the call. */
const PASSPHRASE = 'domsec-throwaway';

/**
 * Import the user's key: gpgsm imports private keys only as PKCS#12, and libksba 1.6 reads the legacy
 * PBE-SHA1-3DES form, not PBES2. gpgsm 2.2.40 refuses about one such file in 150 with the right passphrase
 * ("data error at shrouded_key_bag.decrypted-text"; docs/implementations.md, test/fixtures/matrix/gpgsm-import-fails.p12): the key import is
 * the wrapper's set-up, not what is graded, so a fresh PKCS#12 (new salt) is tried, at most three times,
 * each failure left in the evidence.
 */
function importKey(env, scratch, cert, key) {
  for (let attempt = 1; ; attempt++) {
    const p12 = join(scratch, `user-${attempt}.p12`);
    run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-passout', `pass:${PASSPHRASE}`, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-out', p12]);
    const r = gpgsm(env, ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--import', p12], { input: `${PASSPHRASE}\n`, allowFail: true });
    if (r.status === 0) return;
    if (attempt === 3) throw new ToolError(`gpgsm could not import the user's key (3 attempts): ${r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).find((l) => /error/.test(l)) ?? `exit status ${r.status}`}`);
    process.stderr.write(`gpgsm.mjs: the PKCS#12 import failed (attempt ${attempt}); trying a fresh PKCS#12\n`);
  }
}

const ops = {
  encrypt(o) {
    const { outer, entity } = splitMessage(readFileSync(o.in));
    withScratch(o.dir, (s) => {
      // gpgsm validates the recipient's certificate chain before encrypting: it needs the trust anchor.
      const env = home(s, o.trust);
      try {
        const before = new Set(fingerprints(env));
        gpgsm(env, ['--import', o.recip]);
        const fpr = fingerprints(env).find((f) => !before.has(f));
        if (!fpr) throw new ToolError('gpgsm did not import the recipient certificate');
        writeFileSync(join(s, 'entity'), entity);
        gpgsm(env, ['--encrypt', '-r', fpr, '--output', join(s, 'enc.der'), join(s, 'entity')]);
        writeResult(o.out, compose(outer, pkcs7Entity(readFileSync(join(s, 'enc.der')), 'enveloped-data')));
      } finally {
        stopAgent(env);
      }
    });
  },
  decrypt(o) {
    const raw = readFileSync(o.in);
    const { outer } = raw[0] === 0x30 ? { outer: [] } : splitMessage(raw);
    withScratch(o.dir, (s) => {
      const env = home(s, undefined);
      try {
        importKey(env, s, o.cert, o.key);
        writeFileSync(join(s, 'in.der'), cmsOf(raw));
        gpgsm(env, ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--decrypt', '--output', join(s, 'plain'), join(s, 'in.der')], { input: `${PASSPHRASE}\n` });
        writeResult(o.out, compose(outer, readFileSync(join(s, 'plain'))));
      } finally {
        stopAgent(env);
      }
    });
  },
  verify(o) {
    const raw = readFileSync(o.in);
    withScratch(o.dir, (s) => {
      const env = home(s, o.trust);
      try {
        writeFileSync(join(s, 'in.der'), cmsOf(raw));
        const time = o.time ? ['--faked-system-time', fakedTime(o.time)] : [];
        const r = gpgsm(env, [...time, '--status-fd', '1', '--verify', '--output', join(s, 'content'), join(s, 'in.der')], { allowFail: true });
        const status = r.stdout.toString();
        process.stderr.write(status.split('\n').filter(Boolean).map((l) => `status: ${l}\n`).join(''));
        if (r.status !== 0) throw new ToolError(`gpgsm exited with status ${r.status}: ${r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? ''}`);
        const signatures = status.split('[GNUPG:] NEWSIG').slice(1);
        // A SignedData without SignerInfos (the empty signature layer, draft 2.3, N12): gpgsm exits 0, reports no
        // signature and writes the content, as GPGME would show an unsigned part. Nothing to refuse.
        if (signatures.length === 0) process.stderr.write('gpgsm.mjs: no signature in this layer (no NEWSIG status line): content shown unsigned\n');
        signatures.forEach((sig, i) => {
          const bad = /\[GNUPG:\] (EXPKEYSIG|EXPSIG|REVKEYSIG|BADSIG|ERRSIG|ERROR|TRUST_NEVER|TRUST_UNDEFINED)\b[^\n]*/.exec(sig);
          if (bad) throw new ToolError(`signature ${i + 1}: ${bad[0].replace('[GNUPG:] ', '')} (GPGME reports it not valid)`);
          if (!/\[GNUPG:\] GOODSIG/.test(sig) || !/\[GNUPG:\] TRUST_(FULLY|ULTIMATE)/.test(sig)) throw new ToolError(`signature ${i + 1}: no GOODSIG with a fully trusted chain`);
        });
        writeResult(o.out, readFileSync(join(s, 'content')));
      } finally {
        stopAgent(env);
      }
    });
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main('gpgsm.mjs', ops);

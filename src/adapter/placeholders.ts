/**
 * Placeholders of the adapter file's argv arrays. Each is replaced inside an argv element (so
 * `--in={in}` works) by a file path or an address; the result is passed to the program as one argv
 * element, never through a shell, so no path or address is ever re-parsed (no quoting, no injection).
 *
 *   both commands   {in} input file, {out} output file (does not exist beforehand), {dir} the case's
 *                   private folder, {from} and {to} the message's originator and recipient addresses
 *   encrypt         {recipientCert} / {recipientCertDer}: the certificate to encrypt for (PEM / DER)
 *   decrypt         {cert} / {certDer}: the user's certificate (PEM / DER);
 *                   {key} / {keyDer}: its private key (PKCS#8, PEM / DER; file mode 0600)
 *
 * Anything else in braces that looks like a placeholder (`{word}`) is refused when the file is loaded,
 * so a typo is one clear line before the run, not a command that receives "{recipentCert}".
 */
import type { ClientStep } from './model.js';

export type Placeholder = 'in' | 'out' | 'dir' | 'from' | 'to' | 'recipientCert' | 'recipientCertDer' | 'cert' | 'certDer' | 'key' | 'keyDer';

const COMMON: readonly Placeholder[] = ['in', 'out', 'dir', 'from', 'to'];
export const PLACEHOLDERS: Readonly<Record<ClientStep, readonly Placeholder[]>> = {
  encrypt: [...COMMON, 'recipientCert', 'recipientCertDer'],
  decrypt: [...COMMON, 'cert', 'certDer', 'key', 'keyDer'],
};

/** Each command must name these (one of each group): what it reads, what it writes, and its key material. */
export const REQUIRED_PLACEHOLDERS: Readonly<Record<ClientStep, ReadonlyArray<readonly Placeholder[]>>> = {
  encrypt: [['in'], ['out'], ['recipientCert', 'recipientCertDer']],
  decrypt: [['in'], ['out'], ['key', 'keyDer']],
};

const TOKEN = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholders an argv uses; unknown ones are returned apart, with the argv index where they are. */
export function placeholdersOf(argv: readonly string[], step: ClientStep): { used: Set<Placeholder>; unknown: Array<{ index: number; name: string }> } {
  const used = new Set<Placeholder>();
  const unknown: Array<{ index: number; name: string }> = [];
  argv.forEach((arg, index) => {
    for (const m of arg.matchAll(TOKEN)) {
      const name = m[1]!;
      if ((PLACEHOLDERS[step] as readonly string[]).includes(name)) used.add(name as Placeholder);
      else unknown.push({ index, name });
    }
  });
  return { used, unknown };
}

/** Replace every placeholder in every element; each element stays one argv element whatever the values contain. */
export function substitute(argv: readonly string[], values: Partial<Record<Placeholder, string>>): string[] {
  return argv.map((arg) =>
    arg.replace(TOKEN, (whole, name: string) => {
      const v = values[name as Placeholder];
      // Loading refused unknown names; a known one without a value here is a harness bug, not vendor input.
      if (v === undefined) throw new Error(`no value for placeholder ${whole}`);
      return v;
    }),
  );
}

/**
 * Placeholders of the reader role's argv arrays (adapters/implementation.schema.json). As in the command
 * adapter (src/adapter/placeholders.ts), each is replaced inside one argv element and never re-parsed by
 * a shell; unknown names are refused when the file is loaded.
 *
 *   both      {in} the input (the vector, or what the previous step wrote), {out} where to write the result,
 *             {dir} a private scratch folder
 *   verify    {trust} / {trustDer} the vector's trust anchor (PEM / DER); {time} its validation time
 *             (ISO 8601), {epoch} the same in seconds (OpenSSL's -attime)
 *   decrypt   {cert} / {certDer}, {key} / {keyDer}: the certificate and private key (PKCS#8) of the party the vector names
 */
export type ReaderStep = 'verify' | 'decrypt';
export type ReaderPlaceholder = 'in' | 'out' | 'dir' | 'trust' | 'trustDer' | 'time' | 'epoch' | 'cert' | 'certDer' | 'key' | 'keyDer';

export const READER_PLACEHOLDERS: Readonly<Record<ReaderStep, readonly ReaderPlaceholder[]>> = {
  verify: ['in', 'out', 'dir', 'trust', 'trustDer', 'time', 'epoch'],
  decrypt: ['in', 'out', 'dir', 'cert', 'certDer', 'key', 'keyDer'],
};

const TOKEN = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

export function placeholdersIn(argv: readonly string[], step: ReaderStep): { used: Set<string>; unknown: Array<{ index: number; name: string }> } {
  const used = new Set<string>();
  const unknown: Array<{ index: number; name: string }> = [];
  argv.forEach((arg, index) => {
    for (const m of arg.matchAll(TOKEN)) {
      if ((READER_PLACEHOLDERS[step] as readonly string[]).includes(m[1]!)) used.add(m[1]!);
      else unknown.push({ index, name: m[1]! });
    }
  });
  return { used, unknown };
}

export function substituteReader(argv: readonly string[], values: Partial<Record<ReaderPlaceholder, string>>): string[] {
  return argv.map((arg) =>
    arg.replace(TOKEN, (whole, name: string) => {
      const v = values[name as ReaderPlaceholder];
      if (v === undefined) throw new Error(`no value for placeholder ${whole}`);
      return v;
    }),
  );
}

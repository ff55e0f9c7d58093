/**
 * Removing forged Authentication-Results fields (RFC 8601 section 5: a border MTA MUST delete, or
 * otherwise make ineffective, any Authentication-Results field that claims its own authserv-id on mail
 * coming into its ADMD).
 *
 * This is deliberately not the MIME parser (src/mime/entity.ts): that parser refuses a header block with
 * a line that is not "name: value" (a line without a colon, say), and a field that survives because the
 * header could not be parsed is exactly how a forged `smime=pass` reached the user (issue 12, item 13).
 * A mail reader is more lenient than our parser, so this scan is too: it walks the header block line by
 * line up to the first empty line, whatever the lines look like, groups each line with its continuation
 * lines (leading space or tab, RFC 5322 2.2.3), and drops every group that is an Authentication-Results
 * field (name compared case-insensitively, obsolete whitespace before the colon allowed, RFC 5322 4.5.3)
 * whose authserv-id is ours. Everything else is kept byte for byte.
 */

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;

/** `Authentication-Results` as a field name, any case, optional obsolete whitespace before the colon. */
const AR_NAME = /^authentication-results[ \t]*:/i;

/** RFC 5322 3.2.2 comments, nested: removed before the authserv-id is read, as RFC 8601 2.2 allows CFWS around it. */
function withoutComments(s: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && depth > 0) {
      i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/**
 * Does this (unfolded) Authentication-Results value claim `authservId`? RFC 8601 2.2: the value starts
 * with the authserv-id (a token or quoted-string, CFWS around it, an optional version after it) and ends
 * it with ';'. Compared case-insensitively; a quoted form counts too. A value that does not parse is read
 * as generously as possible: when in doubt about a field that names us, it goes.
 */
export function claimsAuthservId(value: string, authservId: string): boolean {
  const beforeSemicolon = withoutComments(value).split(';', 1)[0] ?? '';
  const first = beforeSemicolon.trim().split(/[ \t\r\n]+/, 1)[0] ?? '';
  const unquoted = first.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  return unquoted.toLowerCase() === authservId.toLowerCase();
}

/** The lines of the header block, [start, end incl. line break), up to its empty line (or the end: a message of header fields only). */
function headerLines(raw: Buffer): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let pos = 0;
  while (pos < raw.length) {
    const lf = raw.indexOf(LF, pos);
    const next = lf < 0 ? raw.length : lf + 1;
    const contentEnd = lf < 0 ? raw.length : lf > pos && raw[lf - 1] === CR ? lf - 1 : lf;
    if (contentEnd === pos) return lines;
    lines.push([pos, next]);
    pos = next;
  }
  return lines;
}

/**
 * The message without any Authentication-Results field that claims `authservId`, however the rest of its
 * header block looks. Returns the same Buffer when there is nothing to remove.
 */
export function stripOwnAuthenticationResults(raw: Buffer, authservId: string): Buffer {
  const lines = headerLines(raw);
  // Group each line with its continuation lines.
  const groups: Array<[number, number]> = [];
  for (const [s, e] of lines) {
    const first = raw[s];
    const last = groups[groups.length - 1];
    if ((first === SP || first === HT) && last) last[1] = e;
    else groups.push([s, e]);
  }
  const drop = groups.filter(([s, e]) => {
    const text = raw.toString('latin1', s, e);
    const m = AR_NAME.exec(text);
    if (!m) return false;
    const value = text.slice(m[0].length).replace(/\r?\n/g, '');
    return claimsAuthservId(value, authservId);
  });
  if (drop.length === 0) return raw;
  const keep: Buffer[] = [];
  let at = 0;
  for (const [s, e] of drop) {
    keep.push(raw.subarray(at, s));
    at = e;
  }
  keep.push(raw.subarray(at));
  return Buffer.concat(keep);
}

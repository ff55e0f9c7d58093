/**
 * The documentation is self-contained (issue 17, item 3): every relative link in README.md, docs/**.md and
 * vectors/README.md names a file or folder inside the repository that exists, and an anchor that exists
 * in a Markdown target; nothing points at the spec folder outside the repository (which a clone does not
 * have). Links to public web pages (http, https) are allowed and not fetched. Links are read with
 * markdown-it, so text in code spans and code blocks (layer shapes such as `S[-](data)`) is not taken
 * for a link.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import MarkdownIt from 'markdown-it';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const md = new MarkdownIt({ html: true, linkify: false });
type Token = ReturnType<typeof md.parse>[number];

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? docs(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
  return ['README.md', 'vectors/README.md', ...docs('docs')].filter((f) => existsSync(join(ROOT, f)));
}

/** Every link target of a Markdown file: inline links, images, and href/src of raw HTML. */
export function linkTargets(text: string): string[] {
  const out: string[] = [];
  const html = (s: string): void => {
    for (const m of s.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)) out.push(m[1]!);
  };
  const walk = (tokens: Token[]): void => {
    for (const t of tokens) {
      if (t.type === 'link_open') out.push(String(t.attrGet('href') ?? ''));
      else if (t.type === 'image') out.push(String(t.attrGet('src') ?? ''));
      else if (t.type === 'html_block' || t.type === 'html_inline') html(t.content);
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(text, {}));
  return out;
}

/** The anchors a Markdown file offers: explicit id="..." and GitHub's heading slugs. */
export function anchors(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\bid\s*=\s*"([^"]+)"/g)) ids.add(m[1]!);
  const seen = new Map<string, number>();
  const tokens = md.parse(text, {});
  tokens.forEach((t, i) => {
    if (t.type !== 'heading_open') return;
    const inline = tokens[i + 1]!;
    const plain = (inline.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
    // GitHub: lower case, drop punctuation except - and _, spaces to -, duplicates get -1, -2 ...
    const slug = plain.toLowerCase().trim().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    ids.add(n ? `${slug}-${n}` : slug);
  });
  return ids;
}

const files = markdownFiles();

describe('documentation links', () => {
  it('finds the documents (README.md, vectors/README.md, docs/interpretations.md)', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'vectors/README.md', join('docs', 'interpretations.md')]));
  });

  it('reads links as Markdown does: code spans are not links, raw HTML href is', () => {
    expect(linkTargets('see `S[-](data)` and [the draft](../x.txt) and <a href="y.md#n1">y</a>\n\n```\n[z](nope.md)\n```\n')).toEqual(['../x.txt', 'y.md#n1']);
    expect([...anchors('# N1: the OID\n<a id="n7"></a>\n## Exit status (`run`)\n## N1: the OID\n')]).toEqual(['n7', 'n1-the-oid', 'exit-status-run', 'n1-the-oid-1']);
  });

  for (const file of files) {
    it(`${file}: every relative link names something inside the repository that exists`, () => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const problems: string[] = [];
      for (const target of linkTargets(text)) {
        if (/^(https?|mailto):/i.test(target)) continue; // public web pages
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
          problems.push(`${target}: not a web page (scheme ${target.split(':')[0]})`);
          continue;
        }
        const [path, fragment] = target.split('#', 2) as [string, string | undefined];
        const abs = path === '' ? join(ROOT, file) : path.startsWith('/') ? path : resolve(ROOT, dirname(file), decodeURIComponent(path));
        const rel = relative(ROOT, abs);
        if (rel.startsWith('..') || rel.startsWith(sep) || path.startsWith('/')) {
          problems.push(`${target}: outside the repository`);
          continue;
        }
        if (!existsSync(abs)) {
          problems.push(`${target}: ${rel} does not exist`);
          continue;
        }
        if (fragment && abs.endsWith('.md') && statSync(abs).isFile() && !anchors(readFileSync(abs, 'utf8')).has(fragment)) {
          problems.push(`${target}: no anchor #${fragment} in ${rel}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`${file}: names no path into the spec folder outside the repository`, () => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text.match(/[^\s`(]*shared\/spec[^\s`)]*/g) ?? []).toEqual([]);
    });
  }

  it('docs/interpretations.md has one anchor per note, N1 to N17, each quoting the draft', () => {
    const text = readFileSync(join(ROOT, 'docs/interpretations.md'), 'utf8');
    expect(text).toContain('https://datatracker.ietf.org/doc/draft-melnikov-smime-msa-to-mda/');
    const sections = text.split(/^<a id="(n\d+)"><\/a>$/m);
    const notes = new Map<string, string>();
    for (let i = 1; i < sections.length; i += 2) notes.set(sections[i]!, sections[i + 1]!);
    expect([...notes.keys()]).toEqual(Array.from({ length: 17 }, (_, i) => `n${i + 1}`));
    const draft = /— draft \d/;
    for (const [id, body] of notes) {
      expect(body, id).toMatch(new RegExp(`^\\n## ${id.toUpperCase()}: `));
      expect(body.split('\n').some((l) => l.startsWith('> ')), `${id} quotes the draft`).toBe(true);
      expect(body, `${id} says where the quote is from`).toMatch(draft);
    }
  });
});

// The repository explains itself (docs/architecture.md, CONTRIBUTING in README.md): every
// reference in its code and docs points at a file it holds, and at a section that file has.
// This test reads every source, test, script and doc file and fails on a reference a reader
// of the repository could not follow: a link or a `docs/x.md#anchor` citation whose file or
// section does not exist, a `docs/x.md "Heading"` citation naming no heading of that file,
// or a citation of a document or an issue tracker outside it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIRS = ['src', 'web', 'tests', 'bin', 'docs', 'scenarios', 'wasm', '.ci'];
const TOP = ['README.md', 'index.html', 'vite.config.ts', 'package.json'];
const TEXT = /\.(ts|tsx|js|mjs|md|json|html|css|c|sh)$|^run$/;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'build' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (TEXT.test(name)) out.push(p);
  }
}

const files: string[] = TOP.map((f) => join(ROOT, f)).filter(existsSync);
for (const d of DIRS) if (existsSync(join(ROOT, d))) walk(join(ROOT, d), files);
const rel = (p: string) => relative(ROOT, p);
const SELF = rel(fileURLToPath(import.meta.url));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

const headingCache = new Map<string, { slugs: Set<string>; titles: Set<string> }>();
function headingsOf(mdPath: string) {
  let h = headingCache.get(mdPath);
  if (h) return h;
  const slugs = new Set<string>(), titles = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of readFileSync(mdPath, 'utf8').split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = !fence && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n ? `${base}-${n}` : base);
    titles.add(m[1].replace(/`/g, '').trim().toLowerCase());
  }
  h = { slugs, titles };
  headingCache.set(mdPath, h);
  return h;
}

interface Ref { from: string; line: number; target: string; anchor?: string; title?: string }

function refsOf(path: string): Ref[] {
  const text = readFileSync(path, 'utf8');
  const refs: Ref[] = [];
  const from = rel(path);
  text.split('\n').forEach((line, i) => {
    // Markdown links in docs: [text](relative/path.md#anchor), no URLs.
    if (path.endsWith('.md')) {
      for (const m of line.matchAll(/\]\(([^)\s]+?)\)/g)) {
        const link = m[1];
        if (/^[a-z]+:/.test(link)) continue;
        const [file, anchor] = link.split('#');
        const target = file === '' ? from : rel(resolve(dirname(path), file));
        refs.push({ from, line: i + 1, target, anchor });
      }
    }
    // Citations anywhere: docs/x.md#anchor and docs/x.md "Heading".
    for (const m of line.matchAll(/\bdocs\/([\w-]+\.md)(?:#([\w-]+)|\s+"([^"]+)")?/g)) {
      refs.push({ from, line: i + 1, target: `docs/${m[1]}`, anchor: m[2], title: m[3] });
    }
  });
  return refs;
}

describe('the repository explains itself', () => {
  const all = files.filter((f) => rel(f) !== SELF);

  it('every link and docs citation points at a file and a section the repository has', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const f of all) {
      for (const r of refsOf(f)) {
        checked++;
        const abs = join(ROOT, r.target);
        if (!existsSync(abs)) { broken.push(`${r.from}:${r.line}: ${r.target} does not exist`); continue; }
        if (!r.target.endsWith('.md')) continue;
        const h = headingsOf(abs);
        if (r.anchor && !h.slugs.has(r.anchor)) broken.push(`${r.from}:${r.line}: ${r.target} has no section #${r.anchor}`);
        // A quoted heading may be a section's start ("What was measured"), in any case.
        const t = r.title?.toLowerCase();
        if (t && ![...h.titles].some((x) => x.startsWith(t))) broken.push(`${r.from}:${r.line}: ${r.target} has no heading "${r.title}"`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('nothing cites a document or an issue the repository does not hold', () => {
    const outside: string[] = [];
    for (const f of all) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (/\b(SPEC|DESIGN|SCSI|STYLE)\.md\b/.test(line) || /\bissues? #?\d+\b/i.test(line)) outside.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(outside).toEqual([]);
  });

  it('the anchors are GitHub\'s', () => {
    expect(slug("A processor's worker terminated")).toBe('a-processors-worker-terminated');
    expect(slug('Cost model (`src/runtime/cost-model.ts`)')).toBe('cost-model-srcruntimecost-modelts');
    expect(slug('What survives what')).toBe('what-survives-what');
  });
});

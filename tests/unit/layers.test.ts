// The layers of docs/architecture.md#layers, enforced: every relative import in src/ and web/
// points to its own layer or a lower one, the oracle imports nothing but the core (so it
// cannot share the controller's mistakes), and web/ui never imports web/components.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Layer of a repository path (posix, relative to the root), lowest first; null = not layered. */
export function layerOf(path: string): { layer: number; name: string } | null {
  const rules: [RegExp, number, string][] = [
    [/^src\/core\//, 0, 'core'], [/^src\/devices\//, 0, 'devices'], [/^wasm\//, 0, 'wasm'],
    [/^src\/array\//, 1, 'array'], [/^src\/oracle\//, 1, 'oracle'],
    [/^src\/scenario\//, 2, 'scenario'],
    [/^src\/scsi\//, 3, 'scsi'],
    [/^src\/runtime\//, 4, 'runtime'],
    [/^src\/cli(\.ts$|\/)/, 5, 'cli'], [/^src\/iscsi\//, 5, 'iscsi'], [/^web\//, 5, 'web'],
  ];
  for (const [re, layer, name] of rules) if (re.test(path)) return { layer, name };
  return null;
}

/** Relative import specifiers of a source file: static, re-exports and dynamic imports. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push(m[1].split('?')[0]);
  return out;
}

/** Why an import from `from` to `to` breaks the layers, or null. */
export function violation(from: string, to: string): string | null {
  const a = layerOf(from), b = layerOf(to);
  if (!a) return null;
  if (!b) return `${from} imports ${to}, which belongs to no layer`;
  if (b.layer > a.layer) return `${from} (${a.name}, layer ${a.layer}) imports ${to} (${b.name}, layer ${b.layer})`;
  if (a.name === 'oracle' && !['oracle', 'core'].includes(b.name)) return `${from}: the oracle imports only the core, not ${to}`;
  if (a.name !== 'oracle' && b.name === 'oracle' && a.layer === 1) return `${from}: the controller must not import the oracle (${to})`;
  if (from.startsWith('web/ui/') && to.startsWith('web/components/')) return `${from}: web/ui must not import a component (${to})`;
  return null;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir))) {
    const p = join(dir, e);
    if (e === 'node_modules' || e === 'build') continue;
    if (statSync(join(root, p)).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(e)) out.push(p.split('\\').join('/'));
  }
  return out;
}

describe('layers (docs/architecture.md#layers)', () => {
  it('the rule itself refuses an upward import, an oracle reaching into the controller, and ui → components', () => {
    expect(violation('src/array/disk-508.ts', 'src/runtime/sim.ts')).toMatch(/layer 1.*layer 4/);
    expect(violation('src/scsi/target.ts', 'src/runtime/sim-host.ts')).not.toBeNull();
    expect(violation('src/oracle/oracle.ts', 'src/array/memory-507.ts')).toMatch(/only the core/);
    expect(violation('src/array/channel-503.ts', 'src/oracle/oracle.ts')).toMatch(/must not import the oracle/);
    expect(violation('web/ui/seek.ts', 'web/components/sequence-diagram.tsx')).toMatch(/web\/ui/);
    expect(violation('src/runtime/sim.ts', 'src/array/controller.ts')).toBeNull();
    expect(importsOf(`import a from './a.ts';\nexport { b } from "../b.ts";\nconst c = await import('./c.ts');\nimport u from '../w.wasm?url';`))
      .toEqual(['./a.ts', '../b.ts', './c.ts', '../w.wasm']);
  });

  it('every import in src/ and web/ points to its own layer or a lower one', () => {
    const files = [...sources('src'), ...sources('web')];
    expect(files.length).toBeGreaterThan(100);
    const bad: string[] = [];
    for (const f of files) {
      for (const spec of importsOf(readFileSync(join(root, f), 'utf8'))) {
        const to = relative(root, resolve(root, dirname(f), spec)).split('\\').join('/');
        const v = violation(f, to);
        if (v) bad.push(v);
      }
    }
    expect(bad).toEqual([]);
  });
});

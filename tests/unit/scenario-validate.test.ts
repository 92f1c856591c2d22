// Scenario validation (docs/scenario.md#fields): defaults, strictness, errors naming the
// field, caps; the workload generator's determinism and bounds; every example file in
// scenarios/.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_MODES, DEFAULT_SCENARIO, PATTERNS } from '../../src/scenario/schema.ts';
import { ScenarioError, validateScenario, withOverrides } from '../../src/scenario/validate.ts';
import { WorkloadGen } from '../../src/scenario/workload.ts';

const bad = (json: unknown) => {
  try { validateScenario(json); } catch (e) { expect(e).toBeInstanceOf(ScenarioError); return (e as Error).message; }
  throw new Error('accepted');
};
const withField = (path: string, v: unknown) => {
  const j = structuredClone(DEFAULT_SCENARIO) as unknown as Record<string, Record<string, unknown>>;
  const [a, b] = path.split('.');
  if (b === undefined) (j as Record<string, unknown>)[a] = v; else j[a][b] = v;
  return j;
};

describe('validateScenario', () => {
  it('fills defaults and is a fixed point on its own output', () => {
    expect(validateScenario({ version: 1 })).toEqual(DEFAULT_SCENARIO);
    expect(validateScenario(DEFAULT_SCENARIO)).toEqual(DEFAULT_SCENARIO);
  });

  it('names the bad field', () => {
    expect(bad(withField('workload.rate', 1e6))).toBe('workload.rate: must be ≤ 100000');
    expect(bad(withField('version', 2))).toBe('version: must be 1');
    expect(bad(withField('geometry.blockBytes', 1000))).toBe('geometry.blockBytes: must be a power of two');
    expect(bad(withField('geometry.blocks', 1 << 20))).toBe('geometry.blocks: must be ≤ 65536');
    expect(bad(withField('geometry.colour', 'red'))).toBe('geometry.colour: unknown field');
    expect(bad(withField('mode', 'E5'))).toBe(`mode: must be one of ${ALL_MODES.join(', ')}`);
    expect(bad(withField('initial.pending', 1.5))).toBe('initial.pending: must be ≤ 1');
    expect(bad(withField('seed', 1.5))).toBe('seed: must be an integer');
    expect(bad(withField('costs.tapeMBps', 0))).toMatch(/^costs\.tapeMBps: must be ≥/);
    expect(bad({ version: 1, script: [{ at: 0, op: 'split' }, { at: 0, op: 'backup', lba: 4000, blocks: 200 }] }))
      .toBe('script[1].blocks: range ends past the volume (4096 blocks)');
    expect(bad({ version: 1, script: [{ at: 0, op: 'fly' }] })).toMatch(/^script\[0\]\.op: must be one of/);
    expect(bad({ version: 1, script: [{ at: 0, op: 'split', lba: 3 }] })).toBe('script[0].lba: unknown field');
    expect(bad({ version: 1, geometry: { cacheSlots: 16 }, workload: { maxBlocks: 32 } })).toBe('workload.maxBlocks: must be ≤ geometry.cacheSlots (16)');
    expect(bad([])).toBe('scenario: must be a JSON object');
  });

  it('caps a volume at 256 MiB whatever the block size', () => {
    for (const bb of [512, 4096, 32768]) {
      const max = Math.min(1 << 20, (256 << 20) / bb);
      expect(validateScenario({ version: 1, geometry: { blockBytes: bb, blocks: max } }).geometry.blocks).toBe(max);
      expect(bad({ version: 1, geometry: { blockBytes: bb, blocks: max + 1 } })).toBe(`geometry.blocks: must be ≤ ${max}`);
    }
  });

  it('caps a live volume (an OPFS file) at 4 GiB and 2^20 blocks instead', () => {
    for (const bb of [512, 4096, 32768]) {
      const max = Math.min(1 << 20, 2 ** 32 / bb);
      const live = (blocks: number) => validateScenario({ version: 1, geometry: { blockBytes: bb, blocks } }, { runtime: 'live' });
      expect(live(max).geometry.blocks).toBe(max);
      expect(() => live(max + 1)).toThrow(`geometry.blocks: must be ≤ ${max}`);
    }
  });

  it('applies CLI overrides and re-validates them', () => {
    const s = withOverrides(DEFAULT_SCENARIO, { mode: 'E3', seed: 9, blocks: 100, pending: 0.5 });
    expect(s).toMatchObject({ mode: 'E3', seed: 9, geometry: { blocks: 100, cacheSlots: 100 }, initial: { pending: 0.5 } });
    expect(() => withOverrides(DEFAULT_SCENARIO, { pending: 2 })).toThrow('initial.pending: must be ≤ 1');
    expect(() => withOverrides(DEFAULT_SCENARIO, { blocks: 3 })).toThrow('geometry.blocks: must be ≥ 16');
  });

  it('every example in scenarios/ validates, and there is one per mode', () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    const modes = new Set<string>();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const s = validateScenario(JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
      modes.add(s.mode);
    }
    expect([...modes].sort()).toEqual([...ALL_MODES].sort());
  });
});

describe('workload', () => {
  it('is deterministic per seed, stays inside the volume, and arrivals increase', () => {
    fc.assert(fc.property(fc.nat(), fc.constantFrom(...PATTERNS), fc.integer({ min: 16, max: 5000 }), fc.integer({ min: 1, max: 16 }), (seed, pattern, blocks, maxB) => {
      const w = { pattern, rate: 1000, minBlocks: 1, maxBlocks: Math.min(maxB, blocks), hotFraction: 0.1, hotWeight: 0.9 };
      const a = new WorkloadGen(w, blocks, seed), b = new WorkloadGen(w, blocks, seed);
      let last = 0;
      for (let i = 0; i < 200; i++) {
        const x = a.next()!;
        expect(b.next()).toEqual(x);
        expect(x.lba).toBeGreaterThanOrEqual(0);
        expect(x.lba + x.blocks).toBeLessThanOrEqual(blocks);
        expect(x.arrival).toBeGreaterThan(last);
        last = x.arrival;
      }
    }), { numRuns: 50 });
  });

  it('a hotspot puts most writes in its hot region', () => {
    const g = new WorkloadGen({ pattern: 'hotspot', rate: 1000, minBlocks: 1, maxBlocks: 1, hotFraction: 0.1, hotWeight: 0.9 }, 1000, 3);
    let hot = 0;
    for (let i = 0; i < 2000; i++) if (g.next()!.lba < 100) hot++;
    expect(hot / 2000).toBeGreaterThan(0.85);
  });
});

// The permalink codec with the real scenario schema (src/scenario/*): every preset and
// arbitrary valid variations survive the link; links that break the schema name the field.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { decodePermalink, encodePermalink, MAX_COMPRESSED_BYTES } from '../../src/scenario/permalink.ts';
import { validateScenario, withOverrides } from '../../src/scenario/validate.ts';
import { DEFAULT_SCENARIO, LIMITS, MODES } from '../../src/scenario/schema.ts';

const dir = new URL('../../scenarios/', import.meta.url);
const presets = readdirSync(dir).filter((f) => f.endsWith('.json'))
  .map((f) => ({ f, s: validateScenario(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))) }));

describe('permalinks of real scenarios', () => {
  it('round-trips every preset exactly', () => {
    expect(presets.length).toBeGreaterThanOrEqual(6);
    for (const { f, s } of presets) {
      const r = decodePermalink('#' + encodePermalink(s), validateScenario, DEFAULT_SCENARIO);
      expect(r, f).toEqual({ ok: true, scenario: s, empty: false });
    }
  });

  it('round-trips arbitrary valid variations (mode, seed, size, pending)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...MODES), fc.nat({ max: 2 ** 31 - 1 }), fc.integer({ min: 64, max: 8192 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (mode, seed, blocks, pending) => {
        const s = withOverrides(DEFAULT_SCENARIO, { mode, seed, blocks, pending });
        const r = decodePermalink('#' + encodePermalink(s), validateScenario, DEFAULT_SCENARIO);
        expect(r).toEqual({ ok: true, scenario: s, empty: false });
      }));
  });

  it('keeps the largest script the schema allows well under the compressed cap', () => {
    const script = Array.from({ length: LIMITS.maxScript }, (_, i) =>
      (i % 2 ? { at: i * 7.125, op: 'backup' as const, lba: i * 13, blocks: 64, transferBlocks: 8, check: 'unit' as const }
        : { at: i * 7.125, op: 'split' as const }));
    const s = validateScenario({ ...DEFAULT_SCENARIO, script });
    expect(encodePermalink(s).length).toBeLessThan(MAX_COMPRESSED_BYTES);
  });

  it('names the broken field when a link carries an invalid scenario', () => {
    const bad = { ...DEFAULT_SCENARIO, workload: { ...DEFAULT_SCENARIO.workload, rate: LIMITS.maxRate + 1 } };
    const r = decodePermalink('#' + encodePermalink(bad), validateScenario, DEFAULT_SCENARIO);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('workload.rate');
  });
});

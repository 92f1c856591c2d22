// Property tests of incremental backups and restores (docs/scenario.md "Incremental backups
// and restore"): random sequences of splits, client writes, plain, full and incremental
// backups, restores of random points to the backup disk or the split S-VOL, and resyncs.
// Every backup, every restore point and every restore verifies against the oracle, and no
// incremental ever holds a block that no acknowledged write changed between its base's
// split and its own (checked here from the client's writes, apart from the oracle).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { bytesSource } from '../../src/devices/awstape.ts';
import { readCatalog } from '../../src/devices/tape-catalog.ts';
import { TapeIndex } from '../../src/devices/tape-index.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { MODES, type Scenario, type ScriptCmd } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { coreForTests } from './sim-helpers.ts';
import { scriptTapeBytes } from '../../src/runtime/live/quota.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const arbCycle = fc.record({
  gap: fc.double({ min: 0, max: 3, noNaN: true }),
  backup: fc.constantFrom('none', 'plain', 'full', 'incremental', 'incremental', 'incremental'),
  lbaFrac: fc.double({ min: 0, max: 0.9, noNaN: true }),
  lenFrac: fc.double({ min: 0.05, max: 1, noNaN: true }),
  transferBlocks: fc.integer({ min: 1, max: 16 }),
  restores: fc.array(fc.record({ pointFrac: fc.double({ min: 0, max: 0.999, noNaN: true }), to: fc.constantFrom('disk' as const, 'svol' as const) }), { maxLength: 2 }),
});

const arbScenario = fc.record({
  seed: fc.nat(),
  blocks: fc.integer({ min: 32, max: 256 }),
  blockBytes: fc.constantFrom(512, 4096),
  pending: fc.double({ min: 0, max: 1, noNaN: true }),
  rate: fc.integer({ min: 0, max: 30000 }),
  pattern: fc.constantFrom('uniform' as const, 'hotspot' as const, 'sequential' as const),
  mode: fc.constantFrom(...MODES),
  cycles: fc.array(arbCycle, { minLength: 2, maxLength: 6 }),
}).map((a): Scenario => {
  const script: ScriptCmd[] = [];
  let t = 0, points = 0;
  let chain: { lba: number; blocks: number } | null = null;
  for (const c of a.cycles) {
    script.push({ at: t, op: 'split' });
    const lba = Math.floor(a.blocks * c.lbaFrac);
    const range = { lba, blocks: Math.max(1, Math.floor((a.blocks - lba) * c.lenFrac)) };
    const kind = c.backup === 'incremental' && !chain ? 'full' : c.backup;
    const unit = Math.min(c.transferBlocks, Math.floor(65535 / a.blockBytes));
    if (kind !== 'none') {
      if (kind === 'full') chain = range;
      const r = kind === 'incremental' ? chain! : range;
      script.push({ at: t, op: 'backup', ...r, transferBlocks: unit, check: 'unit', ...(kind === 'plain' ? {} : { level: kind }) });
      if (kind !== 'plain') points++;
    }
    for (const r of c.restores) if (points > 0) script.push({ at: t, op: 'restore', point: Math.floor(r.pointFrac * points), to: r.to });
    script.push({ at: t, op: 'resync' });
    t += c.gap;
  }
  // At least one backup, or there is nothing to verify (every cycle drew 'none').
  if (!script.some((c) => c.op === 'backup')) script.splice(1, 0, { at: 0, op: 'backup', lba: 0, blocks: 0, transferBlocks: 1, check: 'unit' });
  return validateScenario({
    version: 1, name: 'incremental property', seed: a.seed, mode: a.mode,
    geometry: { blocks: a.blocks, blockBytes: a.blockBytes, cacheSlots: Math.max(16, a.blocks >> 1) },
    initial: { pair: 'duplex', pending: a.pending, dirtyInCache: 0.3 },
    workload: { pattern: a.pattern, rate: a.rate, minBlocks: 1, maxBlocks: 4 },
    script,
  });
});

describe('incremental backups and restores, random sequences', () => {
  it('every backup, point and restore verifies; an incremental holds only blocks written since its base split', () => {
    fc.assert(fc.property(arbScenario, fc.boolean(), (s, serveInline) => {
      const sim = createSim(s, { core, serveInline });
      const r = sim.runToEnd();
      expect(r.reason).toBeUndefined();
      expect(r.verified).toBe(true);
      const restores = s.script.filter((c) => c.op === 'restore');
      expect(r.restores?.length ?? 0).toBe(restores.length);
      for (const x of r.restores ?? []) expect(x.verified).toBe(true);
      // The live runtime lays the tape out with this bound before a run (quota.ts).
      expect(sim.tape.bytesWritten).toBeLessThanOrEqual(scriptTapeBytes(s));
      // From the tape's catalog and the client's own writes, not the oracle's code.
      const { catalog } = readCatalog(new TapeIndex(bytesSource(sim.tape.bytes())));
      expect(catalog.entries.length).toBe(r.points?.length ?? 0);
      for (const e of catalog.entries) {
        if (e.level !== 'incremental') continue;
        const base = catalog.entries[e.base!];
        const written = new Set<number>();
        for (const w of sim.writes) {
          if (w.ack < base.splitAt || w.ack >= e.splitAt) continue;
          for (let b = w.lba; b < w.lba + w.blocks; b++) if (b >= e.lba && b < e.lba + e.blocks) written.add(b);
        }
        let held = 0;
        for (const [lba, n] of e.runs) for (let b = lba; b < lba + n; b++, held++) expect(written.has(b)).toBe(true);
        expect(held).toBe(written.size);
      }
    }), { numRuns: 60 });
  });

  it('an incremental is refused without a full before it, and after a new pair', () => {
    const mk = (script: ScriptCmd[]) => createSim(validateScenario({
      version: 1, geometry: { blocks: 64, blockBytes: 512, cacheSlots: 32 }, workload: { rate: 2000, maxBlocks: 4 }, script,
    }), { core }).runToEnd();
    const inc = { at: 0, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit', level: 'incremental' } as const;
    const full = { ...inc, level: 'full' } as const;
    const a = mk([{ at: 0, op: 'split' }, inc]);
    expect(a.verified).toBe(false);
    expect(a.reason).toMatch(/no full backup/);
    const b = mk([{ at: 0, op: 'split' }, full, { at: 1, op: 'delete' }, { at: 1, op: 'create' }, { at: 5, op: 'split' }, inc]);
    expect(b.reason).toMatch(/no full backup/);
    const c = mk([{ at: 0, op: 'split' }, full, { at: 1, op: 'resync' }, { at: 2, op: 'split' }, { ...inc, lba: 8, blocks: 8 }]);
    expect(c.reason).toMatch(/the chain's range is 0\+64/);
  });

  it('a restore of a point the tape lacks fails and names why; a backup after a restore to the S-VOL is refused', () => {
    const s = validateScenario({
      version: 1, geometry: { blocks: 64, blockBytes: 512, cacheSlots: 32 }, workload: { rate: 2000, maxBlocks: 4 },
      script: [
        { at: 0, op: 'split' }, { at: 0, op: 'backup', transferBlocks: 8, level: 'full' },
        { at: 1, op: 'restore', point: 1, to: 'disk' },
        { at: 1, op: 'restore', point: 0, to: 'svol' },
        { at: 1, op: 'backup', transferBlocks: 8 },
      ],
    });
    const r = createSim(s, { core }).runToEnd();
    expect(r.restores?.map((x) => x.verified)).toEqual([false, true]);
    expect(r.restores?.[0].reason).toMatch(/no such restore point/);
    expect(r.reason).toMatch(/no such restore point|restored image|restore wrote the S-VOL/);
  });
});

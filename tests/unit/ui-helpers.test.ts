// The playground's pure helpers (web/ui/*): heat-map bucketing, the event log's
// binary search and stepping, the backup form's tape-unit bounds and the upload's checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketFractions, type BitmapView } from '../../web/ui/view-model.ts';
import { lastEventAtOrBefore, stepTime } from '../../web/ui/seek.ts';
import { clampTransfer, transferBounds } from '../../web/ui/backup-form.ts';
import { checkImage, MIN_VOLUME_BLOCKS } from '../../web/ui/volume-image.ts';
import { DEFAULT_SCENARIO, LIMITS } from '../../src/scenario/schema.ts';
import { validateScenario, withOverrides } from '../../src/scenario/validate.ts';
import type { SimEvent } from '../../src/array/events.ts';

/** Bits as booleans → the LSB-first bytes the core lays out. */
function pack(bits: boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => { if (b) out[i >> 3] |= 1 << (i & 7); });
  return out;
}

describe('heat map bucketing (bucketFractions)', () => {
  const arbBits = fc.array(fc.boolean(), { minLength: 1, maxLength: 700 });
  it('each cell is the share of set blocks in it, from raw bits', () => {
    fc.assert(fc.property(arbBits, fc.integer({ min: 1, max: 40 }), (bits, per) => {
      const n = bits.length, nCells = Math.ceil(n / per);
      const view: BitmapView = { nBlocks: n, setCount: bits.filter(Boolean).length, bits: pack(bits) };
      const fr = bucketFractions(view, per, nCells);
      expect(fr.length).toBe(nCells);
      let mass = 0;
      for (let c = 0; c < nCells; c++) {
        const cell = bits.slice(c * per, Math.min(n, (c + 1) * per));
        const set = cell.filter(Boolean).length;
        expect(fr[c]).toBeCloseTo(set / cell.length, 6);
        expect(fr[c] === 0).toBe(set === 0); // one pending block never disappears
        mass += fr[c]! * cell.length;
      }
      expect(mass).toBeCloseTo(view.setCount, 3);
    }));
  });

  it('from runtime bucket counts of another size, keeps the total and stays in [0, 1]', () => {
    fc.assert(fc.property(arbBits, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (bits, q, per) => {
      const n = bits.length;
      const counts = Array.from({ length: Math.ceil(n / q) }, (_, k) => bits.slice(k * q, (k + 1) * q).filter(Boolean).length);
      const total = counts.reduce((a, b) => a + b, 0);
      const nCells = Math.ceil(n / per);
      const fr = bucketFractions({ nBlocks: n, setCount: total, buckets: { blocksPerBucket: q, counts } }, per, nCells);
      let mass = 0;
      for (let c = 0; c < nCells; c++) {
        expect(fr[c]).toBeGreaterThanOrEqual(0);
        expect(fr[c]).toBeLessThanOrEqual(1);
        mass += fr[c]! * (Math.min(n, (c + 1) * per) - c * per);
      }
      expect(mass).toBeCloseTo(total, 3);
      // Same bucket size: exactly the runtime's counts.
      if (q === per) counts.forEach((k, c) => expect(fr[c]! * (Math.min(n, (c + 1) * per) - c * per)).toBeCloseTo(k, 4));
    }));
  });
});

const arbLog = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 80 })
  .map((ts) => ts.sort((a, b) => a - b).map((t): SimEvent => ({ t: t / 4, actor: '501', ev: 'x' })));

describe('the event log: binary search and stepping', () => {
  it('lastEventAtOrBefore is the last index with t ≤ time (a linear scan agrees)', () => {
    fc.assert(fc.property(arbLog, fc.double({ min: -1, max: 14, noNaN: true }), (ev, time) => {
      let want = -1;
      ev.forEach((e, i) => { if (e.t <= time) want = i; });
      expect(lastEventAtOrBefore(ev, time)).toBe(want);
    }));
  });

  it('a step forward lands on the first event time after the playhead; back on the last one before', () => {
    fc.assert(fc.property(arbLog, fc.double({ min: 0, max: 14, noNaN: true }), (ev, time) => {
      const after = ev.filter((e) => e.t > time).map((e) => e.t);
      const before = ev.filter((e) => e.t < time).map((e) => e.t);
      expect(stepTime(ev, time, 1)).toBe(after.length ? Math.min(...after) : time);
      expect(stepTime(ev, time, -1)).toBe(before.length ? Math.max(...before) : 0);
    }));
  });

  it('stepping forward from 0 visits every distinct event time once, in order; back retraces it', () => {
    fc.assert(fc.property(arbLog, (ev) => {
      const distinct = [...new Set(ev.map((e) => e.t))].filter((t) => t > 0);
      const visited: number[] = [];
      for (let t = 0, i = 0; i <= ev.length + 1; i++) {
        const next = stepTime(ev, t, 1);
        if (next === t) break;
        visited.push(next);
        t = next;
      }
      expect(visited).toEqual(distinct);
      const back: number[] = [];
      for (let t = visited[visited.length - 1] ?? 0; t > 0; ) { t = stepTime(ev, t, -1); back.push(t); }
      // Back through every earlier distinct time, down to 0 (the start of the run).
      expect(back).toEqual(distinct.length ? [...distinct.slice(0, -1).reverse(), 0] : []);
    }));
  });
});

const arbGeometry = fc.record({
  blockBytes: fc.constantFrom(512, 1024, 2048, 4096, 8192, 16384, 32768),
  blocks: fc.integer({ min: 16, max: 1 << 16 }),
});

describe('backup form: blocks per tape block', () => {
  it('bounds give records of at most 65535 bytes that validation and 502 accept; the default is 32 KiB records', () => {
    fc.assert(fc.property(arbGeometry, ({ blockBytes, blocks }) => {
      const b = transferBounds({ blocks, blockBytes });
      expect(b.max * blockBytes).toBeLessThanOrEqual(LIMITS.maxTransferBytes);
      expect(b.max).toBeLessThanOrEqual(blocks);
      // The largest: one more block would overflow the record (or the volume).
      expect((b.max + 1) * blockBytes > LIMITS.maxTransferBytes || b.max === blocks).toBe(true);
      expect(b.dflt).toBe(Math.min(b.max, Math.max(1, LIMITS.defaultTransferBytes / blockBytes)));
      // Validation takes the bounds' max for this block size.
      const s = validateScenario({ ...DEFAULT_SCENARIO, geometry: { blocks: 4096, blockBytes, cacheSlots: 1024 },
        script: [{ at: 0, op: 'split' }, { at: 0, op: 'backup', lba: 0, blocks: 0, transferBlocks: transferBounds({ blocks: 4096, blockBytes }).max, check: 'unit' }] });
      expect(s.script[1]).toMatchObject({ transferBlocks: transferBounds({ blocks: 4096, blockBytes }).max });
    }));
    expect(transferBounds({ blocks: 4096, blockBytes: 4096 })).toEqual({ min: 1, max: 15, dflt: 8 });
  });

  it('any typed value is clamped inside the bounds', () => {
    fc.assert(fc.property(arbGeometry, fc.oneof(fc.double(), fc.integer({ min: -100, max: 100000 })), (g, v) => {
      const b = transferBounds(g);
      const c = clampTransfer(v, g);
      expect(Number.isInteger(c)).toBe(true);
      expect(c).toBeGreaterThanOrEqual(1);
      expect(c).toBeLessThanOrEqual(b.max);
      if (Number.isInteger(v) && v >= 1 && v <= b.max) expect(c).toBe(v);
    }));
  });
});

describe('volume image upload checks', () => {
  it('accepts exactly whole blocks within the volume limits, and the result validates', () => {
    fc.assert(fc.property(fc.constantFrom(512, 4096, 32768), fc.integer({ min: 0, max: 300 * 2 ** 20 }), (bb, bytes) => {
      const c = checkImage(bytes, bb);
      const blocks = bytes / bb;
      const fits = bytes > 0 && bytes % bb === 0 && blocks >= MIN_VOLUME_BLOCKS && bytes <= LIMITS.maxVolumeBytes && blocks <= LIMITS.maxBlocks;
      expect(c.ok).toBe(fits);
      if (c.ok) {
        expect(c.blocks).toBe(blocks);
        const s = withOverrides({ ...DEFAULT_SCENARIO, geometry: { ...DEFAULT_SCENARIO.geometry, blockBytes: bb } }, { blocks: c.blocks });
        expect(s.geometry.blocks * s.geometry.blockBytes).toBe(bytes);
      } else {
        // The refusal names the file's size (or says it is empty).
        expect(c.message).toMatch(bytes === 0 ? /empty/ : new RegExp(`${bytes % bb === 0 && blocks < MIN_VOLUME_BLOCKS ? blocks : bytes.toLocaleString('en')}`));
      }
    }));
  });

  it('names the block size and the leftover, or the cap', () => {
    expect(checkImage(1000, 4096)).toEqual({ ok: false, message: '1,000 bytes is not a multiple of the block size 4,096 (1,000 bytes left over)' });
    expect(checkImage(LIMITS.maxVolumeBytes + 4096, 4096)).toMatchObject({ ok: false, message: expect.stringContaining('over the volume cap of 268,435,456 bytes') });
    expect(checkImage(65536 + 512, 512)).toEqual({ ok: true, blocks: 129 });
  });
});

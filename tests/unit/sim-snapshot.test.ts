// What the UI draws from the sim: stepping, runUntil and snapshots.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const popcount = (bytes: Uint8Array) => bytes.reduce((n, b) => { let x = b, k = 0; while (x) { k += x & 1; x >>= 1; } return n + k; }, 0);

describe('snapshots', () => {
  it('show the pair states, both bitmaps bit for bit, counters, the backup and latencies', () => {
    const sim = createSim(small({ mode: 'E1' }), { core });
    const s0 = sim.snapshot();
    expect(s0.t).toBe(0);
    expect(s0.pair).toMatchObject({ p516: 'duplex', s517: 'duplex', pending: Math.round(0.3 * 256), post: 0 });
    expect(s0.bitmaps.kind).toBe('bits');
    if (s0.bitmaps.kind === 'bits') expect(popcount(s0.bitmaps.diff)).toBe(s0.pair.pending);
    expect(s0.backup).toBeNull();
    let mid = s0;
    while (sim.step()) {
      const s = sim.snapshot();
      if (s.pair.s517 === 'split-pending' && s.backup?.status === 'running') { mid = s; break; }
    }
    expect(mid.pair.p516).toBe('split');
    if (mid.bitmaps.kind === 'bits') {
      expect(popcount(mid.bitmaps.diff)).toBe(mid.pair.pending);
      expect(popcount(mid.bitmaps.post)).toBe(mid.pair.post);
    }
    const r = sim.runToEnd();
    const end = sim.snapshot();
    expect(end.pair).toMatchObject({ p516: 'split', s517: 'split', pending: 0 });
    expect(end.backup).toMatchObject({ status: 'done', blocksDone: 256, totalBlocks: 256, segmentsDone: 1, failedSegment: -1 });
    expect(end.counters).toMatchObject({ cowCopies: r.cowCopies, priorityCopies: r.priorityCopies, tapeBytes: r.tapeBytes });
    expect(end.latency.t.length).toBe(end.clientWrites);
    expect(end.latency.ms.every((x) => x > 0)).toBe(true);
    expect(end.busy).toEqual([]);
  });

  it('runUntil stops at a time and the run continues to the same end', () => {
    const s = small({ mode: 'E3' });
    const a = createSim(s, { core });
    a.runUntil(1.25);
    expect(a.now).toBe(1.25);
    expect(a.events.every((e) => e.t <= 1.25)).toBe(true);
    const ra = a.runToEnd();
    const rb = createSim(s, { core }).runToEnd();
    expect(ra).toEqual(rb);
  });

  it('large volumes are drawn as counts per bucket', () => {
    const s = validateScenario({ version: 1, geometry: { blocks: 131072, blockBytes: 512, cacheSlots: 64 }, initial: { pending: 0.5 }, workload: { rate: 0 }, script: [] });
    const snap = createSim(s, { core }).snapshot();
    expect(snap.bitmaps.kind).toBe('counts');
    if (snap.bitmaps.kind === 'counts') {
      expect(snap.bitmaps.blocksPerBucket).toBe(32);
      expect(snap.bitmaps.diff.reduce((n, x) => n + x, 0)).toBe(65536);
    }
  });
});

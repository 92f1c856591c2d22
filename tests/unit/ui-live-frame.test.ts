// The live view's frame, read off the event log (web/ui/live-frame.ts): pair states from
// the state-carrying events, lit parts near the playhead, backup progress from tape writes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';
import type { SimEvent } from '../../src/array/events.ts';
import { LIT_MS, endTime, liveFrameAt } from '../../web/ui/live-frame.ts';

const s = { ...DEFAULT_SCENARIO, geometry: { ...DEFAULT_SCENARIO.geometry, blocks: 64 },
  initial: { ...DEFAULT_SCENARIO.initial, pair: 'duplex' as const },
  script: [{ at: 0, op: 'split' as const }, { at: 0, op: 'backup' as const, lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' as const }] };

const log: SimEvent[] = [
  { t: 1, actor: '101', ev: 'split.cmd', to: '501' },
  { t: 2, actor: '501', ev: 'split.ack', to: '101', detail: { p516: 'split', s517: 'split-pending' } },
  { t: 40, actor: '503', ev: 'tape.write', to: '303', detail: { lba: 0, n: 8 } },
  { t: 90, actor: '508', ev: 'split.complete', detail: { state517: 'split' } },
  { t: 95, actor: '503', ev: 'tape.write', to: '303', detail: { lba: 8, n: 8 } },
];

describe('liveFrameAt', () => {
  it('follows the pair states through a quick split', () => {
    expect([liveFrameAt(log, 0, s).state516, liveFrameAt(log, 0, s).state517]).toEqual(['duplex', 'duplex']);
    const mid = liveFrameAt(log, 50, s);
    expect([mid.state516, mid.state517]).toEqual(['split', 'split-pending']);
    const end = liveFrameAt(log, 100, s);
    expect([end.state516, end.state517]).toEqual(['split', 'split']);
  });

  it('counts the blocks on tape against the backup range and lights the parts just used', () => {
    const f = liveFrameAt(log, 41, s);
    expect(f.progress[0]).toEqual({ label: 'backup to tape', done: 8, total: 64 });
    expect(f.busy.sort()).toEqual(['303', '503']);
    expect(liveFrameAt(log, 41 + LIT_MS, s).busy).toEqual([]);
    expect(liveFrameAt(log, 200, s).progress[0].done).toBe(16);
  });

  it('ignores a refused pair command (no states in its details)', () => {
    const refused: SimEvent[] = [{ t: 1, actor: '501', ev: 'split.ack', to: '101', detail: { refused: 'pair is simplex' } }];
    expect(liveFrameAt(refused, 5, s).state516).toBe('duplex');
  });

  it('property: the frame only depends on events at or before t; seen counts them', () => {
    const ev = fc.record({ t: fc.integer({ min: 0, max: 1000 }), n: fc.integer({ min: 1, max: 8 }) });
    fc.assert(fc.property(fc.array(ev, { maxLength: 40 }), fc.integer({ min: 0, max: 1000 }), (raw, t) => {
      const evs: SimEvent[] = raw.map((r): SimEvent => ({ t: r.t, actor: '503', ev: 'tape.write', to: '303', detail: { lba: 0, n: r.n } }))
        .sort((a, b) => a.t - b.t);
      const f = liveFrameAt(evs, t, s);
      const before = evs.filter((e) => e.t <= t);
      expect(f.seen).toBe(before.length);
      expect(f.progress[0].done).toBe(Math.min(64, before.reduce((a, e) => a + (e.detail!.n as number), 0)));
      expect(liveFrameAt(before, t, s)).toEqual(f);
      expect(endTime(evs)).toBe(evs.length ? evs[evs.length - 1].t : 0);
    }));
  });
});

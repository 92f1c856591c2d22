// The sim runtime as a host for outside commands (src/runtime/sim-host.ts): SimClock
// merges the copy manager's timers with the controller's processor steps in one virtual
// timeline, and step() runs the scenario format's steps.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSharedMemory } from '../../src/core/memory.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { createSimHost } from '../../src/runtime/sim-host.ts';
import { small } from './sim-helpers.ts';

const host = (over: Record<string, unknown> = {}) =>
  createSimHost(small({ initial: { pair: 'simplex', pending: 0, dirtyInCache: 0 }, ...over }), { core: createRefCore(createSharedMemory(1 << 20)) });

describe('SimClock', () => {
  it('timers fire at their time, in time order (FIFO at equal times), interleaved with processor steps', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 60 }), (delays, span) => {
      const h = host();
      h.step({ op: 'create' }); // 508's formation copy now runs as time passes
      const t0 = h.clock.now();
      const fired: { i: number; at: number }[] = [];
      delays.forEach((d, i) => h.clock.after(d / 4, () => fired.push({ i, at: h.clock.now() })));
      h.clock.advance(span / 4);
      expect(h.clock.now()).toBe(t0 + span / 4);
      const due = delays.map((d, i) => ({ i, t: t0 + d / 4 })).filter((x) => x.t <= t0 + span / 4)
        .sort((a, b) => a.t - b.t || a.i - b.i);
      expect(fired).toEqual(due.map((x) => ({ i: x.i, at: x.t })));
    }), { numRuns: 40 });
  });

  it('processors take their steps by themselves as time passes: the formation copy completes', () => {
    const h = host();
    expect(h.step({ op: 'create' })).toMatchObject({ ok: true, p516: 'duplex-pending' });
    expect(h.sim.controller.status().pending).toBe(256);
    h.clock.advance(100);
    expect(h.sim.controller.status()).toMatchObject({ p516: 'duplex', pending: 0 });
    expect(Buffer.compare(h.sim.svol.data, h.sim.controller.read(0, 256))).toBe(0);
    expect(h.clock.runNext()).toBe(false); // nothing left to do
  });
});

describe('step', () => {
  it('runs pair commands, client writes and a backup of the split S-VOL to tape', () => {
    const h = host({ mode: 'E1' });
    h.step({ op: 'create' });
    const w = h.step({ op: 'write', lba: 3, blocks: 2, byte: 0x42 });
    expect(w).toMatchObject({ op: 'write', lba: 3, blocks: 2 });
    expect(w.latencyMs as number).toBeGreaterThan(0);
    expect(h.step({ op: 'split' })).toMatchObject({ ok: true, p516: 'split' });
    const pit = h.sim.controller.read(0, 256);
    expect(pit.subarray(3 * 512, 5 * 512).every((x) => x === 0x42)).toBe(true);
    h.step({ op: 'write', lba: 4, blocks: 1, byte: 0x99 }); // after the split
    const b = h.step({ op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' });
    expect(b).toMatchObject({ op: 'backup', combined: false, status: 'done', blocksDone: 256 });
    expect(h.sim.tape.dataBytes).toBe(256 * 512);
    expect(h.step({ op: 'status' })).toMatchObject({ p516: 'split', tapeBlocks: 32, backup: { status: 'done' } });
    expect(h.step({ op: 'split' })).toMatchObject({ ok: false });
  });

  it('in mode E4 a backup step on a duplex pair is the combined split + backup (answered at the split)', () => {
    const h = host({ mode: 'E4' });
    h.step({ op: 'create' });
    const b = h.step({ op: 'backup', lba: 0, blocks: 64, transferBlocks: 8, check: 'unit' });
    expect(b).toMatchObject({ combined: true });
    expect(['accepted', 'holding', 'running']).toContain(b.status);
    expect(h.sim.controller.status().p516).toBe('split');
  });

  it('a step at a later time lets time pass first; bad steps throw naming the field', () => {
    const h = host();
    expect(h.step({ op: 'create', at: 50 }).at as number).toBeGreaterThanOrEqual(50);
    expect(() => h.step({ op: 'backup', lba: 9999 })).toThrow(/step\.lba/);
    expect(() => h.step({ op: 'jump' })).toThrow(/step\.op/);
    expect(() => h.step({ op: 'write', lba: 255, blocks: 2 })).toThrow(/write needs/);
    expect(() => h.step(7)).toThrow(/a step must be an object/);
  });
});

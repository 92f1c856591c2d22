// Faults and their outcomes (docs/scenario.md#faults): the scenario format's `faults`
// (validated, carried in permalinks), the device wrappers, and in the sim each kind's
// outcome: COPY ABORTED at the failing segment, the pair suspended with its reason while
// client writes go on and a resync recovering it, a clear message when the quota runs out,
// a stopped processor restarted; nothing acknowledged lost, every completed backup verified.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { AwsTapeWriter, readAwsTape } from '../../src/devices/awstape.ts';
import { DeviceError, QuotaError } from '../../src/devices/block-device.ts';
import { FaultyBlockDevice, FaultyTapeWriter, failNth } from '../../src/devices/faults.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { decodePermalink, encodePermalink } from '../../src/scenario/permalink.ts';
import { DEFAULT_SCENARIO, MODES, type Mode } from '../../src/scenario/schema.ts';
import { ScenarioError, validateScenario } from '../../src/scenario/validate.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const bad = (faults: unknown) => {
  try { validateScenario({ version: 1, faults }); } catch (e) { expect(e).toBeInstanceOf(ScenarioError); return (e as Error).message; }
  throw new Error('accepted');
};

describe('the scenario format', () => {
  it('validates faults, naming the bad field, and leaves a scenario without them as it was', () => {
    expect(validateScenario({ version: 1 })).not.toHaveProperty('faults');
    expect(validateScenario({ version: 1, faults: [] })).not.toHaveProperty('faults');
    const s = validateScenario({ version: 1, faults: [
      { at: 1, kind: 'tape-write', block: 3 }, { kind: 'media-read', lba: 7 }, { at: 2, kind: 'svol-write' },
      { at: 3, kind: 'quota' }, { at: 4, kind: 'worker', processor: '503' },
    ] });
    expect(s.faults).toEqual([
      { at: 1, kind: 'tape-write', block: 3 }, { at: 0, kind: 'media-read', volume: 'svol', lba: 7 }, { at: 2, kind: 'svol-write' },
      { at: 3, kind: 'quota' }, { at: 4, kind: 'worker', processor: '503', downMs: 5 },
    ]);
    expect(validateScenario(s)).toEqual(s);
    expect(bad({})).toBe('faults: must be an array');
    expect(bad([{ at: 0 }])).toBe('faults[0].kind: is required');
    expect(bad([{ kind: 'fire' }])).toMatch(/^faults\[0\]\.kind: must be one of tape-write, media-read/);
    expect(bad([{ kind: 'media-read' }])).toBe('faults[0].lba: is required');
    expect(bad([{ kind: 'media-read', lba: 4096 }])).toBe('faults[0].lba: must be ≤ 4095');
    expect(bad([{ kind: 'media-read', lba: 1, volume: 'tape' }])).toBe('faults[0].volume: must be one of pvol, svol');
    expect(bad([{ kind: 'quota', block: 1 }])).toBe('faults[0].block: unknown field');
    expect(bad([{ kind: 'worker' }])).toBe('faults[0].processor: is required');
    expect(bad([{ kind: 'worker', processor: '509' }])).toBe('faults[0].processor: must be one of 501, 502, 503, 508');
    expect(bad(Array.from({ length: 17 }, () => ({ kind: 'quota' })))).toBe('faults: must have ≤ 16 faults');
  });

  it('carries faults in a permalink', () => {
    const s = validateScenario({ ...DEFAULT_SCENARIO, faults: [{ at: 0.5, kind: 'svol-write', lba: 9 }] });
    const back = decodePermalink(`#${encodePermalink(s)}`, validateScenario, DEFAULT_SCENARIO);
    expect(back).toMatchObject({ ok: true, scenario: { faults: [{ at: 0.5, kind: 'svol-write', lba: 9 }] } });
  });
});

describe('the device wrappers', () => {
  it('fail the chosen I/O without touching the device, and count every I/O', () => {
    const inner = new MemoryBlockDevice({ name: 'svol-602', blocks: 8, blockBytes: 4 });
    const f = failNth(1, (io) => new DeviceError(io.device, 'write', io.lba, 'injected'));
    const d = new FaultyBlockDevice(inner, f.inject);
    d.write(0, 1, new Uint8Array(4).fill(1));
    expect(() => d.write(2, 2, new Uint8Array(8).fill(2))).toThrow(/svol-602: write at LBA 2: injected/);
    expect(Array.from(inner.data.subarray(8, 16))).toEqual(new Array(8).fill(0));
    d.write(2, 2, new Uint8Array(8).fill(3));
    expect(inner.data[8]).toBe(3);
    expect(f).toMatchObject({ seen: 3, failed: { device: 'svol-602', op: 'write', lba: 2, count: 2 } });
    // A range error stays a range error: it is checked before the injector is asked.
    expect(() => d.read(7, 2, new Uint8Array(8))).toThrow(/ends past the last block/);
  });

  it('a tape: the failed block is not written, and a partial file is overwritten by the next', () => {
    const f = failNth(3, (io) => new QuotaError(io.device, 'write', io.lba));
    const t = new FaultyTapeWriter(f.inject);
    t.writeBlock(new Uint8Array([1]));
    t.writeTapemark();
    t.writeBlock(new Uint8Array([2]));
    expect(() => t.writeBlock(new Uint8Array([3]))).toThrow(QuotaError);
    expect(t.partialBlocks).toBe(1);
    expect(readAwsTape(t.bytes()).files).toEqual([[new Uint8Array([1])], [new Uint8Array([2])]]);
    t.discardPartial();
    expect(t.partialBlocks).toBe(0);
    t.writeBlock(new Uint8Array([4]));
    t.writeTapemark();
    expect(readAwsTape(t.bytes())).toEqual({ files: [[new Uint8Array([1])], [new Uint8Array([4])]], tapemarks: 2 });
    const sinkOnly = new AwsTapeWriter({ sink: () => {} });
    sinkOnly.writeBlock(new Uint8Array([1]));
    expect(() => sinkOnly.discardPartial()).toThrow(/cannot reposition/);
  });
});

const run = (mode: Mode, faults: unknown[], script?: unknown[], over: Record<string, unknown> = {}) =>
  createSim(small({ faults, ...(script ? { script } : {}), ...over }), { core, mode }).runToEnd();
const RECOVER = [
  { at: 0.5, op: 'split' }, { at: 0.5, op: 'backup', transferBlocks: 8 },
  { at: 0, op: 'resync' }, { at: 0, op: 'split' }, { at: 0, op: 'backup', transferBlocks: 8 },
];

describe('outcomes in the sim', () => {
  it('a tape write error aborts the backup at its segment with the tape block; the tape file is partial; a new backup of the split verifies', () => {
    const r = run('E3', [{ at: 0, kind: 'tape-write', block: 5 }], [
      { at: 0.5, op: 'split' }, { at: 0.5, op: 'backup', transferBlocks: 8 }, { at: 0, op: 'backup', transferBlocks: 8 },
    ]);
    expect(r.backups[0]).toMatchObject({ status: 'failed', failure: 'device', failedSegment: 0, blocksDone: 40, reason: 'device error: tape write at block 5' });
    expect(r.backups[1]).toMatchObject({ status: 'done', verified: true });
    expect(r.faults).toEqual([expect.objectContaining({ kind: 'tape-write', hits: 1, io: 'tape-303 write at block 5' })]);
    expect(r.invariants).toEqual({ ok: true, violations: [] });
    // Without the second backup, the first one's blocks stay on the tape with no tapemark.
    const sim = createSim(small({ faults: [{ at: 0, kind: 'tape-write', block: 5 }] }), { core, mode: 'E3' });
    sim.runToEnd();
    expect(sim.tape.partialBlocks).toBe(5);
    expect(readAwsTape(sim.tape.bytes()).tapemarks).toBe(0);
  });

  for (const mode of ['E1', 'E3'] as Mode[]) {
    it(`${mode}: an S-VOL write error suspends the pair with its reason; client writes go on; a resync recovers it`, () => {
      const sim = createSim(small({ faults: [{ at: 0.5, kind: 'svol-write' }], script: RECOVER }), { core, mode });
      const r = sim.runToEnd();
      const suspended = sim.events.find((e) => e.ev === 'pair.suspended')!;
      expect(suspended.detail?.reason).toMatch(/^S-VOL write error at LBA \d+$/);
      expect(r.backups[0]).toMatchObject({ status: 'failed', failure: 'pair-state' });
      expect(r.backups[0].reason).toMatch(/^the pair was suspended \(S-VOL write error at LBA \d+\)$/);
      // Client writes acknowledged while the pair was suspended.
      const acks = sim.events.filter((e) => e.ev === 'resync.ack')[0]!;
      expect(r.clientWrites).toBeGreaterThan(0);
      expect(sim.events.some((e) => e.ev === 'pair.suspended' && e.t < acks.t)).toBe(true);
      expect(r.backups[1]).toMatchObject({ status: 'done', verified: true });
      expect(r.pair).toEqual({ p516: 'split', s517: 'split' });
      expect(r.invariants).toEqual({ ok: true, violations: [] });
    });
  }

  it('a media error on the S-VOL aborts an E3 backup naming the LBA and suspends the pair; rewritten by the resync, it is gone', () => {
    // Nothing pending at the split: the merge needs the S-VOL's own block 100.
    const r = run('E3', [{ at: 0.5, kind: 'media-read', volume: 'svol', lba: 100 }], RECOVER, { initial: { pair: 'duplex', pending: 0, dirtyInCache: 0 } });
    expect(r.backups[0]).toMatchObject({ status: 'failed', failure: 'device', reason: 'device error: S-VOL read at LBA 100' });
    expect(r.backups[1]).toMatchObject({ status: 'done', verified: true });
    expect(r.faults![0]).toMatchObject({ kind: 'media-read', healed: true });
    expect(r.invariants?.ok).toBe(true);
  });

  it('a media error on an S-VOL block still pending in 514 fails nothing: E3 takes that block from the P-VOL side', () => {
    // Split and back up at once: the backup has the disks before the background copy gets there.
    const r = run('E3', [{ at: 0, kind: 'media-read', volume: 'svol', lba: 100 }], [{ at: 0, op: 'split' }, { at: 0, op: 'backup', transferBlocks: 8 }],
      { initial: { pair: 'duplex', pending: 1, dirtyInCache: 0 } });
    expect(r.faults![0].hits).toBeGreaterThan(0);
    expect(r.backups).toEqual([expect.objectContaining({ status: 'done', verified: true })]);
    expect(r.invariants?.ok).toBe(true);
  });

  it('a media error on the P-VOL side of a pending block suspends the pair when 508 copies it; a split and backup are then refused', () => {
    const r = run('E2', [{ at: 0, kind: 'media-read', volume: 'pvol', lba: 100 }], undefined, { initial: { pair: 'duplex', pending: 1, dirtyInCache: 0 } });
    expect(r.pair).toEqual({ p516: 'suspended', s517: 'suspended', reason: 'P-VOL read error at LBA 100' });
    expect(r.backups[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/^pair suspended \(P-VOL read error at LBA 100\): the S-VOL holds no consistent image/) });
    expect(r.invariants?.ok).toBe(true);
  });

  it('a failed destage keeps the data in cache and suspends the pair; nothing acknowledged is lost', () => {
    const f = failNth(0, (io) => new DeviceError(io.device, 'write', io.lba, 'injected'), (io) => io.device === 'pvol-601' && io.op === 'write');
    const sim = createSim(small({ script: RECOVER }), { core, mode: 'E3', inject: f.inject, invariants: true });
    const r = sim.runToEnd();
    expect(f.failed).not.toBeNull();
    expect(sim.events.find((e) => e.ev === 'pair.suspended')?.detail?.reason).toMatch(/^P-VOL write error at LBA/);
    expect(r.invariants).toEqual({ ok: true, violations: [] });
    expect(r.backups.some((b) => b.verified)).toBe(true);
  });

  it('quota exhausted: the backup fails with a clear message, the volumes intact', () => {
    const r = run('E1', [{ at: 0.5, kind: 'quota' }]);
    expect(r.backups[0]).toMatchObject({ status: 'failed', failure: 'quota', reason: 'storage quota exhausted at tape block 0: it cannot grow; the volumes are intact (free some space and back up again)' });
    expect(r.pair).toEqual({ p516: 'split', s517: 'split' });
    expect(r.invariants).toEqual({ ok: true, violations: [] });
  });

  it('a stopped processor is reported and restarted; the run then completes and verifies', () => {
    const sim = createSim(small({ faults: [{ at: 0.6, kind: 'worker', processor: '508', downMs: 3 }] }), { core, mode: 'E1' });
    const r = sim.runToEnd();
    const failed = sim.events.find((e) => e.ev === 'processor.failed')!;
    const restarted = sim.events.find((e) => e.ev === 'processor.restarted')!;
    expect(failed).toMatchObject({ actor: '508', t: 0.6 });
    expect(restarted.t).toBeCloseTo(3.6, 6);
    expect(sim.events.filter((e) => e.actor === '508' && e.t > 0.6 && e.t < 3.6 && !e.ev.startsWith('processor.'))).toEqual([]);
    expect(r.faults![0]).toMatchObject({ io: 'processor 508 stopped for 3 ms', restartedAt: restarted.t });
    expect(r.verified).toBe(true);
    expect(r.invariants?.ok).toBe(true);
  });

  it('a fault that never meets its I/O says so (no hit)', () => {
    const r = run('E3', [{ at: 0, kind: 'tape-write', block: 1_000_000 }]);
    expect(r.faults![0]).toMatchObject({ hits: 0, firstHitAt: -1 });
    expect(r.verified).toBe(true);
  });
});

describe('any faults, any mode (property)', () => {
  const at = fc.double({ min: 0, max: 3, noNaN: true });
  const fault = fc.oneof(
    fc.record({ at, kind: fc.constant('tape-write'), block: fc.nat(40) }),
    fc.record({ at, kind: fc.constant('media-read'), volume: fc.constantFrom('pvol', 'svol'), lba: fc.nat(255) }),
    fc.record({ at, kind: fc.constant('svol-write'), lba: fc.nat(255) }),
    fc.record({ at, kind: fc.constant('quota') }),
    fc.record({ at, kind: fc.constant('worker'), processor: fc.constantFrom('501', '502', '503', '508'), downMs: fc.double({ min: 0, max: 3, noNaN: true }) }),
  );
  it('nothing acknowledged lost, the pair state sound, every completed backup verified', () => {
    fc.assert(fc.property(fc.array(fault, { maxLength: 3 }), fc.constantFrom(...MODES), fc.nat(1000), (faults, mode, seed) => {
      const r = createSim(small({ seed, faults, script: RECOVER }), { core, mode, invariants: true }).runToEnd();
      expect(r.invariants?.violations).toEqual([]);
      expect(r.backups.every((b) => b.status !== 'done' || b.verified)).toBe(true);
      expect(r.backups.every((b) => b.status !== 'failed' || (b.reason && b.failure !== 'none'))).toBe(true);
    }), { numRuns: 40 });
  });
});

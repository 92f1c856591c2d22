// Systematic fault injection over the live runtime's recovery (src/runtime/live/recovery.ts,
// docs/scenario.md#invariants): every I/O of a recovery fails in turn (both metadata slots
// read and written, the differential 514's record read, each replayed write and the flush of
// the P-VOL, emptying the cache journal); the page is then reloaded again and a second
// recovery runs without a fault. After it: every acknowledged write is on the P-VOL, the pair
// claims no more than is true (a split-pending pair without its differential's record is
// suspended; with it, it stays split-pending with the same 514), the interrupted backup is
// still reported.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillBlock } from '../../src/core/prng.ts';
import { DeviceError } from '../../src/devices/block-device.ts';
import { FaultyBlockDevice, failNth, type Injector } from '../../src/devices/faults.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { checkAckedWrites } from '../../src/runtime/live/acked-check.ts';
import { clearDiffFile, encodeSnapshot, writeBoundary, writeSnapshot } from '../../src/runtime/live/differential-514-store.ts';
import { MemorySlotStore, MetadataJournal, type SlotStore } from '../../src/runtime/live/metadata-journal.ts';
import { bitmapBytesFor } from '../../src/runtime/live/metadata-record.ts';
import { recover } from '../../src/runtime/live/recovery.ts';
import { journalFile } from './journal-helpers.ts';
import { MemHandle } from './mem-handle.ts';

const BB = 64, SEED = 5, BLOCKS = 32;
const scenarioJson = JSON.stringify({ geometry: { blockBytes: BB }, workload: { maxBlocks: 4 } });

const dataOf = (w: { id: number; lba: number; blocks: number }) => {
  const d = new Uint8Array(w.blocks * BB);
  for (let i = 0; i < w.blocks; i++) fillBlock(d.subarray(i * BB, (i + 1) * BB), SEED, w.id + 1, w.lba + i);
  return d;
};

/** The slots of the metadata record, each read and write asking the injector first. */
class FaultySlots implements SlotStore {
  constructor(readonly inner: MemorySlotStore, private readonly inject: Injector) {}
  read(slot: 0 | 1) { this.check(slot, 'read'); return this.inner.read(slot); }
  write(slot: 0 | 1, bytes: Uint8Array) { this.check(slot, 'write'); this.inner.write(slot, bytes); }
  private check(slot: number, op: 'read' | 'write') {
    const e = this.inject({ device: `metadata-slot-${slot}`, op, lba: 0, count: 1 });
    if (e) throw e;
  }
}

/** The state a reload left: the P-VOL (a prefix of the writes destaged), the journal, the record. */
/** The differential's record of split 1 (every write journaled before it): blocks 3, 9 and 20 still pending. */
function diffRecord(): MemHandle {
  const f = new MemHandle();
  clearDiffFile(f, BLOCKS);
  writeBoundary(f, { splitSeq: 1, lastJournaledId: 99, untaken: [] }, false);
  const bits = new Uint8Array(bitmapBytesFor(BLOCKS));
  for (const b of [3, 9, 20]) bits[b >> 3] |= 1 << (b & 7);
  const out = new Uint8Array(64);
  writeSnapshot(f, out.subarray(0, encodeSnapshot(out, 1, BLOCKS, bits, 3)), false);
  return f;
}

function reloaded(ws: { id: number; lba: number; blocks: number }[], destaged: number, diff: MemHandle | null = null) {
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
  for (let b = 0; b < BLOCKS; b++) fillBlock(pvol.data.subarray(b * BB, (b + 1) * BB), SEED, 0, b);
  for (const w of ws.slice(0, destaged)) pvol.write(w.lba, w.blocks, dataOf(w));
  let journal = journalFile(ws, dataOf, { blocks: BLOCKS, blockBytes: BB, maxWriteBlocks: 4 });
  const meta = new MemorySlotStore();
  const n = bitmapBytesFor(BLOCKS);
  new MetadataJournal(meta, 0).commit({
    clean: false,
    pairs: [{ pvol: 'pvol-601', svol: 'svol-602', blocks: BLOCKS, state516: 'split', state517: 'split-pending', diff514: new Uint8Array(n), postSplit: new Uint8Array(n), splitSeq: 1 }],
    inFlight: [{ kind: 'backup', id: 'backup-1', startedAt: 1, detail: { mode: 'E3' } }],
    run: { scenario: scenarioJson, mode: 'E3', startedAt: 1 },
  });
  return {
    pvol, meta,
    recover(inject: Injector | null) {
      const io = {
        meta: inject ? new FaultySlots(meta, inject) : meta,
        journal,
        pvol: () => (inject ? new FaultyBlockDevice(pvol, inject) : pvol),
        clearJournal: () => {
          const e = inject?.({ device: 'cache-journal', op: 'write', lba: 0, count: 0 });
          if (e) throw e;
          journal = new Uint8Array(0);
        },
        ...(diff ? { diff: inject ? faultyFile(diff, inject) : diff } : {}),
      };
      return recover(io);
    },
  };
}

/** The differential's file, each read asking the injector first. */
function faultyFile(f: MemHandle, inject: Injector): MemHandle {
  const g = Object.create(f) as MemHandle;
  g.read = (view, o) => {
    const e = inject({ device: 'differential-514', op: 'read', lba: 0, count: 1 });
    if (e) throw e;
    return f.read(view, o);
  };
  return g;
}

const writesArb = fc.array(fc.record({ lba: fc.integer({ min: 0, max: BLOCKS - 4 }), blocks: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 12 })
  .map((ws) => ws.map((w, id) => ({ id, ...w })));

describe('every I/O of a recovery fails in turn; the next recovery still keeps its promises', () => {
  it('acknowledged writes on the P-VOL, the pair suspended (never split-pending untrusted), the backup reported', () => {
    fc.assert(fc.property(writesArb, fc.nat(), (ws, d) => {
      const destaged = d % (ws.length + 1);
      const count = failNth(-1, () => new DeviceError('x', 'read', 0, 'x'));
      reloaded(ws, destaged).recover(count.inject);
      // Two slot reads, the replayed writes and their flush, emptying the journal, one slot write.
      expect(count.seen).toBe(2 + ws.length + 1 + 1 + 1);
      for (let n = 0; n < count.seen; n++) {
        const state = reloaded(ws, destaged);
        const f = failNth(n, (io) => new DeviceError(io.device, io.op === 'tapemark' ? 'write' : io.op, io.lba, 'injected I/O error'));
        expect(() => state.recover(f.inject), `I/O ${n}`).toThrow(DeviceError);
        const report = state.recover(null);
        const at = `I/O ${n} failed (${f.failed?.device} ${f.failed?.op})`;
        expect(checkAckedWrites((b) => state.pvol.data.subarray(b * BB, (b + 1) * BB), SEED, BB, ws).errors, at).toEqual([]);
        expect(report.bitmapsTrusted, at).toBe(false);
        expect(report.pairs.map((p) => [p.state516, p.state517]), at).toEqual([['suspended', 'suspended']]);
        expect(report.interrupted.map((x) => x.id), at).toEqual(['backup-1']);
      }
    }), { numRuns: 40 });
  });

  it('with its differential\'s record: acknowledged writes on the P-VOL, the pair split-pending with the same 514', () => {
    fc.assert(fc.property(writesArb, fc.nat(), (ws, d) => {
      const destaged = d % (ws.length + 1);
      const count = failNth(-1, () => new DeviceError('x', 'read', 0, 'x'));
      reloaded(ws, destaged, diffRecord()).recover(count.inject);
      // Two slot reads, the differential's two reads, the replayed writes and their flush, emptying the journal, one slot write.
      expect(count.seen).toBe(2 + 2 + ws.length + 1 + 1 + 1);
      for (let n = 0; n < count.seen; n++) {
        const state = reloaded(ws, destaged, diffRecord());
        const f = failNth(n, (io) => new DeviceError(io.device, io.op === 'tapemark' ? 'write' : io.op, io.lba, 'injected I/O error'));
        expect(() => state.recover(f.inject), `I/O ${n}`).toThrow(DeviceError);
        const report = state.recover(null);
        const at = `I/O ${n} failed (${f.failed?.device} ${f.failed?.op})`;
        expect(checkAckedWrites((b) => state.pvol.data.subarray(b * BB, (b + 1) * BB), SEED, BB, ws).errors, at).toEqual([]);
        expect(report.pairs.map((p) => [p.state516, p.state517, p.pending, p.diffRebuilt]), at).toEqual([['split', 'split-pending', 3, true]]);
        expect(report.interrupted.map((x) => x.id), at).toEqual(['backup-1']);
      }
    }), { numRuns: 40 });
  });
});

/**
 * The OPFS metadata slots (opfs-store.ts OpfsSlotStore) over in-memory handles with the
 * FileSystemSyncAccessHandle methods it uses: records overwrite a reserved slot in place
 * (no file growth on the ack path), an older record's tail never confuses recovery, a clear
 * reads as never written, and a torn write over zeros or over an older record never passes
 * for a newer record. The real OPFS files are exercised by the live e2e reload tests.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OpfsSlotStore } from '../../src/runtime/live/opfs-store.ts';
import { MetadataJournal, recoverMetadata } from '../../src/runtime/live/metadata-journal.ts';
import { bitmapBytesFor, encodeMetadata, recordBytesFor, type MetadataRecord } from '../../src/runtime/live/metadata-record.ts';
import { MemHandle } from './mem-handle.ts';

const BLOCKS = 200;
const recordArb = fc.record({
  clean: fc.boolean(),
  state: fc.constantFrom('duplex', 'split', 'split-pending'),
  diff: fc.uint8Array({ minLength: bitmapBytesFor(BLOCKS), maxLength: bitmapBytesFor(BLOCKS) }),
  ops: fc.array(fc.string({ maxLength: 300 }), { maxLength: 2 }),
}).map(({ clean, state, diff, ops }): Omit<MetadataRecord, 'sequence'> => ({
  clean,
  pairs: [{ pvol: 'p', svol: 's', blocks: BLOCKS, state516: state, state517: state, diff514: diff, postSplit: diff.slice().reverse() }],
  inFlight: ops.map((d, i) => ({ kind: i ? 'backup' : 'split', id: `op-${i}`, startedAt: 1, detail: { d } })),
}));

function store(): { s: OpfsSlotStore; h: [MemHandle, MemHandle] } {
  const h: [MemHandle, MemHandle] = [new MemHandle(), new MemHandle()];
  return { s: OpfsSlotStore.over(h as unknown as [FileSystemSyncAccessHandle, FileSystemSyncAccessHandle], 'readwrite-unsafe'), h };
}

describe('OPFS metadata slots', () => {
  it('a cleared slot reads as never written, even with its reserve of zeros', () => {
    const { s, h } = store();
    new MetadataJournal(s, 0).commit({ clean: true, pairs: [], inFlight: [] });
    s.clear(4096);
    expect(h.map((x) => x.getSize())).toEqual([4096, 4096]);
    expect(s.read(0)).toBeNull();
    expect(s.read(1)).toBeNull();
    expect(recoverMetadata(s).sequence).toBe(0);
  });

  it('records of any size overwrite in place; recovery always finds the newest', () => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 12 }), (recs) => {
      const { s, h } = store();
      s.clear(recordBytesFor(BLOCKS, 6 * 600 + 4096));
      const j = new MetadataJournal(s, 0);
      for (const r of recs) {
        const seq = j.commit(r);
        const got = recoverMetadata(s);
        expect(got.sequence).toBe(seq);
        expect(got.pairs[0].state516).toBe(r.pairs[0].state516);
        expect(got.bitmapsTrusted).toBe(r.clean);
        if (r.clean) expect(got.pairs[0].diff514).toEqual(r.pairs[0].diff514);
        expect(got.interrupted.length).toBe(r.inFlight.length);
      }
      // Nothing grew after the reserve: each record was an overwrite.
      expect(h[0].grows + h[1].grows).toBe(2);
    }));
  });

  it('a torn write never passes for a newer record, and never makes a torn slot trusted', () => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 6 }), recordArb, fc.double({ min: 0, max: 1, noNaN: true }),
      (recs, next, cut) => {
        const { s, h } = store();
        s.clear(recordBytesFor(BLOCKS, 6 * 600 + 4096));
        const j = new MetadataJournal(s, 0);
        let last = 0;
        for (const r of recs) last = j.commit(r);
        // The next record (sequence last + 1) lands on the other slot, cut off part way.
        const bytes = encodeMetadata({ ...next, sequence: last + 1 });
        const n = Math.floor(cut * (bytes.length - 1));
        const slot = h[(last + 1) & 1];
        // A cut inside the header may write bytes the older record already had there (the
        // same magic, version and flags): the slot is then unchanged, not torn.
        const changed = bytes.subarray(0, n).some((b, i) => b !== slot.bytes[i]);
        slot.write(bytes.subarray(0, n), { at: 0 });
        const got = recoverMetadata(s);
        const prev = recs[recs.length - 1];
        // Whatever the slot held (zeros, an older record), the cut-off one never wins.
        expect(got.sequence).toBe(last);
        expect(got.pairs[0].state516).toBe(prev.pairs[0].state516);
        if (changed) expect(got.bitmapsTrusted).toBe(false);
      }));
  });
});

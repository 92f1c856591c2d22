import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { journalFile } from './journal-helpers.ts';
import { MemorySlotStore, MetadataJournal } from '../../src/runtime/live/metadata-journal.ts';
import { bitmapBytesFor } from '../../src/runtime/live/metadata-record.ts';
import { recover } from '../../src/runtime/live/recovery.ts';
import { checkAckedWrites } from '../../src/runtime/live/acked-check.ts';
import { decodeBackup, encodeBackup } from '../../src/runtime/live/xcopy-port.ts';

const BB = 64;
const SEED = 9;
const BLOCKS = 40;

/** A client write stream: ids in order, data as the client makes it (fillBlock). */
const writesArb = fc.array(fc.record({ lba: fc.integer({ min: 0, max: BLOCKS - 4 }), blocks: fc.integer({ min: 1, max: 4 }) }), { maxLength: 30 })
  .map((ws) => ws.map((w, id) => ({ id, ...w })));

function dataOf(w: { id: number; lba: number; blocks: number }): Uint8Array {
  const d = new Uint8Array(w.blocks * BB);
  for (let i = 0; i < w.blocks; i++) fillBlock(d.subarray(i * BB, (i + 1) * BB), SEED, w.id + 1, w.lba + i);
  return d;
}

function initialVolume(): MemoryBlockDevice {
  const v = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
  for (let b = 0; b < BLOCKS; b++) fillBlock(v.data.subarray(b * BB, (b + 1) * BB), SEED, 0, b);
  return v;
}

const scenarioJson = JSON.stringify({ geometry: { blockBytes: BB }, workload: { maxBlocks: 4 } });


describe('cache journal + recovery: every acknowledged write survives a reload', () => {
  it('after replay, the acknowledged writes are on the P-VOL whatever had been destaged', () => {
    fc.assert(fc.property(writesArb, fc.nat(), fc.nat(), (ws, ackedCount, destagedCount) => {
      const acked = ws.slice(0, ws.length ? ackedCount % (ws.length + 1) : 0);
      // The journal holds every acknowledged write (appended and flushed before the ack);
      // some prefix of them had already been destaged before the reload.
      const pvol = initialVolume();
      for (const w of acked.slice(0, acked.length ? destagedCount % (acked.length + 1) : 0)) pvol.write(w.lba, w.blocks, dataOf(w));
      const bytes = acked.length ? journalFile(acked, dataOf, { blocks: BLOCKS, blockBytes: BB, maxWriteBlocks: 4 }) : new Uint8Array(0);
      const meta = new MemorySlotStore();
      const n = bitmapBytesFor(BLOCKS);
      new MetadataJournal(meta, 0).commit({
        clean: false,
        pairs: [{ pvol: 'pvol-601', svol: 'svol-602', blocks: BLOCKS, state516: 'split', state517: 'split-pending', diff514: new Uint8Array(n), postSplit: new Uint8Array(n) }],
        inFlight: [{ kind: 'backup', id: 'backup-1', startedAt: 1, detail: { mode: 'E2' } }],
        run: { scenario: scenarioJson, mode: 'E2', startedAt: 1 },
      });
      let cleared = false;
      const report = recover({ meta, journal: bytes, pvol: () => pvol, clearJournal: () => { cleared = true; } });
      expect(report.replayedWrites).toBe(acked.length);
      expect(cleared).toBe(acked.length > 0 ? true : bytes.length > 0);
      expect(report.interrupted.map((x) => x.kind)).toEqual(['backup']);
      // Unclean record: the differential counts as all dirty, never as clean.
      expect(report.bitmapsTrusted).toBe(false);
      expect(report.pairs[0].pending).toBe(BLOCKS);
      // Its split-instant data may be overwritten by the replay: it comes back suspended,
      // in the report and in the record written back, never split-pending.
      expect(report.pairs[0]).toMatchObject({ state516: 'suspended', state517: 'suspended' });
      expect(report.notes.some((x) => /was split-pending, but its differential was not saved/.test(x))).toBe(true);
      const check = checkAckedWrites((b) => pvol.data.subarray(b * BB, (b + 1) * BB), SEED, BB, acked);
      expect(check.errors).toEqual([]);
      // A second recovery still reports the pairs and the interrupted backup.
      const again = recover({ meta, journal: new Uint8Array(0), pvol: () => pvol, clearJournal: () => {} });
      expect(again.interrupted.map((x) => x.id)).toEqual(['backup-1']);
      expect(again.pairs[0].pending).toBe(BLOCKS);
      expect(again.pairs[0].state517).toBe('suspended');
      // The record recovery wrote back does not turn untrusted bitmaps into trusted ones.
      expect(again.bitmapsTrusted).toBe(false);
    }));
  });

  it('the acked-write check catches a lost write', () => {
    const pvol = initialVolume();
    const w = { id: 3, lba: 5, blocks: 2 };
    const r = checkAckedWrites((b) => pvol.data.subarray(b * BB, (b + 1) * BB), SEED, BB, [w]);
    expect(r.checkedBlocks).toBe(2);
    expect(r.errors.map((e) => [e.lba, e.atLeast, e.found])).toEqual([[5, 4, 0], [6, 4, 0]]);
  });
});

describe('EXTENDED COPY bytes between the backup server 102 and 502', () => {
  it('any tape backup survives encode → parse unchanged', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 15 }),
      fc.constantFrom('priority' as const, 'wait' as const, 'staging' as const), fc.boolean(), fc.boolean(),
      fc.constantFrom(512, 4096),
      (lba, blocks, transferBlocks, method, combinedSplit, checkWholeRange, bb) => {
        // Up to 200 000 blocks of 4 KiB (781 MiB): several segments under the 32 MiB limit.
        const p = { method, segments: [{ lba, blocks, dest: { kind: 'tape' as const } }], transferBlocks, checkWholeRange, combinedSplit };
        const bytes = encodeBackup(p, bb, 7);
        expect(bytes[0]).toBe(7); // LIST IDENTIFIER
        const back = decodeBackup(bytes, bb, combinedSplit ? 'wait' : method, checkWholeRange);
        expect(back).toEqual(p);
      }));
  });

  it('records as large as the array\'s transfer unit pass; larger ones are refused', () => {
    const p = { method: 'priority' as const, segments: [{ lba: 0, blocks: 1024, dest: { kind: 'tape' as const } }], transferBlocks: 16, checkWholeRange: false, combinedSplit: false };
    const bytes = encodeBackup(p, 4096, 1);
    expect(() => decodeBackup(bytes, 4096, 'priority', false)).toThrow(/05\/26\/00/);
    expect(decodeBackup(bytes, 4096, 'priority', false, 16 * 4096)).toEqual(p);
  });

  it('a malformed parameter list is refused by the SCSI parser', () => {
    const bytes = encodeBackup({ method: 'wait', segments: [{ lba: 0, blocks: 8, dest: { kind: 'tape' } }], transferBlocks: 1 }, 512, 1);
    expect(() => decodeBackup(bytes.subarray(0, 20), 512, 'wait', false)).toThrow();
  });
});

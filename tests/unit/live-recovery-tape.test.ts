// The tape after an unclean stop (src/runtime/live/recovery-tape.ts): the recovery keeps the
// image's longest valid prefix, whatever follows it (laid-out zeros, a block cut off), and an
// interrupted backup ends COPY ABORTED at the segment its units on the tape reached, with
// the bytes RECEIVE COPY RESULTS 00h and 04h return (docs/scsi.md#receive-copy-results).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AwsTapeWriter, bytesSource, readAwsTape } from '../../src/devices/awstape.ts';
import { decodeSense } from '../../src/scsi/sense.ts';
import { decodeCopyStatus, decodeFailedSegment } from '../../src/scsi/receive-copy-results.ts';
import { interruptedBackup, tapeEnd } from '../../src/runtime/live/recovery-tape.ts';
import { recover } from '../../src/runtime/live/recovery.ts';
import { MemorySlotStore, MetadataJournal } from '../../src/runtime/live/metadata-journal.ts';
import { bitmapBytesFor } from '../../src/runtime/live/metadata-record.ts';
import type { InFlightOp } from '../../src/runtime/live/metadata-record.ts';

/** An image of closed files (block sizes each) and an open file after the last tapemark. */
function image(files: number[][], open: number[]): Uint8Array {
  const w = new AwsTapeWriter();
  let n = 0;
  const block = (len: number) => w.writeBlock(new Uint8Array(len).fill(++n & 0xff));
  for (const f of files) { f.forEach(block); w.writeTapemark(); }
  open.forEach(block);
  return w.bytes();
}

const bytesOf = (hex: string) => Uint8Array.from(hex.split(' '), (x) => parseInt(x, 16));
const op = (detail: InFlightOp['detail']): InFlightOp => ({ kind: 'backup', id: 'backup-7', startedAt: 1, detail });

describe('the tape after an unclean stop', () => {
  it('a whole image is kept as it is, its open file counted', () => {
    const img = image([[100, 200], [50]], [300, 300, 10]);
    const t = tapeEnd(bytesSource(img));
    expect(t).toEqual({ end: img.length, size: img.length, tapemarks: 2, openBlocks: 3, openBytes: 610 });
  });

  it('laid-out zeros and a block cut off half way are cut; the files before stay whole', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 4 }), { maxLength: 3 }),
      fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 5 }),
      fc.nat(), fc.integer({ min: 0, max: 9000 }),
      (files, open, cutAt, zeros) => {
        const whole = image(files, open);
        const boundaries: number[] = [0];
        let pos = 0;
        for (const f of [...files.map((x) => [...x, -1]), open].flat()) boundaries.push(pos += 6 + Math.max(0, f));
        // Laid-out zeros follow whole write calls (every call that completed is whole after a
        // reload or a killed browser); a file that ends without them may end anywhere.
        const anywhere = cutAt % (whole.length + 1);
        const cut = zeros > 0 ? Math.max(...boundaries.filter((b) => b <= anywhere)) : anywhere;
        const torn = new Uint8Array(cut + zeros);
        torn.set(whole.subarray(0, cut));
        const t = tapeEnd(bytesSource(torn));
        // The end is the end of a whole entry at or before the cut, and nothing whole is lost:
        // no later entry boundary lies between it and the cut.
        expect(t.end).toBeLessThanOrEqual(cut);
        const kept = readAwsTape(torn.subarray(0, t.end));
        const full = readAwsTape(whole);
        const entriesKept = kept.tapemarks + kept.files.flat().length;
        expect(boundaries).toContain(t.end);
        expect(boundaries.filter((b) => b > t.end && b <= cut)).toEqual([]);
        expect(entriesKept).toBe(boundaries.indexOf(t.end));
        expect(kept.files.flat().map((b) => b.length)).toEqual(full.files.flat().map((b) => b.length).slice(0, kept.files.flat().length));
        expect(t.openBlocks).toBe(kept.files.length > kept.tapemarks ? kept.files[kept.files.length - 1].length : 0);
      },
    ));
  });

  it('an interrupted backup ends COPY ABORTED 0A/29/04 at the segment its units reached', () => {
    // Two segments of 20 and 10 blocks, units of 8: three units, then two.
    const detail = { listId: 7, unit: 8, segments: '0+20,100+10' };
    const at = (openBlocks: number) => interruptedBackup(op(detail), { end: 0, size: 0, tapemarks: 1, openBlocks, openBytes: openBlocks * 4096 });
    expect([0, 2, 3, 4, 5, 9].map((k) => at(k).segment)).toEqual([0, 0, 1, 1, 1, 1]);
    const r = at(3);
    expect(r).toMatchObject({ id: 'backup-7', listId: 7, tapeBlocks: 3 });
    const details = decodeFailedSegment(bytesOf(r.failedSegment));
    expect(details?.commandStatus).toBe(0x02);
    const sense = decodeSense(details!.sense);
    expect(sense).toMatchObject({ key: 0xa, asc: 0x29, ascq: 0x04 });
    // COMMAND-SPECIFIC INFORMATION bytes 10–11: the segment.
    expect((details!.sense[10] << 8) | details!.sense[11]).toBe(1);
    expect(decodeCopyStatus(bytesOf(r.copyStatus))).toMatchObject({ state: 'completed with errors', segmentsProcessed: 1, bytes: 3 * 4096 });
    expect(r.note).toMatch(/COPY ABORTED at segment 1.*3 blocks of its tape file reached the tape, which is left partial/);
    // No tape, or nothing after its last tapemark: it reached segment 0 and wrote nothing.
    expect(interruptedBackup(op(detail), null)).toMatchObject({ segment: 0, tapeBlocks: 0 });
    expect(at(0).note).toMatch(/none of its data reached the tape/);
  });

  it('recovery cuts the tape to its valid end and reports the backup, the same again the second time', () => {
    const whole = image([[64, 64]], [512, 512]);
    let file = new Uint8Array(whole.length + 8192);
    file.set(whole);
    const tape = {
      source: { get bytesWritten() { return file.length; }, readAt: (at: number, into: Uint8Array) => into.set(file.subarray(at, at + into.length)) },
      cut: (end: number) => { file = file.slice(0, end); },
    };
    const meta = new MemorySlotStore();
    const n = bitmapBytesFor(16);
    new MetadataJournal(meta, 0).commit({
      clean: false,
      pairs: [{ pvol: 'pvol-601', svol: 'svol-602', blocks: 16, state516: 'split', state517: 'split', diff514: new Uint8Array(n), postSplit: new Uint8Array(n) }],
      inFlight: [op({ mode: 'E3', listId: 7, unit: 1, segments: '0+16' })],
      run: { scenario: '{}', mode: 'E3', startedAt: 1 },
    });
    const first = recover({ meta, journal: new Uint8Array(0), pvol: () => { throw new Error('nothing to replay'); }, clearJournal: () => {}, tape });
    expect(file).toEqual(whole);
    expect(first.backups).toEqual([expect.objectContaining({ id: 'backup-7', segment: 0, tapeBlocks: 2 })]);
    expect(first.notes.join(' ')).toMatch(/backup-7 \(list id 7\) ends COPY ABORTED at segment 0/);
    const again = recover({ meta, journal: new Uint8Array(0), pvol: () => { throw new Error('nothing to replay'); }, clearJournal: () => {}, tape });
    expect(again.backups).toEqual(first.backups);
    expect(file).toEqual(whole);
  });
});

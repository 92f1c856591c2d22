// EXTENDED COPY running in virtual time over the wire, against the controller in the sim
// runtime: the point-in-time image on tape through 502/503, progress seen by RECEIVE COPY
// RESULTS while the copy runs, list identifier rules, COPY ABORTED mid-copy (a volume
// failing under 508), tape record limits, and the C0h split-and-copy that answers at the
// split (§0038).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LUN, makeArray } from './scsi-fixture.ts';
import { WireSession } from '../../src/scsi/wire-session.ts';
import { fromHex, toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';
import { decodeCopyStatus, decodeFailedSegment } from '../../src/scsi/receive-copy-results.ts';
import { SENSE, decodeSense } from '../../src/scsi/sense.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import type { ListIdUsage } from '../../src/scsi/xcopy-types.ts';

type A = Record<string, any>;

function setup(blocks = 4096) {
  const a = makeArray({ blocks });
  const wire = new WireSession({ target: a.target, clock: a.clock });
  const lines = (m: object): A[] => wire.handleLine(JSON.stringify(m)).map((l) => JSON.parse(l));
  const cmd = (lun: number, cdb: Uint8Array, data?: Uint8Array, tag?: number) =>
    lines({ lun, cdb: toHex(cdb), ...(data ? { data: toHex(data) } : {}), ...(tag !== undefined ? { tag } : {}) });
  const toTape = (listId: number, lba: number, n: number, usage: ListIdUsage = 'hold', stl = 4096): Uint8Array =>
    encodeXcopyParams({ listId, listIdUsage: usage, cscds: [a.cscd(LUN.SVOL), a.cscd(LUN.TAPE)],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: stl, blocks: n, lba: BigInt(lba) }] });
  const status = (listId: number) => decodeCopyStatus(fromHex(cmd(LUN.CMD_604, receiveCopyResultsCdb(0, listId))[0]!.data));
  const write = (lba: number, n: number, byte: number) =>
    cmd(LUN.PVOL, rwCdb('WRITE', lba, n), new Uint8Array(n * 512).fill(byte));
  /** Pair create, then a quick split at once (most blocks still pending in 514). */
  const split = () => {
    for (const op of ['create', 'split'] as const) expect(cmd(LUN.CMD_603, encodePairCdb(op))[0]).toMatchObject({ status: 'GOOD' });
  };
  return { ...a, wire, lines, cmd, toTape, status, write, split };
}

describe('block → stream of a split S-VOL', () => {
  it('the tape holds exactly the split-instant image, though the client keeps writing', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ lba: fc.nat({ max: 4000 }), n: fc.integer({ min: 1, max: 32 }), b: fc.nat({ max: 255 }) }), { maxLength: 12 }),
      fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 64 }),
      (after, lba, n, stlBlocks) => {
        const t = setup();
        t.cmd(LUN.CMD_603, encodePairCdb('create'));
        t.write(100, 50, 0xab); // before the split: part of the image
        t.cmd(LUN.CMD_603, encodePairCdb('split'));
        const pit = t.image(); // the split-instant image, as the client saw it
        const q = t.cmd(LUN.CMD_604, extendedCopyCdb(t.toTape(1, lba, n).length), t.toTape(1, lba, n, 'hold', stlBlocks * 512), 1);
        expect(q[0]).toEqual({ tag: 1, queued: true });
        // After the split; the tagged answer comes whenever virtual time reaches its end.
        const outs: A[] = [];
        for (const w of after) if (w.lba + w.n <= t.blocks) outs.push(...t.write(w.lba, w.n, w.b));
        outs.push(...t.lines({ advance: 1e6 }));
        expect(outs.filter((o) => o.tag === 1)).toEqual([expect.objectContaining({ tag: 1, status: 'GOOD' })]);
        expect(outs.filter((o) => o.tag === undefined && 'status' in o).every((o) => o.status === 'GOOD')).toBe(true);
        expect(t.controller.lastBackup?.status).toBe('done'); // it ran through 502/503
        const { files } = readAwsTape(t.tape.bytes());
        const records = files.flat();
        const rec = stlBlocks * 512;
        expect(records.map((r) => r.length)).toEqual(
          Array.from({ length: Math.ceil((n * 512) / rec) }, (_, i) => Math.min(rec, n * 512 - i * rec)));
        const image = Buffer.concat(records);
        expect(Buffer.compare(image, pit.subarray(lba * 512, (lba + n) * 512))).toBe(0);
      }), { numRuns: 25 });
  });

  it('fixed-block tape with PAD: every record is one stream block, the last zero padded', () => {
    const t = setup();
    const list = encodeXcopyParams({ listId: 2, cscds: [t.cscd(LUN.PVOL), t.cscd(LUN.TAPE, { fixed: true, blockLength: 2048, pad: true })],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 8, blocks: 9, lba: 0n }] });
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list)[0]!.status).toBe('GOOD');
    const recs = readAwsTape(t.tape.bytes()).files.flat();
    expect(recs.map((r) => r.length)).toEqual([2048, 2048, 2048]);
    expect(Buffer.compare(recs[2]!.subarray(0, 512), t.image().subarray(4096, 4608))).toBe(0);
    expect(recs[2]!.subarray(512).every((x) => x === 0)).toBe(true);
    // Without PAD the residue is refused before anything is written.
    const nopad = encodeXcopyParams({ listId: 3, cscds: [t.cscd(LUN.PVOL), t.cscd(LUN.TAPE, { fixed: true, blockLength: 2048 })],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 8, blocks: 9, lba: 0n }] });
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(nopad.length), nopad)[0]!.sense).toMatchObject({ key: 5, asc: 0x26, ascq: 0 });
  });
});

describe('completion and progress (SPC-4)', () => {
  it('RECEIVE COPY RESULTS 00h sent meanwhile sees segments and bytes grow, then the end', () => {
    const t = setup(8192);
    t.split();
    const pit = t.image();
    const segs: SegmentInput[] = [0, 1, 2].map((i) => ({ type: 0x00, src: 0, dst: 1, streamTransferLength: 32768, blocks: 2048, lba: BigInt(i * 2048) }));
    const list = encodeXcopyParams({ listId: 7, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: segs });
    t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list, 5);
    const seen: { segs: number; bytes: number }[] = [];
    for (let i = 0; i < 100 && t.wire.queued > 0; i++) {
      const s = t.status(7);
      if (s.state === 'in progress') seen.push({ segs: s.segmentsProcessed, bytes: s.bytes });
      t.lines({ advance: 2 });
    }
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
      expect(seen[i]!.segs).toBeGreaterThanOrEqual(seen[i - 1]!.segs);
    }
    expect(seen.some((s) => s.segs > 0 && s.segs < 3)).toBe(true);
    expect(t.status(7)).toMatchObject({ state: 'completed', segmentsProcessed: 3, bytes: 3 * 2048 * 512 });
    const tape = readAwsTape(t.tape.bytes()).files.flat();
    expect(tape.every((r) => r.length === 32768)).toBe(true);
    expect(Buffer.compare(Buffer.concat(tape), pit.subarray(0, 3 * 2048 * 512))).toBe(0);
    // Held until read: the end has been reported, so the id is now unknown.
    expect(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 7))[0]!.sense).toMatchObject({ key: 5, asc: 0x24 });
  });

  it('a list id in use by a running copy is 05/00/16; once done it may be reused', () => {
    const t = setup();
    t.split();
    const l = t.toTape(4, 0, 4000);
    t.cmd(LUN.CMD_604, extendedCopyCdb(l.length), l, 1);
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(l.length), l)[0]!.sense).toMatchObject({ key: 5, asc: 0, ascq: 0x16 });
    t.lines({ advance: 1e6 });
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(l.length), l)[0]!.status).toBe('GOOD');
  });

  it('LIST ID USAGE discard keeps no status after the end; none needs id 0', () => {
    const t = setup();
    const l = t.toTape(6, 0, 10, 'discard');
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(l.length), l)[0]!.status).toBe('GOOD');
    expect(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 6))[0]!.sense).toMatchObject({ key: 5, asc: 0x24 });
    const bad = t.toTape(6, 0, 10, 'none');
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(bad.length), bad)[0]!.sense).toMatchObject({ key: 5, asc: 0x26, field: { cdb: false, byte: 0 } });
  });

  it('more running copies than TOTAL CONCURRENT COPIES is 05/55/03', () => {
    const t = setup();
    t.split(); // 502 takes them one at a time; the copy manager counts all four as running
    for (let i = 0; i < 4; i++) {
      const l = t.toTape(10 + i, 0, 4000);
      t.cmd(LUN.CMD_604, extendedCopyCdb(l.length), l, i);
    }
    const l = t.toTape(20, 0, 10);
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(l.length), l)[0]!.sense).toMatchObject({ key: 5, asc: 0x55, ascq: 3 });
    const ends = t.lines({ advance: 1e6 });
    expect(ends.filter((x) => x.status === 'GOOD').map((x) => x.tag).sort()).toEqual([0, 1, 2, 3]);
    expect(readAwsTape(t.tape.bytes()).files).toHaveLength(4); // one tape file per backup
  });
});

describe('COPY ABORTED mid-copy', () => {
  it('an S-VOL read failure under 508 in segment 1 aborts with 0A/0D/01, the segment number and the source\'s own sense; 04h reports it', () => {
    const t = setup();
    t.split();
    const pit = t.image();
    t.svol.failAt = { op: 'read', lba: 700 };
    const list = encodeXcopyParams({ listId: 3, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.BACKUP_DISK)], segments: [
      { type: 0x02, src: 0, dst: 1, blocks: 500, srcLba: 0n, dstLba: 0n },
      { type: 0x02, src: 0, dst: 1, blocks: 500, srcLba: 500n, dstLba: 500n },
    ] });
    const r = t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list)[0]!;
    // Byte 8: the source's status and sense start at byte 18 (SPC-3 6.3.3); bytes 10–11: segment 1.
    expect(r.sense).toMatchObject({ key: 0x0a, asc: 0x0d, ascq: 0x01, commandSpecific: (18 << 24) | 1 });
    const raw = fromHex(r.senseData as string);
    expect(raw[8]).toBe(18);
    expect(raw[18]).toBe(0x02); // the S-VOL's status: CHECK CONDITION
    expect(decodeSense(raw.subarray(19))).toMatchObject({ key: 0x3, asc: 0x11, ascq: 0x00, information: 700 });
    expect(t.controller.lastBackup).toMatchObject({ status: 'failed', failure: 'device', failedSegment: 1 });
    expect(Buffer.compare(t.backupDisk.data.subarray(0, 500 * 512), pit.subarray(0, 500 * 512))).toBe(0);
    expect(t.status(3)).toMatchObject({ state: 'completed with errors', segmentsProcessed: 1 });
    const fs = decodeFailedSegment(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(4, 3))[0]!.data));
    expect(fs!.commandStatus).toBe(2);
    expect(decodeSense(fs!.sense)).toMatchObject({ key: 0x0a, asc: 0x0d, ascq: 0x01, commandSpecific: (18 << 24) | 1 });
    expect(decodeSense(fs!.sense.subarray(19))).toMatchObject({ key: 0x3, asc: 0x11, information: 700 });
  });
});

describe('C0h split-and-copy (embodiment 4)', () => {
  it('answers at the split, then the backup server polls until the copy is done', () => {
    const t = setup();
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    const list = encodeXcopyParams({ listId: 9, cscds: [t.cscd(LUN.PVOL), t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: [
      { type: 0xc0, src: 0, dst: 1, mode: 'pair', early: true, pair: 0 },
      { type: 0x00, src: 1, dst: 2, streamTransferLength: 32768, blocks: 4096, lba: 0n },
    ] });
    const pit = t.image();
    const r = t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list);
    expect(r[0]!.status).toBe('GOOD');
    expect(t.pairState()).toBe('split');
    expect(t.status(9).state).toBe('in progress');
    t.write(0, 64, 0xee); // the client resumes (embodiment 4, §0038) after the answer
    let polls = 0;
    while (t.status(9).state === 'in progress' && polls++ < 1000) t.lines({ advance: 1 });
    expect(polls).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.concat(readAwsTape(t.tape.bytes()).files.flat()), pit)).toBe(0);
  });
  it('is refused when its CSCDs are not the pair, before anything happens', () => {
    const t = setup();
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    const list = encodeXcopyParams({ listId: 9, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.PVOL)], segments: [
      { type: 0xc0, src: 0, dst: 1, mode: 'pair', early: true, pair: 0 }] });
    const before = t.pairState();
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list)[0]!.sense).toMatchObject({ key: 5, asc: 0x26 });
    expect(t.pairState()).toBe(before);
    expect(before).toMatch(/^duplex/);
  });
});

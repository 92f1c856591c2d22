// The target's contract (docs/scsi.md): any byte string as a CDB or parameter list gives
// a well-formed answer, never an exception. Well-formed: a known status; CHECK CONDITION carries 18 bytes of
// decodable fixed-format sense; GOOD carries none. The target is the one over the
// controller in the sim runtime, so pair CDBs and copies reach 501/502/503.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LUN, makeArray } from './scsi-fixture.ts';
import { decodeSense } from '../../src/scsi/sense.ts';
import { extendedCopyCdb } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';
import { WireSession } from '../../src/scsi/wire-session.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import type { ScsiResult } from '../../src/scsi/lu.ts';

function wellFormed(r: ScsiResult) {
  expect(['GOOD', 'CHECK CONDITION']).toContain(r.status);
  if (r.status === 'CHECK CONDITION') {
    expect(r.sense).toHaveLength(18);
    const s = decodeSense(r.sense!);
    expect(s).not.toBeNull();
    // 04/44/00 is what the target answers when something threw unexpectedly: a bug.
    expect([s!.key, s!.asc]).not.toEqual([4, 0x44]);
  } else {
    expect(r.sense).toBeUndefined();
  }
}

describe('fuzz', () => {
  const a = makeArray({ blocks: 256 });
  it('any CDB on any LUN', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.uint8Array({ maxLength: 20 }), fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
      (lun, cdb, data) => wellFormed(a.target.execute(lun, cdb, data))), { numRuns: 3000 });
  });
  it('any CDB whose opcode is one we implement', () => {
    const ops = [0x00, 0x03, 0x12, 0x25, 0x28, 0x2a, 0x83, 0x84, 0x88, 0x8a, 0x9e, 0xa0, 0xc1];
    fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.constantFrom(...ops), fc.uint8Array({ minLength: 15, maxLength: 15 }),
      (lun, op, rest) => {
        const cdb = Uint8Array.of(op, ...rest);
        cdb[cdb.length - 1] = 0;
        wellFormed(a.target.execute(lun, cdb, new Uint8Array(512)));
      }), { numRuns: 3000 });
  });
  it('any parameter list to EXTENDED COPY', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (list) => {
      wellFormed(a.target.execute(LUN.CMD_604, extendedCopyCdb(list.length), list));
    }), { numRuns: 3000 });
  });
  it.each(['simplex', 'split'] as const)('valid lists with any header and descriptor bytes mutated (pair %s)', (state) => {
    const b = makeArray({ blocks: 256 });
    if (state === 'split') {
      // The copies then run through 502/503 (or are refused before anything moves).
      for (const op of ['create', 'split'] as const) expect(b.target.execute(LUN.CMD_603, encodePairCdb(op)).status).toBe('GOOD');
    }
    const base = encodeXcopyParams({ listId: 1, cscds: [b.cscd(LUN.SVOL), b.cscd(LUN.TAPE), b.cscd(LUN.BACKUP_DISK)], segments: [
      { type: 0x00, src: 0, dst: 1, streamTransferLength: 512, blocks: 4, lba: 0n },
      { type: 0x02, src: 0, dst: 2, blocks: 4, srcLba: 0n, dstLba: 8n },
    ] });
    let good = 0;
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
      (muts) => {
        const l = base.slice();
        for (const [i, v] of muts) l[i] = v;
        const r = b.target.execute(LUN.CMD_604, extendedCopyCdb(l.length), l);
        wellFormed(r);
        if (r.status === 'GOOD') good++;
      }), { numRuns: 1500 });
    expect(good).toBeGreaterThan(0); // some mutations leave a valid copy, which then ran
    if (state === 'split') expect(b.controller.lastBackup?.status).toBe('done');
  });
  it('any line on the wire gives JSON lines back', () => {
    const w = new WireSession({ target: a.target, clock: a.clock });
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ lun: fc.integer({ min: -1, max: 6 }), cdb: fc.string(), data: fc.string() })),
      (x) => {
        const line = typeof x === 'string' ? x : JSON.stringify(x);
        for (const out of w.handleLine(line)) expect(typeof JSON.parse(out)).toBe('object');
      }), { numRuns: 2000 });
  });
});

// Faults seen through the SCSI wire (docs/scsi.md#sense-codes): a backup by EXTENDED COPY
// that a tape write error or a full tape ends answers COPY ABORTED 0A/0D/01 with the failing
// segment and, at the offset byte 9 gives, the tape's own status and sense (03/0C/00 at
// its block, or 0D/00/02 when it ran out of room); RECEIVE COPY RESULTS 04h returns the
// same bytes. The scenario's faults drive it (docs/scenario.md#faults).
import { describe, expect, it } from 'vitest';
import { createSharedMemory } from '../../src/core/memory.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { createSimTarget } from '../../src/runtime/sim-target.ts';
import { fromHex, toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, receiveCopyResultsCdb } from '../../src/scsi/cdb.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { decodeFailedSegment } from '../../src/scsi/receive-copy-results.ts';
import { decodeSense } from '../../src/scsi/sense.ts';
import { WireSession } from '../../src/scsi/wire-session.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { LUN, scsiScenario } from './scsi-fixture.ts';

function setup(faults: unknown[]) {
  const scenario = validateScenario({ ...scsiScenario({ blocks: 1024 }), faults });
  const st = createSimTarget(scenario, { core: createRefCore(createSharedMemory(1 << 20)), maxSteps: 5_000_000 });
  const wire = new WireSession({ target: st.target, clock: st.clock });
  const cmd = (lun: number, cdb: Uint8Array, data?: Uint8Array) =>
    wire.handleLine(JSON.stringify({ lun, cdb: toHex(cdb), ...(data ? { data: toHex(data) } : {}) })).map((l) => JSON.parse(l))[0];
  const cscd = (lun: number) => {
    const lu = st.target.lu(lun)!;
    return { peripheralType: lu.id.peripheralType as 0 | 1, designator: lu.id.naa, blockLength: lu.kind === 'disk' ? lu.device.blockBytes : 0 };
  };
  for (const op of ['create', 'split'] as const) expect(cmd(LUN.CMD_603, encodePairCdb(op)).status).toBe('GOOD');
  const list = encodeXcopyParams({ listId: 4, cscds: [cscd(LUN.SVOL), cscd(LUN.TAPE)], segments: [
    { type: 0x00, src: 0, dst: 1, streamTransferLength: 4096, blocks: 512, lba: 0n },
    { type: 0x00, src: 0, dst: 1, streamTransferLength: 4096, blocks: 512, lba: 512n },
  ] });
  const r = cmd(LUN.CMD_604, extendedCopyCdb(list.length), list);
  const details = decodeFailedSegment(fromHex(cmd(LUN.CMD_604, receiveCopyResultsCdb(4, 4)).data));
  return { r, raw: fromHex(r.senseData), details, st };
}

describe('COPY ABORTED with the device\'s own sense', () => {
  it('a tape write error at block 70 (segment 1): the destination\'s 03/0C/00 at that block', () => {
    const { r, raw, details, st } = setup([{ at: 0, kind: 'tape-write', block: 70 }]);
    expect(r.sense).toMatchObject({ key: 0x0a, asc: 0x0d, ascq: 0x01, commandSpecific: (18 << 16) | 1 });
    expect(raw[8]).toBe(0); // no source sense
    expect(raw[9]).toBe(18); // the destination's status and sense start at byte 18
    expect(raw[18]).toBe(0x02);
    expect(decodeSense(raw.subarray(19))).toMatchObject({ key: 0x3, asc: 0x0c, ascq: 0x00, information: 70 });
    expect(Array.from(details!.sense)).toEqual(Array.from(raw));
    // One tape file for the whole list: its 70 blocks before the bad one stay, with no tapemark.
    expect(st.host.sim.tape.partialBlocks).toBe(70);
  });

  it('a full tape: the destination\'s 0D/00/02 VOLUME OVERFLOW, and the backup\'s reason says the quota ran out', () => {
    const { r, raw, st } = setup([{ at: 0, kind: 'quota' }]);
    expect(r.sense).toMatchObject({ key: 0x0a, asc: 0x0d, ascq: 0x01 });
    expect(decodeSense(raw.subarray(19))).toMatchObject({ key: 0xd, asc: 0x00, ascq: 0x02, information: 0 });
    expect(st.host.sim.controller.lastBackup).toMatchObject({ failure: 'quota', reason: 'storage quota exhausted at tape block 0: it cannot grow; the volumes are intact (free some space and back up again)' });
  });
});

// EXTENDED COPY as real initiators use it (docs/scsi.md#which-engine-runs-a-copy): libiscsi's
// ExtendedCopy.Simple on every disk LU, the P-VOL included (its copy goes through 501);
// list identifiers and held results scoped to the I_T nexus the copy came on; and ABORT
// TASK of a running copy, on the plain engine and on 502/503.
import { describe, expect, it } from 'vitest';
import { LUN, expectGood, expectSense, makeArray } from './scsi-fixture.ts';
import { extendedCopyCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';
import { decodeCopyStatus, decodeFailedSegment } from '../../src/scsi/receive-copy-results.ts';
import { SENSE, decodeSense } from '../../src/scsi/sense.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import type { ListIdUsage } from '../../src/scsi/xcopy-types.ts';

function setup() {
  const a = makeArray({ blocks: 8192 });
  const run = (lun: number, cdb: Uint8Array, data?: Uint8Array, nexus = '') => {
    const p = a.target.submit(lun, cdb, data, nexus);
    a.host.clock.runUntilTrue(() => p.result !== undefined, 'the command');
    return p.result!;
  };
  /** libiscsi's list: one CSCD naming the LU itself, 2048 blocks from LBA 0 to the end. */
  const simple = (lun: number, listId = 1, usage: ListIdUsage = 'discard') => encodeXcopyParams({
    listId, listIdUsage: usage, cscds: [a.cscd(lun)],
    segments: [{ type: 0x02, src: 0, dst: 0, blocks: 2048, srcLba: 0n, dstLba: BigInt(a.blocks - 2048) }],
  });
  const status = (lun: number, listId: number, nexus: string) =>
    run(lun, receiveCopyResultsCdb(0, listId), undefined, nexus);
  return { ...a, run, simple, status };
}

describe('ExtendedCopy.Simple on every disk LU', () => {
  it.each([['P-VOL', LUN.PVOL], ['S-VOL (unpaired)', LUN.SVOL], ['backup disk', LUN.BACKUP_DISK]])('%s: GOOD and the blocks are copied', (_, lun) => {
    const t = setup();
    const a = new Uint8Array(2048 * 512).fill(0x41);
    expectGood(t.run(lun, rwCdb('WRITE', 0, 2048, 16), a));
    const list = t.simple(lun);
    expectGood(t.run(lun, extendedCopyCdb(list.length), list));
    const back = expectGood(t.run(lun, rwCdb('READ', t.blocks - 2048, 2048, 16)));
    expect(Buffer.compare(back, a)).toBe(0);
  });

  it('the paired S-VOL refuses it 07/27/00 (its image is the split instant), nothing written', () => {
    const t = setup();
    expectGood(t.run(LUN.CMD_603, encodePairCdb('create')));
    const list = t.simple(LUN.SVOL);
    expectSense(t.run(LUN.SVOL, extendedCopyCdb(list.length), list), { key: 7, asc: 0x27, ascq: 0 });
    expect(t.svol.data.subarray((t.blocks - 2048) * 512).every((x) => x === 0)).toBe(true);
  });
});

describe('list identifiers and results per I_T nexus', () => {
  it('two nexuses may hold the same list id; each sees only its own', () => {
    const t = setup();
    const l1 = t.simple(LUN.BACKUP_DISK, 7, 'hold');
    expectGood(t.run(LUN.BACKUP_DISK, extendedCopyCdb(l1.length), l1, 'A'));
    expectSense(t.status(LUN.BACKUP_DISK, 7, 'B'), SENSE.INVALID_FIELD_IN_CDB); // not B's copy
    const l2 = encodeXcopyParams({ listId: 7, listIdUsage: 'hold', cscds: [t.cscd(LUN.BACKUP_DISK)],
      segments: [{ type: 0x02, src: 0, dst: 0, blocks: 16, srcLba: 0n, dstLba: 100n }] });
    expectGood(t.run(LUN.BACKUP_DISK, extendedCopyCdb(l2.length), l2, 'B'));
    const a = decodeCopyStatus(expectGood(t.status(LUN.BACKUP_DISK, 7, 'A')));
    const b = decodeCopyStatus(expectGood(t.status(LUN.BACKUP_DISK, 7, 'B')));
    expect([a.bytes, b.bytes]).toEqual([2048 * 512, 16 * 512]);
    // Reported once the end is seen: released, so a second query is 05/24/00.
    expectSense(t.status(LUN.BACKUP_DISK, 7, 'A'), SENSE.INVALID_FIELD_IN_CDB);
  });

  it('a list id in use is 05/00/16 on its own nexus only', () => {
    const t = setup();
    const list = t.simple(LUN.BACKUP_DISK, 3, 'hold');
    const running = t.target.submit(LUN.BACKUP_DISK, extendedCopyCdb(list.length), list, 'A');
    expect(running.result).toBeUndefined();
    const again = t.target.submit(LUN.BACKUP_DISK, extendedCopyCdb(list.length), list, 'A');
    expectSense(again.result!, SENSE.OPERATION_IN_PROGRESS);
    const other = t.target.submit(LUN.BACKUP_DISK, extendedCopyCdb(list.length), list, 'B');
    expect(other.result).toBeUndefined(); // B's id 3 is another copy
    t.host.clock.runUntilTrue(() => running.result !== undefined && other.result !== undefined, 'both copies');
    expectGood(running.result!);
    expectGood(other.result!);
  });
});

describe('ABORT TASK of a running copy', () => {
  const bigCopy = (t: ReturnType<typeof setup>, src: number, dst: number, listId = 9): Uint8Array =>
    encodeXcopyParams({ listId, listIdUsage: 'hold', cscds: [t.cscd(src), t.cscd(dst)],
      segments: [{ type: 0x02, src: 0, dst: 1, blocks: 4096, srcLba: 0n, dstLba: 0n } satisfies SegmentInput] });

  it('the plain engine stops between chunks; its record says COPY ABORTED 0A/2F/02', () => {
    const t = setup();
    const list = bigCopy(t, LUN.PVOL, LUN.BACKUP_DISK);
    const p = t.target.submit(LUN.BACKUP_DISK, extendedCopyCdb(list.length), list, 'A');
    t.clock.advance(2); // a few chunks of 64 blocks
    let ended: boolean | undefined;
    p.abort((running) => { ended = running; });
    t.host.clock.runUntilTrue(() => ended !== undefined, 'the abort');
    expect(ended).toBe(true);
    const st = decodeCopyStatus(expectGood(t.status(LUN.BACKUP_DISK, 9, 'A')));
    expect(st.state).toBe('completed with errors');
    expect(st.bytes).toBeGreaterThan(0);
    expect(st.bytes).toBeLessThan(4096 * 512);
    const fail = decodeFailedSegment(expectGood(t.run(LUN.BACKUP_DISK, receiveCopyResultsCdb(4, 9), undefined, 'A')));
    expect(decodeSense(fail!.sense)).toMatchObject(SENSE.COMMANDS_CLEARED_BY_DEVICE_SERVER);
    // Aborting a command that has ended reports it was not running.
    let late: boolean | undefined;
    p.abort((r) => { late = r; });
    expect(late).toBe(false);
  });

  it('a backup through 502/503 ends as a failure at its next step; the next backup runs', () => {
    const t = setup();
    expectGood(t.run(LUN.CMD_603, encodePairCdb('create')));
    t.clock.advance(10_000);
    expectGood(t.run(LUN.CMD_603, encodePairCdb('split')));
    const toTape = (listId: number) => encodeXcopyParams({ listId, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 8192, blocks: t.blocks, lba: 0n }] });
    const l1 = toTape(1);
    const p = t.target.submit(LUN.CMD_604, extendedCopyCdb(l1.length), l1);
    t.host.clock.runUntilTrue(() => (t.controller.lastBackup?.blocksDone ?? 0) > 0, 'the backup to start');
    let ended: boolean | undefined;
    p.abort((r) => { ended = r; });
    t.host.clock.runUntilTrue(() => ended !== undefined, 'the abort');
    expect(ended).toBe(true);
    expect(t.controller.lastBackup).toMatchObject({ status: 'failed', failure: 'aborted' });
    expect(t.controller.lastBackup!.blocksDone).toBeLessThan(t.blocks);
    expect(decodeSense(p.result!.sense!)).toMatchObject(SENSE.COMMANDS_CLEARED_BY_DEVICE_SERVER);
    const l2 = toTape(2);
    expectGood(t.run(LUN.CMD_604, extendedCopyCdb(l2.length), l2));
    expect(t.controller.lastBackup).toMatchObject({ status: 'done' });
  });
});

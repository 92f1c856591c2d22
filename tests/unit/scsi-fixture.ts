// Shared setup for the scsi*.test.ts files: a standalone array (memory volumes, AWSTAPE
// writer, SyncPair) and small helpers that read results the way an initiator would.
import { expect } from 'vitest';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { AwsTapeWriter } from '../../src/devices/awstape.ts';
import { LUN, awsTapeSink, createSyncPairTarget } from '../../src/scsi/standalone.ts';
import { decodeSense, type SenseCode } from '../../src/scsi/sense.ts';
import type { ScsiResult } from '../../src/scsi/lu.ts';
import type { CopyLimits } from '../../src/scsi/copy-limits.ts';
import type { CostModel } from '../../src/scsi/direct-engine.ts';
import type { CscdInput } from '../../src/scsi/xcopy-encode.ts';

export { LUN };

export function makeArray(opts: { blocks?: number; blockBytes?: number; limits?: CopyLimits; cost?: CostModel } = {}) {
  const blocks = opts.blocks ?? 4096;
  const blockBytes = opts.blockBytes ?? 512;
  const fill = (seed: number) => {
    const d = new Uint8Array(blocks * blockBytes);
    for (let i = 0; i < d.length; i++) d[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
    return d;
  };
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks, blockBytes, data: fill(1) });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks, blockBytes });
  const backupDisk = new MemoryBlockDevice({ name: 'backup-disk', blocks, blockBytes });
  const tape = new AwsTapeWriter();
  const { target, clock, pair } = createSyncPairTarget({
    pvol, svol, backupDisk, tape: awsTapeSink(tape), limits: opts.limits, cost: opts.cost,
  });
  const cscd = (lun: number, extra: Partial<CscdInput> = {}): CscdInput => {
    const lu = target.lu(lun)!;
    return {
      peripheralType: lu.id.peripheralType, designator: lu.id.naa,
      blockLength: lu.kind === 'disk' ? lu.device.blockBytes : 0, ...extra,
    };
  };
  return { target, clock, pair, pvol, svol, backupDisk, tape, cscd, blocks, blockBytes };
}

export function senseOf(r: ScsiResult) {
  expect(r.status).toBe('CHECK CONDITION');
  const s = decodeSense(r.sense!);
  expect(s).not.toBeNull();
  return s!;
}

export function expectSense(r: ScsiResult, code: SenseCode) {
  const s = senseOf(r);
  expect({ key: s.key, asc: s.asc, ascq: s.ascq }).toEqual({ key: code.key, asc: code.asc, ascq: code.ascq });
  return s;
}

export function expectGood(r: ScsiResult) {
  expect(r.status, r.sense ? JSON.stringify(decodeSense(r.sense)) : '').toBe('GOOD');
  return r.dataIn ?? new Uint8Array(0);
}

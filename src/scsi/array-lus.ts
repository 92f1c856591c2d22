/**
 * Binds the SCSI target to the controller's public API (src/array/controller.ts): the
 * P-VOL LU reads the newest data and writes through 501 (acknowledged in virtual time,
 * §0016); the S-VOL LU reads the volume and refuses host writes while a pair exists (a
 * frozen image must stay frozen); pair CDBs on 603 go to 501; EXTENDED COPY goes through
 * 502/503 (ArrayEngine). The LUN layout and designators are standalone.ts's.
 */
import type { Controller } from '../array/controller.ts';
import type { Method } from '../array/backup.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import { ArrayEngine } from './array-engine.ts';
import type { Clock } from './clock.ts';
import type { CopyLimits } from './copy-limits.ts';
import { type CostModel, DEFAULT_COST, DirectEngine } from './direct-engine.ts';
import type { Lu, PairPort, StreamSink } from './lu.ts';
import type { PairQuery } from './pair-cdb.ts';
import { SENSE, ScsiError, type SenseData } from './sense.ts';
import { LUN, buildLus } from './standalone.ts';
import { ScsiTarget } from './target.ts';

/** 07/27/00 WRITE PROTECTED (DATA PROTECT): the S-VOL while paired. */
const WRITE_PROTECTED: SenseData = { key: 0x7, asc: 0x27, ascq: 0x00 };

export interface ArrayTargetOptions {
  controller: Controller;
  clock: Clock;
  pvol: BlockDevice;
  svol: BlockDevice;
  tape: StreamSink;
  backupDisk?: BlockDevice;
  /** The pair's backup mode for EXTENDED COPY without a C0h mode. */
  method: Method | (() => Method);
  limits?: CopyLimits;
  /** Cost model of the fallback engine (copies that are not S-VOL backups). */
  cost?: CostModel;
  serial?: string;
}

class ControllerPairs implements PairPort {
  constructor(private readonly c: Controller) {}
  submit(op: 'create' | 'split' | 'resync' | 'delete', pair: number, done: (err?: SenseData) => void): void {
    if (pair !== 0) { done({ ...SENSE.INVALID_FIELD_IN_CDB, field: { cdb: true, byte: 2 } }); return; }
    if (this.c.checkPair(op) !== null) { done(SENSE.COMMAND_SEQUENCE_ERROR); return; }
    this.c.submitPair(op, { onDone: (r) => done(r.ok ? undefined : SENSE.COMMAND_SEQUENCE_ERROR) });
  }
  query(pair: number): PairQuery {
    if (pair !== 0) throw new ScsiError({ ...SENSE.INVALID_FIELD_IN_CDB, field: { cdb: true, byte: 2 } });
    const s = this.c.status();
    return { pair, pvolState: s.p516, svolState: s.s517, pendingBlocks: s.pending };
  }
  private sync(): never { throw new ScsiError(SENSE.INTERNAL_TARGET_FAILURE, 'use submit'); }
  create(): void { this.sync(); }
  split(): void { this.sync(); }
  resync(): void { this.sync(); }
  delete(): void { this.sync(); }
}

export function createArrayTarget(o: ArrayTargetOptions): ScsiTarget {
  const c = o.controller;
  const pvolView: BlockDevice = {
    name: o.pvol.name, blockBytes: o.pvol.blockBytes, blocks: o.pvol.blocks,
    read: (lba, count, into) => into.set(c.read(lba, count)),
    write: () => { throw new ScsiError(SENSE.INTERNAL_TARGET_FAILURE, 'P-VOL writes go through 501'); },
    flush: () => {},
  };
  const svolView: BlockDevice = {
    name: o.svol.name, blockBytes: o.svol.blockBytes, blocks: o.svol.blocks,
    read: (lba, count, into) => o.svol.read(lba, count, into),
    write: (lba, count, from) => {
      if (c.status().p516 !== 'simplex') throw new ScsiError(WRITE_PROTECTED, 'the S-VOL is paired');
      o.svol.write(lba, count, from);
    },
    flush: () => o.svol.flush(),
  };
  const lus = buildLus({ pvol: pvolView, svol: svolView, tape: o.tape, backupDisk: o.backupDisk, serial: o.serial });
  const pv = lus.get(LUN.PVOL)! as Extract<Lu, { kind: 'disk' }>;
  lus.set(LUN.PVOL, {
    ...pv,
    writeAsync: (lba, count, data, done) => c.submitWrite(lba, data.subarray(0, count * pv.device.blockBytes), () => done()),
  });
  const method = typeof o.method === 'function' ? o.method : () => o.method as Method;
  const engine = new ArrayEngine(c, method, new DirectEngine(o.clock, o.cost ?? DEFAULT_COST));
  return new ScsiTarget({ lus, engine, clock: o.clock, limits: o.limits, pairs: new ControllerPairs(c) });
}

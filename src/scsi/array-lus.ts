/**
 * Binds the SCSI target to the controller's public API (src/array/controller.ts): the
 * P-VOL LU reads the newest data and writes through 501 (acknowledged in virtual time,
 * §0016); the S-VOL LU reads the volume and refuses host writes while a pair exists (a
 * frozen image must stay frozen); pair CDBs on 603 go to 501; EXTENDED COPY goes through
 * 502/503 (ArrayEngine). The LUN layout and designators are lu-layout.ts's.
 */
import type { Controller } from '../array/controller.ts';
import type { Method } from '../array/backup.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import { LIMITS } from '../scenario/schema.ts';
import { ArrayEngine, WRITE_PROTECTED } from './array-engine.ts';
import type { Clock } from './clock.ts';
import type { CopyLimits } from './copy-limits.ts';
import { type CostModel, DEFAULT_COST, DirectEngine } from './direct-engine.ts';
import type { Lu, PairPort, StreamSink } from './lu.ts';
import type { PairQuery } from './pair-cdb.ts';
import { SENSE, ScsiError, type SenseData } from './sense.ts';
import { LUN, buildLus } from './lu-layout.ts';
import { ScsiTarget } from './target.ts';
import type { TapeDrive } from './tape-drive.ts';

export interface ArrayTargetOptions {
  controller: Controller;
  clock: Clock;
  pvol: BlockDevice;
  svol: BlockDevice;
  tape: StreamSink;
  /** The tape read back (REWIND, SPACE(6), READ(6), EXTENDED COPY 01h). */
  tapeDrive?: TapeDrive;
  backupDisk?: BlockDevice;
  /** The pair's backup mode for EXTENDED COPY without a C0h mode. */
  method: Method | (() => Method);
  /** The prior art's split that answers only when complete (scenario mode 'sync'). */
  syncSplit?: () => boolean;
  limits?: CopyLimits;
  /** Cost model of the fallback engine (copies that are not S-VOL backups). */
  cost?: CostModel;
  serial?: string;
  /** Largest READ/WRITE transfer in bytes (ScsiTarget's maxTransferBytes). */
  maxTransferBytes?: number;
  /**
   * Sees each piece of a host write to the P-VOL (a SCSI WRITE, or a copy onto it) as 501
   * acknowledges it, with the virtual time of that acknowledgement: what a point-in-time
   * oracle needs to know which writes precede a split (tests; docs/scsi.md).
   */
  onPvolWrite?: (w: { lba: number; blocks: number; data: Uint8Array; ack: number }) => void;
}

class ControllerPairs implements PairPort {
  constructor(private readonly c: Controller, private readonly syncSplit: () => boolean) {}
  submit(op: 'create' | 'split' | 'resync' | 'delete', pair: number, done: (err?: SenseData) => void): void {
    if (pair !== 0) { done({ ...SENSE.INVALID_FIELD_IN_CDB, field: { cdb: true, byte: 2 } }); return; }
    // Refused by the pair state machine (docs/patent.md#pair-states): a state
    // conflict, 05/2C/00.
    if (this.c.checkPair(op) !== null) { done(SENSE.COMMAND_SEQUENCE_ERROR); return; }
    this.c.submitPair(op, {
      sync: op === 'split' && this.syncSplit(),
      onDone: (r) => done(r.ok ? undefined : SENSE.COMMAND_SEQUENCE_ERROR),
    });
  }
  query(pair: number): PairQuery {
    if (pair !== 0) throw new ScsiError({ ...SENSE.INVALID_FIELD_IN_CDB, field: { cdb: true, byte: 2 } });
    const s = this.c.status();
    return { pair, pvolState: s.p516, svolState: s.s517, pendingBlocks: s.pending };
  }
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
    read: (lba, count, into) => readSvol(c, o.svol, lba, count, into),
    write: (lba, count, from) => {
      if (c.status().p516 !== 'simplex') throw new ScsiError(WRITE_PROTECTED, 'the S-VOL is paired');
      o.svol.write(lba, count, from);
    },
    flush: () => o.svol.flush(),
  };
  const lus = buildLus({ pvol: pvolView, svol: svolView, tape: o.tape, tapeDrive: o.tapeDrive, backupDisk: o.backupDisk, serial: o.serial });
  const sv = lus.get(LUN.SVOL)! as Extract<Lu, { kind: 'disk' }>;
  lus.set(LUN.SVOL, { ...sv, writeProtected: () => c.status().p516 !== 'simplex' });
  const pv = lus.get(LUN.PVOL)! as Extract<Lu, { kind: 'disk' }>;
  lus.set(LUN.PVOL, {
    ...pv,
    writeAsync: (lba, count, data, done) => writeThrough501(c, lba, count, data, () => done(), o.onPvolWrite),
  });
  const method = typeof o.method === 'function' ? o.method : () => o.method as Method;
  const engine = new ArrayEngine(c, method, new DirectEngine(o.clock, o.cost ?? DEFAULT_COST));
  return new ScsiTarget({
    lus, engine, clock: o.clock, limits: o.limits, pairs: new ControllerPairs(c, o.syncSplit ?? (() => false)),
    maxTransferBytes: o.maxTransferBytes,
  });
}

/**
 * A host read of the S-VOL. After a quick split (516 split, 517 split-pending) a block
 * still pending in 514 is not yet on the S-VOL; its split-instant data is what the P-VOL
 * side holds (501 lets no write overwrite it before 508 has copied it, §0016), so it is
 * read there. Every other block is the S-VOL's own.
 */
function readSvol(c: Controller, svol: BlockDevice, lba: number, count: number, into: Uint8Array): void {
  svol.read(lba, count, into);
  if (c.status().p516 !== 'split') return;
  const bb = svol.blockBytes;
  for (let i = 0; i < count; i++) {
    if (c.ctx.diff.isPending(lba + i)) into.set(c.read(lba + i, 1), i * bb);
  }
}

/**
 * A SCSI WRITE of any length as client writes at 501, one after another: 501 takes a write
 * only whole into cache, so a long one goes in pieces of at most half the cache (and the
 * scenario's largest client write), each queued when the previous one is acknowledged.
 */
function writeThrough501(c: Controller, lba: number, count: number, data: Uint8Array, done: () => void,
  acked?: ArrayTargetOptions['onPvolWrite']): void {
  const L = c.ctx.m.L;
  const piece = Math.max(1, Math.min(LIMITS.maxWriteBlocks, Math.floor(L.slots / 2)));
  const next = (at: number): void => {
    if (at >= count) { done(); return; }
    const n = Math.min(piece, count - at);
    const bytes = data.subarray(at * L.blockBytes, (at + n) * L.blockBytes);
    c.submitWrite(lba + at, bytes, (t) => {
      acked?.({ lba: lba + at, blocks: n, data: bytes, ack: t });
      next(at + n);
    });
  };
  next(0);
}

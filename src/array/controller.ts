/**
 * The storage controller 301 (docs/patent.md#parts), written once with no DOM and no Worker
 * in it: shared memory 507 and processors 501, 502, 503, 508 that talk only through it.
 * A runtime drives it by asking each processor for its next bounded step (context.ts):
 * the sim runtime (src/runtime/sim.ts) in virtual time, the live runtime in workers.
 *
 * This class is also the public API the SCSI target and the UI use: pair commands with
 * refusal reasons, client writes and reads through 501, and backups through 502.
 */
import type { Core } from '../core/core-api.ts';
import type { AwsTapeWriter } from '../devices/awstape.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import type { Actor, SimEvent } from './events.ts';
import type { CostModel } from './cost.ts';
import { BackupHandle, type BackupParams, type RestoreParams } from './backup.ts';
import { Cache } from './cache.ts';
import { Channel501 } from './channel-501.ts';
import { Channel502 } from './channel-502.ts';
import { Channel503 } from './channel-503.ts';
import type { Ctx, Processor } from './context.ts';
import { pairSuspendReason } from './device-errors.ts';
import { Differential } from './differential-514.ts';
import { Disk508 } from './disk-508.ts';
import { B, RING_CAP, W, createMem507 } from './memory-507.ts';
import { PAIR_STATES, PS, type PairOp, type PairResult, type PairState } from './pair-state.ts';
import { SpscQueue } from './queues.ts';

export interface ControllerOptions {
  core: Core;
  /** Geometry of the two volumes and of the cache. */
  blocks: number;
  blockBytes: number;
  cacheSlots: number;
  cost: CostModel;
  pvol: BlockDevice;
  svol: BlockDevice;
  tape: AwsTapeWriter;
  backupDisk?: BlockDevice;
  now(): number;
  log(e: SimEvent): void;
}

export interface PairStatus {
  p516: PairState;
  s517: PairState;
  /** Bits set in 514. */
  pending: number;
  /** Bits set in the post-split bitmap. */
  post: number;
  pendingAtSplit: number;
  splits: number;
  /** Why the pair is suspended (PSUE), e.g. "S-VOL write error at LBA 18"; absent otherwise. */
  reason?: string;
}

export interface Counters {
  cowCopies: number;
  priorityCopies: number;
  stagedFromPvol: number;
  svolWritesForBackup: number;
  backgroundCopies: number;
  destaged: number;
  dirtySlots: number;
}

/** Pair states and bitmap counts as 507 holds them (also read by the live runtime's proxy). */
export function readPairStatus({ m, diff }: Pick<Ctx, 'm' | 'diff'>): PairStatus {
  return {
    p516: PAIR_STATES[m.w(W.P_STATE)], s517: PAIR_STATES[m.w(W.S_STATE)],
    pending: diff.pending(), post: diff.postCount(),
    pendingAtSplit: m.w(W.PENDING_AT_SPLIT), splits: m.w(W.SPLIT_SEQ),
    ...(m.w(W.P_STATE) === PS.SUSPENDED ? { reason: pairSuspendReason({ m }) } : {}),
  };
}

/** The controller's counters in 507's control words. */
export function readCounters(m: Ctx['m']): Counters {
  return {
    cowCopies: m.w(W.COW_COPIES), priorityCopies: m.w(W.PRIORITY_COPIES),
    stagedFromPvol: m.w(W.STAGED_FROM_PVOL), svolWritesForBackup: m.w(W.SVOL_WRITES_FOR_BACKUP),
    backgroundCopies: m.w(W.BG_COPIES), destaged: m.w(W.DESTAGED), dirtySlots: m.w(W.DIRTY),
  };
}

/**
 * The controller as its servers drive it (the client server 101 and the backup server 102,
 * src/runtime/sim-servers.ts): the commands they send through the channel ports and the
 * states they read. The Controller is one; the live runtime's servers, in a worker of their
 * own, reach it through RemoteController (src/runtime/live/remote-controller.ts), which
 * carries the same commands over shared-memory ports.
 */
export interface ControllerPorts {
  readonly ctx: Ctx;
  lastBackup: BackupHandle | null;
  /**
   * `t`: the array's time of the acknowledgement; `seen`: when the client received it;
   * `drained`, `journaled`: when the array took it from port 401 and when its journal record
   * was written (live only, src/runtime/ack-stages.ts; numbers, not an object: nothing more
   * for the client's collector per write).
   */
  submitWrite(lba: number, data: Uint8Array, onAck?: (t: number, seen?: number, drained?: number, journaled?: number) => void): void;
  /**
   * A buffer of `bytes` the client may fill for its next submitWrite, where the ports copy the
   * data on (the live runtime's shared write slots): a browser zeroes and faults in every
   * fresh buffer, which cost more than the write's whole path. Without it, a fresh buffer.
   */
  writeBuffer?(bytes: number): Uint8Array;
  /**
   * False while every write slot of the ports is in flight (the live runtime's write area):
   * the client then holds its next writes itself, as descriptors, until an ack frees one.
   * Without it, always room.
   */
  writeSlotFree?(): boolean;
  submitPair(op: PairOp, opts?: { sync?: boolean; onDone?: (r: PairResult, t: number, seen?: number) => void }): void;
  startBackup(p: BackupParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle;
  /** A restore goes to 502 as a backup does, and is reported the same way (backup.ts RestoreParams). */
  startRestore(p: RestoreParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle;
  status(): PairStatus;
  counters(): Counters;
}

export class Controller implements ControllerPorts {
  readonly ctx: Ctx;
  readonly p501: Channel501;
  readonly p502: Channel502;
  readonly p503: Channel503;
  readonly p508: Disk508;
  /** In the order a runtime should offer them a turn at one instant. */
  readonly processors: readonly Processor[];
  private nextBackupId = 1;
  /** The most recent backup command (for status displays). */
  lastBackup: BackupHandle | null = null;

  constructor(o: ControllerOptions) {
    for (const [name, d] of [['pvol', o.pvol], ['svol', o.svol]] as const) {
      if (d.blocks !== o.blocks || d.blockBytes !== o.blockBytes) {
        throw new RangeError(`${name}: geometry ${d.blocks}×${d.blockBytes} does not match ${o.blocks}×${o.blockBytes}`);
      }
    }
    const m = createMem507(o.core, o.blocks, o.blockBytes, o.cacheSlots);
    const cowRing = new SpscQueue(m, m.L.cowRing);
    const reqRing = new SpscQueue(m, m.L.reqRing);
    cowRing.init(RING_CAP);
    reqRing.init(RING_CAP);
    this.ctx = {
      core: o.core, m, diff: new Differential(o.core, m), cache: new Cache(m), cost: o.cost,
      pvol: o.pvol, svol: o.svol, tape: o.tape, backupDisk: o.backupDisk, cowRing, reqRing,
      now: o.now,
      log: (actor: Actor, ev: string, to?: Actor, detail?: SimEvent['detail']) =>
        o.log({ t: o.now(), actor, ev, ...(to ? { to } : {}), ...(detail ? { detail } : {}) }),
    };
    this.p501 = new Channel501(this.ctx);
    this.p503 = new Channel503(this.ctx);
    this.p502 = new Channel502(this.ctx);
    this.p508 = new Disk508(this.ctx);
    this.processors = [this.p501, this.p502, this.p503, this.p508];
  }

  /** Starts in duplex with `pending` blocks not yet on the S-VOL (a runtime's initial state). */
  seedDuplex(pending: Iterable<number>, dirty: Iterable<{ lba: number; data: Uint8Array }> = []): void {
    const { m, diff, cache } = this.ctx;
    m.setW(W.P_STATE, PS.DUPLEX);
    m.setW(W.S_STATE, PS.DUPLEX);
    for (const b of pending) diff.markDiff(b, 1);
    for (const d of dirty) {
      if (!cache.canTake(d.lba, 1)) break;
      cache.write(d.lba, 1, d.data);
    }
  }

  /**
   * Queues a client write at port 401 (the data is copied); onAck gets the acknowledgement
   * time (and, in the live runtime, when the client received it: remote-controller.ts).
   */
  submitWrite(lba: number, data: Uint8Array, onAck?: (t: number, seen?: number) => void): void {
    const bb = this.ctx.m.L.blockBytes;
    const blocks = data.byteLength / bb;
    if (!Number.isInteger(blocks) || blocks < 1 || lba < 0 || lba + blocks > this.ctx.m.L.blocks) {
      throw new RangeError(`write of ${data.byteLength} bytes at ${lba} does not fit the P-VOL`);
    }
    if (blocks > this.ctx.m.L.slots) throw new RangeError(`write of ${blocks} blocks exceeds the cache (${this.ctx.m.L.slots} slots)`);
    this.p501.port.push({ kind: 'write', lba, blocks, data: data.slice(), onAck });
  }

  /** Reads the newest data (what the client sees), synchronously. */
  read(lba: number, blocks: number): Uint8Array {
    const out = new Uint8Array(blocks * this.ctx.m.L.blockBytes);
    this.p501.read(lba, blocks, out);
    return out;
  }

  /** Why a pair command would be refused now, or null. */
  checkPair(op: PairOp): string | null {
    return this.p501.check(op);
  }

  /** Queues a pair command at 501; `sync` = the prior art's split that answers when complete. */
  submitPair(op: PairOp, opts: { sync?: boolean; onDone?: (r: PairResult, t: number, seen?: number) => void } = {}): void {
    this.p501.port.push({ kind: 'pair', op, sync: opts.sync, onDone: opts.onDone });
  }

  /** Why a backup would be refused now, or null. */
  checkBackup(p: BackupParams): string | null {
    return this.p502.check(p);
  }

  /** Queues a backup command at 502; the handle shows its progress and outcome at any time. */
  startBackup(p: BackupParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle {
    return this.queue(p, onAnswer, onEnd);
  }

  /** Why a restore would be refused now, or null. */
  checkRestore(p: RestoreParams): string | null {
    return this.p502.check(p);
  }

  startRestore(p: RestoreParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle {
    return this.queue(p, onAnswer, onEnd);
  }

  private queue(p: BackupParams | RestoreParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle {
    const h = new BackupHandle(this.nextBackupId++, p, this.ctx.m, onAnswer, onEnd);
    this.p502.port.push(h);
    this.lastBackup = h;
    return h;
  }

  /**
   * Ends a backup before its end (SCSI ABORT TASK of the EXTENDED COPY): one still queued
   * at 502 is dropped and answered refused; one in 511 is marked, and 503 ends it as a
   * failure ('aborted') at its next step, so its handle reports the end through 502 as any
   * failure does. False if it has already ended.
   */
  abortBackup(h: BackupHandle): boolean {
    const queued = this.p502.port.indexOf(h);
    if (queued >= 0) {
      this.p502.port.splice(queued, 1);
      h.status = 'refused';
      h.reason = 'aborted by its issuer';
      h.onAnswer?.(h);
      return true;
    }
    if (h.status === 'done' || h.status === 'failed' || h.status === 'refused') return false;
    const m = this.ctx.m;
    if (m.b(B.ID) !== h.id) return false;
    m.setB(B.ABORT, 1);
    return true;
  }

  status(): PairStatus {
    return readPairStatus(this.ctx);
  }

  counters(): Counters {
    return readCounters(this.ctx.m);
  }
}

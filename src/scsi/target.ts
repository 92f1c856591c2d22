/**
 * The SCSI target: the LU table and command dispatch (docs/scsi.md). submit() answers every
 * byte string with a well-formed result and never throws: parsers raise ScsiError, which
 * becomes CHECK CONDITION with fixed-format sense here, and anything else unexpected
 * becomes 04/44/00 (internal target failure) rather than an exception. EXTENDED COPY
 * completes in virtual time (Clock); execute() drives the clock until it has answered.
 */
import { DeviceError } from '../devices/block-device.ts';
import { put16, put32, put64, truncate } from './bytes.ts';
import { type Cdb, RCR_SA, decodeCdb } from './cdb.ts';
import type { Clock } from './clock.ts';
import type { CopyEngine } from './copy-engine.ts';
import { type CopyLimits, DEFAULT_COPY_LIMITS } from './copy-limits.ts';
import { CopyManager } from './copy-manager.ts';
import { standardInquiry, vpdPage } from './inquiry.ts';
import { blockCharacteristicsPage, blockLimitsPage, modeSenseData } from './mode-sense.ts';
import type { Lu, PairPort, ScsiResult } from './lu.ts';
import { PAIR_QUERY_LENGTH, encodePairQuery, type PairCdb } from './pair-cdb.ts';
import { SENSE, ScsiError, type SenseData, encodeSense, fail } from './sense.ts';
import { parseXcopyParams } from './xcopy-params.ts';
import { resolvePlan } from './xcopy-resolve.ts';

export interface TargetOptions {
  /** LUN → LU. */
  lus: ReadonlyMap<number, Lu>;
  engine: CopyEngine;
  clock: Clock;
  limits?: CopyLimits;
  /** Pair operations behind the vendor CDB on 603 (absent: that CDB is 05/20/00). */
  pairs?: PairPort;
  /** Largest READ/WRITE transfer, bytes (larger: 05/24/00 at the transfer length). */
  maxTransferBytes?: number;
}

/** A submitted command; result is set once it completes (at once for most commands). */
export class PendingCommand {
  result: ScsiResult | undefined;
  /** Set by a command that can stop early (EXTENDED COPY): see abort(). */
  stopper: ((stopped: () => void) => void) | undefined;
  private readonly waiters: ((r: ScsiResult) => void)[] = [];
  complete(r: ScsiResult): void {
    if (this.result) return;
    this.result = r;
    for (const w of this.waiters.splice(0)) w(r);
  }
  onDone(cb: (r: ScsiResult) => void): void {
    if (this.result) cb(this.result); else this.waiters.push(cb);
  }
  /**
   * ABORT TASK (SAM-5 7.2): `ended` is called once the command has no more effect to come:
   * a copy stops between chunks (its record then says COPY ABORTED 0A/2F/02); any other
   * command runs to its end (a write already queued at 501 is not recalled), since what
   * the transport must not do is report its status. `ended(true)` if it was still running.
   */
  abort(ended: (wasRunning: boolean) => void): void {
    if (this.result) { ended(false); return; }
    if (this.stopper) this.stopper(() => ended(true));
    else this.onDone(() => ended(true));
  }
}

const check = (s: SenseData): ScsiResult => ({ status: 'CHECK CONDITION', sense: encodeSense(s) });

export class ScsiTarget {
  readonly copyManager: CopyManager;
  readonly limits: CopyLimits;
  private readonly lus: ReadonlyMap<number, Lu>;
  private readonly clock: Clock;
  private readonly pairs?: PairPort;
  private readonly maxTransfer: number;

  constructor(opts: TargetOptions) {
    this.lus = opts.lus;
    this.clock = opts.clock;
    this.pairs = opts.pairs;
    this.limits = opts.limits ?? DEFAULT_COPY_LIMITS;
    this.maxTransfer = opts.maxTransferBytes ?? 8 * 1024 * 1024;
    this.copyManager = new CopyManager(this.limits, opts.engine);
  }

  luns(): number[] { return [...this.lus.keys()].sort((a, b) => a - b); }

  /**
   * Bytes of data-out the command takes: a WRITE its blocks, an EXTENDED COPY its
   * parameter list; 0 for anything else, or a CDB submit() will refuse anyway. A transport
   * sizes its data transfer by it (iSCSI residuals, RFC 7143 §11.4.5).
   */
  dataOutLength(lun: number, cdb: Uint8Array): number {
    try {
      const c = decodeCdb(cdb);
      const lu = this.lus.get(lun);
      if (c.op === 'EXTENDED COPY') return c.parameterListLength;
      if (c.op === 'WRITE' && lu?.kind === 'disk') return c.blocks * lu.device.blockBytes;
    } catch { /* submit() answers it */ }
    return 0;
  }
  lu(lun: number): Lu | undefined { return this.lus.get(lun); }

  /**
   * Starts a command; never throws. `nexus` names the I_T nexus it came on (an iSCSI
   * session's initiator port and target port): list identifiers and held copy results are
   * scoped to it (docs/scsi.md#list-identifiers-and-completion).
   */
  submit(lun: number, cdb: Uint8Array, dataOut?: Uint8Array, nexus = ''): PendingCommand {
    const p = new PendingCommand();
    try {
      const r = this.dispatch(lun, decodeCdb(cdb), dataOut ?? new Uint8Array(0), p, nexus);
      if (r) p.complete(r);
    } catch (e) {
      p.complete(this.errorResult(e));
    }
    return p;
  }

  /** Runs a command to completion, letting virtual time pass as needed; never throws. */
  execute(lun: number, cdb: Uint8Array, dataOut?: Uint8Array): ScsiResult {
    const p = this.submit(lun, cdb, dataOut);
    try {
      while (!p.result && this.clock.runNext()) { /* virtual time passes */ }
    } catch (e) {
      p.complete(this.errorResult(e));
    }
    return p.result ?? check(SENSE.INTERNAL_TARGET_FAILURE);
  }

  private errorResult(e: unknown): ScsiResult {
    if (e instanceof ScsiError) return check(e.sense);
    if (e instanceof DeviceError) return check(e.op === 'read' ? SENSE.UNRECOVERED_READ_ERROR : SENSE.WRITE_ERROR);
    return check(SENSE.INTERNAL_TARGET_FAILURE);
  }

  /** Returns the result, or undefined when it will come through p later. */
  private dispatch(lun: number, cdb: Cdb, dataOut: Uint8Array, p: PendingCommand, nexus: string): ScsiResult | undefined {
    const lu = this.lus.get(lun);
    if (cdb.op === 'INQUIRY') return this.inquiry(lu, cdb);
    if (cdb.op === 'REPORT LUNS') return { status: 'GOOD', dataIn: truncate(this.reportLuns(), cdb.allocationLength) };
    if (cdb.op === 'REQUEST SENSE') {
      // Sense travels with CHECK CONDITION (autosense); nothing is pending afterwards,
      // except that a LUN with no LU reports it here (SPC-4 6.39).
      const s = lu ? SENSE.NONE : SENSE.LU_NOT_SUPPORTED;
      return { status: 'GOOD', dataIn: truncate(encodeSense(s), cdb.allocationLength) };
    }
    if (!lu) fail(SENSE.LU_NOT_SUPPORTED);
    switch (cdb.op) {
      case 'TEST UNIT READY': return { status: 'GOOD' };
      // PRGENERATION 0, no keys, no reservation (8 bytes for both service actions).
      case 'PERSISTENT RESERVE IN': return { status: 'GOOD', dataIn: truncate(new Uint8Array(8), cdb.allocationLength) };
      case 'MODE SENSE': {
        const data = modeSenseData(cdb, {
          disk: lu.kind === 'disk' ? { blocks: lu.device.blocks, blockBytes: lu.device.blockBytes } : undefined,
          writeProtected: lu.kind === 'disk' && (lu.writeProtected?.() ?? false),
        });
        return { status: 'GOOD', dataIn: truncate(data, cdb.allocationLength) };
      }
      case 'EXTENDED COPY': return this.extendedCopy(lun, lu, cdb.parameterListLength, dataOut, p, nexus);
      case 'RECEIVE COPY RESULTS': return this.receiveCopyResults(cdb, nexus);
      case 'PAIR OPERATION': return this.pairOperation(lu, cdb, p);
      case 'REWIND': case 'SPACE(6)': case 'READ(6)': return tapeCommand(lu, cdb);
      default: break;
    }
    if (lu.kind !== 'disk') fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 0 }, `${cdb.op} needs a disk LU`);
    const dev = lu.device;
    switch (cdb.op) {
      case 'READ CAPACITY(10)': {
        const b = new Uint8Array(8);
        put32(b, 0, dev.blocks - 1 > 0xffffffff ? 0xffffffff : Math.max(0, dev.blocks - 1));
        put32(b, 4, dev.blockBytes);
        return { status: 'GOOD', dataIn: b };
      }
      case 'READ CAPACITY(16)': {
        const b = new Uint8Array(32);
        put64(b, 0, Math.max(0, dev.blocks - 1));
        put32(b, 8, dev.blockBytes);
        return { status: 'GOOD', dataIn: truncate(b, cdb.allocationLength) };
      }
      case 'SYNCHRONIZE CACHE': {
        // The array's cache (507) is its durable point, as a battery-backed cache is: what
        // 501 acknowledged stays; the volumes' files are flushed too (docs/scsi.md).
        if (cdb.lba + BigInt(cdb.blocks) > BigInt(dev.blocks)) fail(SENSE.LBA_OUT_OF_RANGE);
        dev.flush();
        return { status: 'GOOD' };
      }
      case 'READ': case 'WRITE': {
        const lenField = cdb.size === 10 ? 7 : cdb.size === 12 ? 6 : 10;
        if (cdb.blocks * dev.blockBytes > this.maxTransfer) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: lenField });
        if (cdb.lba + BigInt(cdb.blocks) > BigInt(dev.blocks)) fail(SENSE.LBA_OUT_OF_RANGE);
        const buf = new Uint8Array(cdb.blocks * dev.blockBytes);
        if (cdb.op === 'READ') {
          if (cdb.blocks > 0) dev.read(Number(cdb.lba), cdb.blocks, buf);
          return { status: 'GOOD', dataIn: buf };
        }
        if (dataOut.length < buf.length) fail(SENSE.PARAM_LIST_LENGTH, undefined, 'data-out shorter than the transfer');
        if (cdb.blocks === 0) return { status: 'GOOD' };
        if (lu.writeAsync) {
          lu.writeAsync(Number(cdb.lba), cdb.blocks, dataOut.slice(0, buf.length),
            (err) => p.complete(err ? check(err) : { status: 'GOOD' }));
          return undefined;
        }
        dev.write(Number(cdb.lba), cdb.blocks, dataOut);
        return { status: 'GOOD' };
      }
      default: return fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 0 });
    }
  }

  private inquiry(lu: Lu | undefined, cdb: Extract<Cdb, { op: 'INQUIRY' }>): ScsiResult {
    if (!cdb.evpd) return { status: 'GOOD', dataIn: truncate(standardInquiry(lu?.id ?? null), cdb.allocationLength) };
    if (!lu) fail(SENSE.LU_NOT_SUPPORTED);
    const disk = lu.kind === 'disk' ? lu.device : undefined;
    if (disk && (cdb.pageCode === 0xb0 || cdb.pageCode === 0xb1)) {
      const body = cdb.pageCode === 0xb0
        ? blockLimitsPage(Math.floor(this.maxTransfer / disk.blockBytes)) : blockCharacteristicsPage();
      const b = new Uint8Array(4 + body.length);
      b[1] = cdb.pageCode;
      put16(b, 2, body.length);
      b.set(body, 4);
      return { status: 'GOOD', dataIn: truncate(b, cdb.allocationLength) };
    }
    const page = vpdPage(lu.id, cdb.pageCode, this.limits);
    if (!page) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 2 });
    return { status: 'GOOD', dataIn: truncate(page, cdb.allocationLength) };
  }

  private reportLuns(): Uint8Array {
    const luns = this.luns();
    const b = new Uint8Array(8 + 8 * luns.length);
    put32(b, 0, 8 * luns.length);
    luns.forEach((l, i) => {
      // Peripheral device addressing below 256, flat space addressing above (SAM-5 4.7).
      b[8 + 8 * i] = l < 256 ? 0 : 0x40 | ((l >> 8) & 0x3f);
      b[9 + 8 * i] = l & 0xff;
    });
    return b;
  }

  private extendedCopy(lun: number, lu: Lu, pll: number, dataOut: Uint8Array, p: PendingCommand, nexus: string): ScsiResult | undefined {
    // SPC-4 6.4.1: a parameter list length of zero is not an error and changes nothing.
    if (pll === 0) return { status: 'GOOD' };
    if (dataOut.length < pll) fail(SENSE.PARAM_LIST_LENGTH, undefined, 'data-out shorter than the parameter list');
    const plan = parseXcopyParams(dataOut.subarray(0, pll), this.limits);
    const segments = resolvePlan(plan, [...this.lus.values()], lu, this.limits, this.copyManager.supportsSplit);
    if (segments.length === 0) return { status: 'GOOD' };
    const copy = this.copyManager.start({ listId: plan.listId, plan, segments, lun }, (r) => p.complete(r), nexus);
    p.stopper = (stopped) => copy.abort(stopped);
    return undefined;
  }

  private receiveCopyResults(cdb: Extract<Cdb, { op: 'RECEIVE COPY RESULTS' }>, nexus: string): ScsiResult {
    const cm = this.copyManager;
    const data = cdb.serviceAction === RCR_SA.OPERATING_PARAMETERS ? cm.operatingParameters()
      : cdb.serviceAction === RCR_SA.COPY_STATUS ? cm.copyStatus(cdb.listId, nexus)
        : cm.failedSegmentDetails(cdb.listId, nexus);
    return { status: 'GOOD', dataIn: truncate(data, cdb.allocationLength) };
  }

  private pairOperation(lu: Lu, cdb: PairCdb, p: PendingCommand): ScsiResult | undefined {
    if (lu.kind !== 'command' || lu.role !== '603' || !this.pairs) {
      fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 0 }, 'pair operations go to the command device 603');
    }
    const pairs = this.pairs;
    if (cdb.action === 'query') {
      const data = encodePairQuery(pairs.query(cdb.pair));
      return { status: 'GOOD', dataIn: truncate(data, Math.min(cdb.allocationLength, PAIR_QUERY_LENGTH)) };
    }
    pairs.submit(cdb.action, cdb.pair, (err) => p.complete(err ? check(err) : { status: 'GOOD' }));
    return undefined;
  }
}

/** The tape LU's SSC-3 subset (tape-drive.ts); any other LU does not take these opcodes. */
function tapeCommand(lu: Lu, cdb: Extract<Cdb, { op: 'REWIND' | 'SPACE(6)' | 'READ(6)' }>): ScsiResult {
  if (lu.kind !== 'tape' || !lu.drive) return fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 0 }, `${cdb.op} needs a tape LU that can be read`);
  if (cdb.op === 'REWIND') return lu.drive.rewind();
  if (cdb.op === 'SPACE(6)') return lu.drive.space(cdb.code, cdb.count);
  return lu.drive.read(cdb.transferLength, cdb.sili);
}

/**
 * One SCSI command over iSCSI (RFC 7143 §11.3–11.8): its data-out gathered from immediate
 * data, unsolicited Data-Out and R2T-solicited bursts; the command run on the SCSI target;
 * its data-in sent in Data-In PDUs (DataSN from 0, F at each MaxBurstLength sequence,
 * status in the last one when GOOD); residuals against the Expected Data Transfer Length.
 *
 * EDTL against what the CDB moves (§11.4.5): a WRITE whose EDTL is short writes only the
 * whole blocks the EDTL covers (residual overflow); data past what the CDB needs is taken
 * and dropped (residual underflow); a READ sends at most EDTL bytes. One R2T is
 * outstanding at a time (MaxOutstandingR2T = 1); Data-Out PDUs must arrive in order with
 * DataSN counting from 0 in each sequence. A Data-Out out of sequence fails the command
 * with ABORTED COMMAND once its sequence ends, so the initiator's status tells it.
 */
import { STATUS_BYTE, type ScsiResult } from '../scsi/lu.ts';
import { withTransferBlocks } from '../scsi/cdb.ts';
import { encodeSense, type SenseData } from '../scsi/sense.ts';
import type { PendingCommand } from '../scsi/target.ts';
import { OP, REJECT, RESERVED_TAG, decodeLun, isFinal, newBhs, set32, u32 } from './pdu.ts';
import type { Session } from './session.ts';
import type { SessionParams } from './text-keys.ts';

/** The SCSI target as a transport sees it (ScsiTarget, plus the wall-clock poke). */
export interface ScsiPort {
  submit(lun: number, cdb: Uint8Array, dataOut: Uint8Array | undefined, nexus: string): PendingCommand;
  dataOutLength(lun: number, cdb: Uint8Array): number;
}

/** The connection, as a task uses it. */
export interface TaskLink {
  readonly session: Session<ScsiTask>;
  readonly params: SessionParams;
  readonly port: ScsiPort;
  /** Sends a PDU; `status` says whether it carries a status (StatSN advances) or only shows it. */
  send(bhs: Uint8Array, data: Uint8Array | undefined, status: boolean): void;
  reject(bhs: Uint8Array, reason: number): void;
  nextTtt(): number;
}

/** Data phase errors (SPC-4 annex: ABORTED COMMAND 0Bh). */
const DATA_PHASE_ERROR: SenseData = { key: 0x0b, asc: 0x4b, ascq: 0x00 };
const DATA_OFFSET_ERROR: SenseData = { key: 0x0b, asc: 0x4b, ascq: 0x05 };
const INVALID_TTT: SenseData = { key: 0x0b, asc: 0x4b, ascq: 0x01 };
const UNEXPECTED_UNSOLICITED: SenseData = { key: 0x0b, asc: 0x0c, ascq: 0x0c };
const BIDI_UNSUPPORTED: SenseData = { key: 0x05, asc: 0x24, ascq: 0x00, field: { cdb: true, byte: 0 } };

export class ScsiTask {
  readonly itt: number;
  readonly lun: number;
  readonly cmdSn: number;
  private cdb: Uint8Array;
  private readonly edtl: number;
  private readonly reading: boolean;
  private readonly writing: boolean;
  /** Bytes the CDB needs, and the part of it the EDTL lets us take. */
  private needed = 0;
  private want = 0;
  private buf = new Uint8Array(0);
  /** Data-out bytes received so far, in order (may pass `want` up to EDTL: dropped). */
  private got = 0;
  private unsolicited = false;
  private r2t: { ttt: number; end: number } | null = null;
  private r2tSn = 0;
  private dataSn = 0;
  private err: SenseData | null = null;
  private pending: PendingCommand | null = null;
  /** Set by ABORT TASK: nothing more is sent for it. */
  aborted = false;
  finished = false;
  /** Data-Out that came before the command's CmdSN turn (held in the window). */
  private early: [Uint8Array, Uint8Array][] | null = [];

  constructor(private readonly link: TaskLink, private readonly bhs: Uint8Array, ahs: Uint8Array,
    private readonly immediateData: Uint8Array) {
    this.itt = u32(bhs, 16);
    this.lun = decodeLun(bhs);
    this.cmdSn = u32(bhs, 24);
    this.edtl = u32(bhs, 20);
    this.reading = (bhs[1]! & 0x40) !== 0;
    this.writing = (bhs[1]! & 0x20) !== 0;
    // An extended CDB AHS (type 01h) carries bytes 16… of a longer CDB (§11.2.2.3).
    const ext = ahs.length >= 4 && ahs[2] === 0x01 ? ahs.subarray(4, 4 + ((ahs[0]! << 8) | ahs[1]!) - 1) : undefined;
    this.cdb = ext ? concat(bhs.subarray(32, 48), ext) : bhs.slice(32, 48);
  }

  /** The command's turn has come (CmdSN order): take its immediate data, ask for the rest. */
  start(): void {
    if (this.finished) return; // aborted while it waited for its CmdSN turn
    const p = this.link.params;
    if (this.reading && this.writing) { this.finish({ status: 'CHECK CONDITION', sense: encodeSense(BIDI_UNSUPPORTED) }); return; }
    const imm = this.immediateData.length;
    if (imm > 0 && (!this.writing || !p.immediateData || imm > p.firstBurstLength || imm > this.edtl)) {
      this.link.reject(this.bhs, REJECT.PROTOCOL_ERROR);
      this.finished = true;
      this.link.session.tasks.delete(this.itt);
      return;
    }
    if (this.writing) {
      this.needed = this.link.port.dataOutLength(this.lun, this.cdb);
      this.want = Math.min(this.needed, this.edtl);
      if (this.want < this.needed && this.needed > 0) {
        // Whole blocks only: a short EDTL writes the blocks it covers, no partial one.
        const blocks = blocksOf(this.cdb);
        const shorter = blocks > 0 ? withTransferBlocks(this.cdb, Math.floor(this.want / (this.needed / blocks))) : null;
        if (shorter) { this.cdb = shorter; this.want = Math.floor(this.want / (this.needed / blocks)) * (this.needed / blocks); }
      }
      this.buf = new Uint8Array(this.want);
      this.unsolicited = !isFinal(this.bhs) && !p.initialR2T;
      if (!isFinal(this.bhs) && p.initialR2T) this.err = UNEXPECTED_UNSOLICITED;
      this.take(this.immediateData);
    }
    const early = this.early ?? [];
    this.early = null;
    this.advance();
    for (const [b, d] of early) this.dataOut(b, d);
  }

  /** A Data-Out PDU for this task. */
  dataOut(bhs: Uint8Array, data: Uint8Array): void {
    if (this.early) { this.early.push([bhs, data]); return; }
    if (this.finished) return;
    const ttt = u32(bhs, 20);
    const dataSn = u32(bhs, 36);
    const offset = u32(bhs, 40);
    const solicited = ttt !== RESERVED_TAG;
    if (!this.writing || this.pending) { this.err ??= DATA_PHASE_ERROR; }
    else if (solicited ? (!this.r2t || ttt !== this.r2t.ttt) : !this.unsolicited) this.err ??= solicited ? INVALID_TTT : UNEXPECTED_UNSOLICITED;
    else if (dataSn !== this.dataSn) this.err ??= DATA_PHASE_ERROR;
    else if (offset !== this.got || offset + data.length > (solicited ? this.r2t!.end : this.edtl)) this.err ??= DATA_OFFSET_ERROR;
    else this.take(data);
    this.dataSn++;
    if (!isFinal(bhs)) return;
    // The sequence ended: the next one (unsolicited, or another R2T's) counts DataSN from 0.
    this.dataSn = 0;
    if (solicited) this.r2t = null; else this.unsolicited = false;
    this.advance();
  }

  /** ABORT TASK: `ended` once it has no more effect to come; nothing is sent for it. */
  abort(ended: () => void): void {
    this.aborted = true;
    if (this.finished || !this.pending) { this.finished = true; ended(); return; }
    this.pending.abort(() => ended());
  }

  private take(data: Uint8Array): void {
    const room = Math.max(0, Math.min(data.length, this.want - this.got));
    if (room > 0) this.buf.set(data.subarray(0, room), this.got);
    this.got += data.length;
  }

  /** After each data event: fail, ask for more, or run the command. */
  private advance(): void {
    if (this.pending || this.finished) return;
    if (this.unsolicited || this.r2t) return; // a sequence is still open
    if (this.err) { this.finish({ status: 'CHECK CONDITION', sense: encodeSense(this.err) }); return; }
    if (this.writing && this.got < this.want) { this.sendR2t(); return; }
    this.pending = this.link.port.submit(this.lun, this.cdb, this.writing ? this.buf : undefined, this.link.session.nexus);
    this.pending.onDone((r) => this.finish(r));
  }

  private sendR2t(): void {
    const len = Math.min(this.link.params.maxBurstLength, this.want - this.got);
    const ttt = this.link.nextTtt();
    this.r2t = { ttt, end: this.got + len };
    this.dataSn = 0;
    const b = newBhs(OP.R2T, 0x80, this.itt);
    b.set(this.bhs.subarray(8, 16), 8);
    set32(b, 20, ttt);
    set32(b, 36, this.r2tSn++);
    set32(b, 40, this.got);
    set32(b, 44, len);
    this.link.send(b, undefined, false);
  }

  private finish(r: ScsiResult): void {
    if (this.finished) return;
    this.finished = true;
    this.link.session.tasks.delete(this.itt);
    if (this.aborted) return;
    const p = this.link.params;
    const dataIn = r.dataIn ?? new Uint8Array(0);
    const readLimit = this.reading ? this.edtl : 0;
    const sent = dataIn.subarray(0, Math.min(dataIn.length, readLimit));
    // Residuals (§11.4.5.1): a write against the data its CDB needed, a read against what it returned.
    const moved = this.writing ? this.needed : this.reading ? dataIn.length : 0;
    const expected = this.writing || this.reading ? this.edtl : 0;
    const over = moved > expected ? moved - expected : 0;
    const under = moved < expected ? expected - moved : 0;
    const resFlags = over ? 0x04 : under ? 0x02 : 0;
    const residual = over || under;
    const status = STATUS_BYTE[r.status];
    const collapse = sent.length > 0 && r.status === 'GOOD';
    let dataSn = 0;
    for (let off = 0; off < sent.length;) {
      const burstEnd = Math.min(sent.length, (Math.floor(off / p.maxBurstLength) + 1) * p.maxBurstLength);
      const n = Math.min(p.initiatorMaxRecv, burstEnd - off);
      const last = off + n === sent.length;
      const b = newBhs(OP.DATA_IN, (off + n === burstEnd ? 0x80 : 0) | (last && collapse ? 0x01 | resFlags : 0), this.itt);
      set32(b, 20, RESERVED_TAG);
      set32(b, 36, dataSn++);
      set32(b, 40, off);
      if (last && collapse) { b[3] = status; set32(b, 44, residual); }
      this.link.send(b, sent.subarray(off, off + n), last && collapse);
      off += n;
    }
    if (collapse) return;
    const b = newBhs(OP.SCSI_RESPONSE, 0x80 | resFlags, this.itt);
    b[2] = 0x00; // command completed at target
    b[3] = status;
    set32(b, 36, dataSn + this.r2tSn); // ExpDataSN: Data-In and R2T PDUs sent
    set32(b, 44, residual);
    const sense = r.sense;
    let data: Uint8Array | undefined;
    if (sense && sense.length > 0) {
      data = new Uint8Array(2 + sense.length);
      data[0] = sense.length >> 8;
      data[1] = sense.length & 0xff;
      data.set(sense, 2);
    }
    this.link.send(b, data, true);
  }
}

/** Transfer length in blocks of a READ/WRITE 10/16, else 0. */
function blocksOf(cdb: Uint8Array): number {
  const op = cdb[0];
  if (op === 0x28 || op === 0x2a) return (cdb[7]! << 8) | cdb[8]!;
  if (op === 0xa8 || op === 0xaa) return u32(cdb, 6);
  if (op === 0x88 || op === 0x8a) return u32(cdb, 10);
  return 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
}

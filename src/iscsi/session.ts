/**
 * An iSCSI session (RFC 7143 §4.2.2): its identity (initiator name and ISID, the TSIH this
 * target gave it), its negotiated parameters, its tasks by Initiator Task Tag, and the
 * command window. Commands are numbered by CmdSN and delivered in that order: a
 * non-immediate command with CmdSN = ExpCmdSN runs and advances ExpCmdSN; one further
 * inside the window [ExpCmdSN, MaxCmdSN] waits for the gap to fill; one outside it (or a
 * duplicate) is silently ignored (§4.2.2.1). Immediate commands run at once and do not
 * advance ExpCmdSN. All comparisons are serial number arithmetic (RFC 1982).
 *
 * The I_T nexus the SCSI target scopes copy results by (docs/scsi.md) is the initiator
 * port name (iSCSI name + ",i,0x" + ISID) with the target port (name + ",t,0x" + TPGT),
 * RFC 7143 §10.1.
 */
import { snAdd, snLess } from './pdu.ts';
import type { SessionParams } from './text-keys.ts';

export interface SessionIdentity {
  readonly tsih: number;
  readonly initiatorName: string;
  readonly isid: string;
  readonly type: 'Normal' | 'Discovery';
  readonly targetName: string;
  readonly portalGroupTag: number;
}

/** Whatever a task is, as the session tracks it. */
export interface SessionTask {
  readonly itt: number;
  readonly lun: number;
  /** Its CmdSN (immediate tasks too: the value they carried). */
  readonly cmdSn: number;
}

export class CommandWindow {
  private held = new Map<number, () => void>();

  constructor(public expCmdSn: number, public readonly size: number) {}

  get maxCmdSn(): number { return snAdd(this.expCmdSn, this.size - 1); }

  /** Whether a command with this CmdSN could still arrive (not yet received, inside the window). */
  inWindow(cmdSn: number): boolean {
    return !snLess(cmdSn, this.expCmdSn) && !snLess(this.maxCmdSn, cmdSn);
  }

  /**
   * A PDU carrying a CmdSN. Immediate: `run` now. Otherwise `run` in CmdSN order, now or
   * once the commands before it have arrived; false if ignored (outside the window, or a
   * duplicate of one received).
   */
  offer(cmdSn: number, immediate: boolean, run: () => void): boolean {
    if (immediate) { run(); return true; }
    if (!this.inWindow(cmdSn) || this.held.has(cmdSn >>> 0)) return false;
    if ((cmdSn >>> 0) !== this.expCmdSn) { this.held.set(cmdSn >>> 0, run); return true; }
    this.expCmdSn = snAdd(this.expCmdSn, 1);
    run();
    for (let next = this.held.get(this.expCmdSn); next; next = this.held.get(this.expCmdSn)) {
      this.held.delete(this.expCmdSn);
      this.expCmdSn = snAdd(this.expCmdSn, 1);
      next();
    }
    return true;
  }

  /** Commands waiting for a gap to fill. */
  get waiting(): number { return this.held.size; }
}

export class Session<T extends SessionTask = SessionTask> {
  readonly tasks = new Map<number, T>();
  readonly window: CommandWindow;
  /** CmdSNs an ABORT TASK named before they arrived (RFC 7143 §11.5.1): dropped on arrival. */
  readonly abortedAhead = new Set<number>();

  constructor(readonly id: SessionIdentity, public params: SessionParams, firstCmdSn: number, windowSize: number) {
    this.window = new CommandWindow(firstCmdSn >>> 0, windowSize);
  }

  get nexus(): string {
    const { initiatorName, isid, targetName, portalGroupTag } = this.id;
    return `${initiatorName},i,0x${isid}|${targetName},t,0x${portalGroupTag.toString(16).padStart(4, '0')}`;
  }

  /** Stamps ExpCmdSN and MaxCmdSN (BHS bytes 28–35) into a response. */
  stamp(bhs: Uint8Array): void {
    const dv = new DataView(bhs.buffer, bhs.byteOffset, bhs.byteLength);
    dv.setUint32(28, this.window.expCmdSn);
    dv.setUint32(32, this.window.maxCmdSn);
  }
}

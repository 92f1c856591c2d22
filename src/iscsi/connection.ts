/**
 * One iSCSI connection (RFC 7143): the login phase, then the full feature phase's PDUs
 * dispatched by opcode: SCSI Command (in CmdSN order, session.ts), Data-Out (to its task
 * by ITT), Task Management, Text (SendTargets, renegotiation), NOP-Out, Logout. It speaks
 * to the network only through a Wire, so tests and fuzzers drive it without a socket.
 *
 * Robustness (docs/iscsi.md#errors): any byte string is answered by a Reject or by
 * closing the connection, never by an exception leaving this class. A PDU that cannot be
 * framed (a data segment over MaxRecvDataSegmentLength) or a login error closes the
 * connection; a PDU with a bad field, an unknown opcode or a PDU out of place is
 * rejected and the connection goes on.
 */
import { OP, PduFormatError, PduReader, REJECT, RESERVED_TAG, decodeLun, encodePdu, isImmediate, newBhs, opcodeOf, set32, u32 } from './pdu.ts';
import { LoginPhase, type LoginResult, type LoginTarget } from './login.ts';
import { ScsiTask, type ScsiPort, type TaskLink } from './scsi-task.ts';
import type { Session } from './session.ts';
import { KeyError, type KeyValues, encodeKeys, negotiate, parseKeys, type SessionParams, type TargetLimits } from './text-keys.ts';
import { taskManagement, type TmfLink } from './tmf.ts';

/** The socket side of a connection. */
export interface Wire {
  write(chunks: Uint8Array[]): void;
  /** Ends the connection once what was written is sent. */
  close(): void;
}

/** What a connection needs from the server it belongs to. */
export interface ServerSide extends LoginTarget {
  readonly port: ScsiPort;
  /** Binds the connection to the session its login made (reinstating an older one). */
  session(tsih: number, c: Connection): Session<ScsiTask>;
  sessions(): Iterable<Session<ScsiTask>>;
  hasLun(lun: number): boolean;
  /** SendTargets=value, asked on this connection: the TargetName/TargetAddress pairs. */
  sendTargets(value: string, session: Session<ScsiTask>, local: { address: string; port: number }): KeyValues;
  /** A connection ended (logout, error, close): its session's tasks end with it. */
  closed(c: Connection): void;
  coldReset(): void;
  readonly limits: TargetLimits;
  /** A bug met while handling a PDU (the connection is then closed); default: logged. */
  internalError?(e: unknown): void;
}

const LOGIN_MAX_RECV = 8192; // RFC 7143 §13.12: the default until negotiated

export class Connection implements TaskLink, TmfLink {
  private readonly reader = new PduReader(LOGIN_MAX_RECV);
  private login: LoginPhase | null;
  private sess: Session<ScsiTask> | null = null;
  private statSn = 0;
  private ttt = 1;
  private ended = false;
  private text: Uint8Array[] = [];

  constructor(private readonly server: ServerSide, private readonly wire: Wire,
    readonly local: { address: string; port: number } = { address: '127.0.0.1', port: 3260 }) {
    this.login = new LoginPhase(server);
  }

  get session(): Session<ScsiTask> {
    if (!this.sess) throw new Error('no session before login');
    return this.sess;
  }
  get params(): SessionParams { return this.session.params; }
  get port(): ScsiPort { return this.server.port; }
  get open(): boolean { return !this.ended; }
  sessions(): Iterable<Session<ScsiTask>> { return this.server.sessions(); }
  hasLun(lun: number): boolean { return this.server.hasLun(lun); }
  coldReset(): void { this.server.coldReset(); }
  nextTtt(): number {
    const t = this.ttt;
    this.ttt = this.ttt >= 0x7fffffff ? 1 : this.ttt + 1;
    return t;
  }

  /** Bytes from the socket. Never throws. */
  receive(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      for (const pdu of this.reader.push(chunk)) {
        if (this.ended) return;
        this.dispatch(pdu.bhs, pdu.ahs, pdu.data);
      }
    } catch (e) {
      // A stream that cannot be framed, or a bug: the connection cannot be trusted further.
      if (!(e instanceof PduFormatError)) {
        if (this.server.internalError) this.server.internalError(e);
        else console.error('iscsi: connection closed after an internal error:', e);
      }
      this.close();
    }
  }

  /** Ends the connection (the server's shutdown, a cold reset, a reinstated session). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.wire.close();
    this.server.closed(this);
  }

  send(bhs: Uint8Array, data: Uint8Array | undefined, status: boolean): void {
    if (this.ended) return;
    const op = opcodeOf(bhs);
    if (status) { set32(bhs, 24, this.statSn); this.statSn = (this.statSn + 1) >>> 0; }
    else if (op === OP.R2T || op === OP.NOP_IN) set32(bhs, 24, this.statSn);
    this.sess?.stamp(bhs);
    this.wire.write(encodePdu(bhs, data));
  }

  reject(bhs: Uint8Array, reason: number): void {
    const b = newBhs(OP.REJECT, 0x80, RESERVED_TAG);
    b[2] = reason;
    this.send(b, bhs.slice(0, 48), true);
  }

  private dispatch(bhs: Uint8Array, ahs: Uint8Array, data: Uint8Array): void {
    const op = opcodeOf(bhs);
    if (this.login) {
      if (op !== OP.LOGIN_REQUEST) { this.close(); return; } // RFC 7143 §6.3: only Login before FFP
      this.loginPdu(this.login, bhs, data);
      return;
    }
    const s = this.session;
    const cmdSn = u32(bhs, 24);
    const imm = isImmediate(bhs);
    const discovery = s.id.type === 'Discovery';
    switch (op) {
      case OP.NOP_OUT: s.window.offer(cmdSn, imm, () => this.nop(bhs, data)); return;
      case OP.SCSI_COMMAND: {
        if (discovery) { this.reject(bhs, REJECT.PROTOCOL_ERROR); return; }
        const itt = u32(bhs, 16);
        if (itt === RESERVED_TAG || s.tasks.has(itt)) { this.reject(bhs, REJECT.INVALID_PDU_FIELD); return; }
        const task = new ScsiTask(this, bhs, ahs, data);
        s.tasks.set(itt, task); // before its turn, so Data-Out finds it (it deletes itself at its end)
        const accepted = s.window.offer(cmdSn, imm, () => {
          if (s.abortedAhead.delete(cmdSn)) { task.finished = true; s.tasks.delete(itt); return; }
          task.start();
        });
        if (!accepted) s.tasks.delete(itt);
        return;
      }
      case OP.DATA_OUT: {
        if (discovery) { this.reject(bhs, REJECT.PROTOCOL_ERROR); return; }
        // Data for a task that ended or was aborted (or never was) is dropped.
        s.tasks.get(u32(bhs, 16))?.dataOut(bhs, data);
        return;
      }
      case OP.TASK_MGMT_REQUEST:
        if (discovery) { this.reject(bhs, REJECT.PROTOCOL_ERROR); return; }
        s.window.offer(cmdSn, imm, () => taskManagement(this, bhs, decodeLun(bhs)));
        return;
      case OP.TEXT_REQUEST: s.window.offer(cmdSn, imm, () => this.textRequest(bhs, data)); return;
      case OP.LOGOUT_REQUEST: s.window.offer(cmdSn, imm, () => this.logout(bhs)); return;
      case OP.LOGIN_REQUEST: this.reject(bhs, REJECT.PROTOCOL_ERROR); return;
      case OP.SNACK_REQUEST: this.reject(bhs, REJECT.PROTOCOL_ERROR); return; // ERL 0: no SNACK
      default: this.reject(bhs, REJECT.COMMAND_NOT_SUPPORTED);
    }
  }

  private loginPdu(login: LoginPhase, bhs: Uint8Array, data: Uint8Array): void {
    const r = login.handle(bhs, data);
    this.wire.write(encodePdu(r.pdu.bhs, r.pdu.data));
    if (r.next?.kind === 'close') { this.close(); return; }
    if (r.next?.kind === 'ffp') this.enterFullFeature(r.next.result, r.next.tsih);
  }

  private enterFullFeature(r: LoginResult, tsih: number): void {
    this.login = null;
    this.statSn = r.statSn;
    this.sess = this.server.session(tsih, this);
    this.reader.maxData = this.server.limits.maxRecvDataSegmentLength;
  }

  private nop(bhs: Uint8Array, data: Uint8Array): void {
    const itt = u32(bhs, 16);
    if (itt === RESERVED_TAG) return; // a ping answer, or a NOP that wants none
    const b = newBhs(OP.NOP_IN, 0x80, itt);
    b.set(bhs.subarray(8, 16), 8);
    set32(b, 20, RESERVED_TAG);
    this.send(b, data.length > 0 ? data.slice(0, this.params.initiatorMaxRecv) : undefined, true);
  }

  private textRequest(bhs: Uint8Array, data: Uint8Array): void {
    const itt = u32(bhs, 16);
    const respond = (final: boolean, kv: KeyValues, ttt = RESERVED_TAG) => {
      const b = newBhs(OP.TEXT_RESPONSE, final ? 0x80 : 0, itt);
      b.set(bhs.subarray(8, 16), 8);
      set32(b, 20, ttt);
      this.send(b, kv.length ? encodeKeys(kv) : undefined, true);
    };
    this.text.push(data);
    if ((bhs[1]! & 0x40) !== 0) { respond(false, [], this.nextTtt()); return; } // C: more text follows
    const all = new Uint8Array(this.text.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of this.text) { all.set(p, o); o += p.length; }
    this.text = [];
    let offered: KeyValues;
    try { offered = parseKeys(all); } catch (e) {
      if (e instanceof KeyError) { this.reject(bhs, REJECT.PROTOCOL_ERROR); return; }
      throw e;
    }
    const answers: KeyValues = [];
    const rest = offered.filter(([k, v]) => {
      if (k !== 'SendTargets') return true;
      answers.push(...this.server.sendTargets(v, this.session, this.local));
      return false;
    });
    const n = negotiate(rest, this.params, this.server.limits, 'ffp');
    this.session.params = n.params;
    respond(true, [...answers, ...n.answers]);
  }

  private logout(bhs: Uint8Array): void {
    const reason = bhs[1]! & 0x7f;
    const b = newBhs(OP.LOGOUT_RESPONSE, 0x80, u32(bhs, 16));
    // 0 close the session, 1 close the connection (one per session here): done; 2 (remove
    // the connection for recovery) needs ERL 2: "connection recovery is not supported".
    b[2] = reason === 2 ? 2 : 0;
    this.send(b, undefined, true);
    if (reason !== 2) this.close();
  }
}


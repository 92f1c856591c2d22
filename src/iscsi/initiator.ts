/**
 * A small iSCSI initiator (Node only), for the tests and the benchmark: login (security,
 * then operational negotiation), SCSI commands with immediate, unsolicited and solicited
 * data (R2T), Data-In gathered by offset, several commands in flight, Text (SendTargets),
 * task management and logout. It speaks to any RFC 7143 target (this one, or tgtd in the
 * benchmark). Not a general initiator: no digests, one connection, ERL 0.
 */
import * as net from 'node:net';
import { STATUS_BYTE, type ScsiStatus } from '../scsi/lu.ts';
import { OP, PduReader, RESERVED_TAG, encodeLun, encodePdu, newBhs, set32, u32 } from './pdu.ts';
import { type KeyValues, encodeKeys, parseKeys, parseNumber } from './text-keys.ts';

export interface InitiatorOptions {
  host: string;
  port: number;
  initiatorName?: string;
  /** Normal session to this target, or a Discovery session when absent. */
  targetName?: string;
  /** 6-byte ISID; a distinct one per session of one initiator name. */
  isid?: Uint8Array;
  /** Keys offered in operational negotiation (defaults: digests None, immediate data, …). */
  offer?: KeyValues;
}

export interface CommandResult {
  status: ScsiStatus | number;
  sense?: Uint8Array;
  data: Uint8Array;
  /** 'over' (O bit), 'under' (U bit) or none, and the residual count. */
  residual?: { kind: 'over' | 'under'; count: number };
}

interface Outstanding {
  resolve(r: CommandResult | Uint8Array): void;
  reject(e: Error): void;
  data?: Uint8Array;
  readLength: number;
  dataOut?: Uint8Array;
  lun: number;
  kind: 'scsi' | 'text' | 'tmf' | 'nop' | 'logout';
  gotData: number;
}

const STATUS_OF = new Map(Object.entries(STATUS_BYTE).map(([k, v]) => [v, k as ScsiStatus]));

export class IscsiInitiator {
  /** Negotiated values the initiator must honour. */
  params = { maxRecvTarget: 8192, firstBurst: 65536, maxBurst: 262144, immediateData: true, initialR2T: true };
  /** CmdSN of the next non-immediate command. */
  cmdSn = 1;
  expStatSn = 0;
  maxCmdSn = 1;
  /** Everything the target sent in its login responses. */
  loginAnswers: KeyValues = [];
  private itt = 0x1000;
  private readonly reader = new PduReader(16 * 1024 * 1024);
  private readonly out = new Map<number, Outstanding>();
  private closed: Error | null = null;
  private windowWaiters: (() => void)[] = [];
  private loginWait: ((p: { bhs: Uint8Array; data: Uint8Array }) => void) | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.receive(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    sock.on('close', () => this.fail(new Error('connection closed by the target')));
    sock.on('error', (e) => this.fail(e));
  }

  static async connect(o: InitiatorOptions): Promise<IscsiInitiator> {
    const sock = net.connect(o.port, o.host);
    await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
    const ini = new IscsiInitiator(sock);
    await ini.login(o);
    return ini;
  }

  /** Sends a SCSI command; resolves with its status, sense and data-in. */
  async command(lun: number, cdb: Uint8Array, o: { dataOut?: Uint8Array; readLength?: number; edtl?: number } = {}): Promise<CommandResult> {
    await this.windowOpen();
    const itt = this.nextItt();
    const dataOut = o.dataOut;
    const write = dataOut !== undefined;
    const edtl = o.edtl ?? (write ? dataOut.length : o.readLength ?? 0);
    const b = newBhs(OP.SCSI_COMMAND, 0x00, itt);
    encodeLun(b, lun);
    set32(b, 20, edtl);
    set32(b, 24, this.cmdSn);
    this.cmdSn = (this.cmdSn + 1) >>> 0;
    set32(b, 28, this.expStatSn);
    b.set(cdb.subarray(0, 16), 32);
    let immediate: Uint8Array | undefined;
    let unsolicited = 0;
    if (write && edtl > 0) {
      const first = Math.min(edtl, dataOut.length, this.params.firstBurst);
      if (this.params.immediateData) immediate = dataOut.subarray(0, Math.min(first, this.params.maxRecvTarget));
      if (!this.params.initialR2T) unsolicited = first - (immediate?.length ?? 0);
    }
    b[1] = (unsolicited > 0 ? 0 : 0x80) | (write ? 0x20 : 0) | (o.readLength ? 0x40 : 0) | 0x01; // SIMPLE
    const done = new Promise<CommandResult>((resolve, reject) => {
      this.out.set(itt, { resolve: resolve as (r: unknown) => void, reject, lun, kind: 'scsi', readLength: o.readLength ?? 0, dataOut, gotData: 0 });
    });
    this.send(b, immediate);
    if (unsolicited > 0) this.dataOut(itt, lun, RESERVED_TAG, immediate?.length ?? 0, unsolicited, dataOut!);
    return done;
  }

  /** Text request (e.g. SendTargets=All); resolves with the answered keys. */
  async text(kv: KeyValues): Promise<KeyValues> {
    const itt = this.nextItt();
    const b = newBhs(OP.TEXT_REQUEST | 0x40, 0x80, itt);
    set32(b, 20, RESERVED_TAG);
    this.stampImmediate(b);
    const r = new Promise<Uint8Array>((resolve, reject) => this.out.set(itt, { resolve: resolve as (r: unknown) => void, reject, lun: 0, kind: 'text', readLength: 0, gotData: 0 }));
    this.send(b, encodeKeys(kv));
    return parseKeys(await r);
  }

  /** ABORT TASK (or another function, with refItt/refCmdSn as the RFC wants): the response code. */
  async taskManagement(fn: number, lun: number, refItt = RESERVED_TAG, refCmdSn = 0): Promise<number> {
    const itt = this.nextItt();
    const b = newBhs(OP.TASK_MGMT_REQUEST | 0x40, 0x80 | fn, itt);
    encodeLun(b, lun);
    set32(b, 20, refItt);
    this.stampImmediate(b);
    set32(b, 32, refCmdSn);
    const r = new Promise<Uint8Array>((resolve, reject) => this.out.set(itt, { resolve: resolve as (r: unknown) => void, reject, lun, kind: 'tmf', readLength: 0, gotData: 0 }));
    this.send(b);
    return (await r)[0]!;
  }

  /** The ITT the next command will get (ABORT TASK names a command by it). */
  peekItt(): number { return this.itt; }

  async logout(): Promise<void> {
    const itt = this.nextItt();
    const b = newBhs(OP.LOGOUT_REQUEST | 0x40, 0x80, itt);
    this.stampImmediate(b);
    const r = new Promise<Uint8Array>((resolve, reject) => this.out.set(itt, { resolve: resolve as (r: unknown) => void, reject, lun: 0, kind: 'logout', readLength: 0, gotData: 0 }));
    this.send(b);
    await r;
    this.sock.end();
  }

  close(): void { this.sock.destroy(); }

  private async login(o: InitiatorOptions): Promise<void> {
    const isid = o.isid ?? Uint8Array.of(0x80, 0x00, 0x00, 0x01, 0x00, 0x00);
    const name = o.initiatorName ?? 'iqn.2024-06.invalid.splitstream:test-initiator';
    const security: KeyValues = [['InitiatorName', name], ['SessionType', o.targetName ? 'Normal' : 'Discovery'],
      ...(o.targetName ? [['TargetName', o.targetName] as [string, string]] : []), ['AuthMethod', 'None']];
    const operational: KeyValues = o.offer ?? [
      ['HeaderDigest', 'None'], ['DataDigest', 'None'], ['MaxRecvDataSegmentLength', '262144'],
      ...(o.targetName ? [['InitialR2T', 'No'], ['ImmediateData', 'Yes'], ['MaxBurstLength', '1048576'],
        ['FirstBurstLength', '262144'], ['MaxOutstandingR2T', '1'], ['ErrorRecoveryLevel', '0']] as KeyValues : []),
    ];
    const step = async (csg: number, nsg: number, kv: KeyValues) => {
      const b = newBhs(OP.LOGIN_REQUEST | 0x40, 0x80 | (csg << 2) | nsg, 0);
      b.set(isid, 8);
      set32(b, 24, this.cmdSn);
      set32(b, 28, this.expStatSn);
      const r = new Promise<{ bhs: Uint8Array; data: Uint8Array }>((resolve) => { this.loginWait = resolve; });
      this.sock.write(concat(encodePdu(b, encodeKeys(kv))));
      const p = await r;
      const status = (p.bhs[36]! << 8) | p.bhs[37]!;
      if (status !== 0) throw new Error(`login refused: status ${status.toString(16).padStart(4, '0')}`);
      this.expStatSn = (u32(p.bhs, 24) + 1) >>> 0;
      this.maxCmdSn = u32(p.bhs, 32);
      return parseKeys(p.data);
    };
    this.loginAnswers.push(...await step(0, 1, security));
    this.loginAnswers.push(...await step(1, 3, operational));
    const get = (k: string) => this.loginAnswers.find(([key]) => key === k)?.[1];
    const num = (k: string, d: number) => { const v = get(k); return v !== undefined && Number.isFinite(parseNumber(v)) ? parseNumber(v) : d; };
    this.params = {
      maxRecvTarget: num('MaxRecvDataSegmentLength', 8192), firstBurst: num('FirstBurstLength', 65536),
      maxBurst: num('MaxBurstLength', 262144), immediateData: (get('ImmediateData') ?? 'Yes') === 'Yes',
      initialR2T: (get('InitialR2T') ?? 'Yes') === 'Yes',
    };
  }

  private nextItt(): number { return this.itt++ >>> 0; }

  private stampImmediate(b: Uint8Array): void {
    set32(b, 24, this.cmdSn);
    set32(b, 28, this.expStatSn);
  }

  private async windowOpen(): Promise<void> {
    while (((this.maxCmdSn - this.cmdSn) | 0) < 0) {
      if (this.closed) throw this.closed;
      await new Promise<void>((r) => this.windowWaiters.push(r));
    }
  }

  private send(bhs: Uint8Array, data?: Uint8Array): void {
    if (this.closed) throw this.closed;
    const parts = encodePdu(bhs, data);
    if (parts.length > 1) this.sock.cork();
    for (const p of parts) this.sock.write(p);
    if (parts.length > 1) this.sock.uncork();
  }

  /** Data-Out PDUs for [offset, offset+length) of the command's buffer, DataSN from 0. */
  private dataOut(itt: number, lun: number, ttt: number, offset: number, length: number, buf: Uint8Array): void {
    let sn = 0;
    for (let o = offset; o < offset + length;) {
      const n = Math.min(this.params.maxRecvTarget, offset + length - o);
      const b = newBhs(OP.DATA_OUT, o + n === offset + length ? 0x80 : 0, itt);
      encodeLun(b, lun);
      set32(b, 20, ttt);
      set32(b, 28, this.expStatSn);
      set32(b, 36, sn++);
      set32(b, 40, o);
      this.send(b, buf.subarray(o, o + n));
      o += n;
    }
  }

  private receive(chunk: Uint8Array): void {
    for (const p of this.reader.push(chunk)) {
      const op = p.bhs[0]! & 0x3f;
      if (op === OP.LOGIN_RESPONSE) { const w = this.loginWait; this.loginWait = null; w?.({ bhs: p.bhs, data: p.data }); continue; }
      const expCmdSn = u32(p.bhs, 28);
      const maxCmdSn = u32(p.bhs, 32);
      if (((maxCmdSn - expCmdSn + 1) | 0) >= 0 && ((maxCmdSn - this.maxCmdSn) | 0) > 0) this.maxCmdSn = maxCmdSn;
      for (const w of this.windowWaiters.splice(0)) w();
      const itt = u32(p.bhs, 16);
      const o = this.out.get(itt);
      const statSn = u32(p.bhs, 24);
      switch (op) {
        case OP.R2T:
          if (o?.dataOut) this.dataOut(itt, o.lun, u32(p.bhs, 20), u32(p.bhs, 40), u32(p.bhs, 44), o.dataOut);
          break;
        case OP.DATA_IN: {
          if (!o) break;
          o.data ??= new Uint8Array(o.readLength);
          const off = u32(p.bhs, 40);
          o.data.set(p.data.subarray(0, Math.max(0, o.data.length - off)), off);
          o.gotData = Math.max(o.gotData, off + p.data.length);
          if (p.bhs[1]! & 0x01) { this.expStatSn = (statSn + 1) >>> 0; this.finish(itt, o, p.bhs, undefined); }
          break;
        }
        case OP.SCSI_RESPONSE: {
          this.expStatSn = (statSn + 1) >>> 0;
          if (!o) break;
          const senseLen = p.data.length >= 2 ? (p.data[0]! << 8) | p.data[1]! : 0;
          this.finish(itt, o, p.bhs, senseLen ? p.data.slice(2, 2 + senseLen) : undefined);
          break;
        }
        case OP.TEXT_RESPONSE: case OP.TASK_MGMT_RESPONSE: case OP.LOGOUT_RESPONSE: case OP.NOP_IN:
          if (itt !== RESERVED_TAG) this.expStatSn = (statSn + 1) >>> 0;
          if (!o) break;
          this.out.delete(itt);
          o.resolve(op === OP.TEXT_RESPONSE ? p.data.slice() : op === OP.TASK_MGMT_RESPONSE ? Uint8Array.of(p.bhs[2]!) : new Uint8Array(0));
          break;
        case OP.REJECT:
          this.expStatSn = (statSn + 1) >>> 0;
          break;
        default: break;
      }
    }
  }

  private finish(itt: number, o: Outstanding, bhs: Uint8Array, sense?: Uint8Array): void {
    this.out.delete(itt);
    const flags = bhs[1]!;
    const count = u32(bhs, 44);
    const residual = flags & 0x04 ? { kind: 'over' as const, count } : flags & 0x02 ? { kind: 'under' as const, count } : undefined;
    const data = (o.data ?? new Uint8Array(0)).subarray(0, o.gotData);
    o.resolve({ status: STATUS_OF.get(bhs[3]!) ?? bhs[3]!, sense, data, residual });
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    for (const o of this.out.values()) o.reject(e);
    this.out.clear();
    for (const w of this.windowWaiters.splice(0)) w();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

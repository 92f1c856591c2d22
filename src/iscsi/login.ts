/**
 * The login phase of one connection (RFC 7143 §6.3, §11.12–11.13): security negotiation
 * (AuthMethod None only), then operational negotiation, then the full feature phase. A
 * request may skip a stage (CSG 1 first, or NSG 3 from security). Text spread over several
 * requests with the C bit is gathered first (each partial one answered with an empty
 * response). The leading login of a Normal session must name this target; a Discovery
 * session may not. Errors end the login with the RFC's status class and detail, after
 * which the connection closes.
 */
import { OP, newBhs, set16, u16, u32, set32 } from './pdu.ts';
import {
  KeyError, type Declared, type KeyValues, type SessionParams, type TargetLimits,
  encodeKeys, negotiate, parseKeys,
} from './text-keys.ts';

/** Login status (class << 8 | detail), RFC 7143 §11.13.5. */
export const LOGIN_STATUS = {
  SUCCESS: 0x0000,
  INITIATOR_ERROR: 0x0200,
  AUTH_FAILURE: 0x0201,
  NOT_FOUND: 0x0203,
  UNSUPPORTED_VERSION: 0x0205,
  MISSING_PARAMETER: 0x0207,
  CANT_INCLUDE: 0x0208,
  SESSION_TYPE: 0x0209,
  NO_SESSION: 0x020a,
  INVALID_DURING_LOGIN: 0x020b,
  TARGET_ERROR: 0x0300,
} as const;

const STAGE = { SECURITY: 0, OPERATIONAL: 1, FULL_FEATURE: 3 } as const;

/** What the login made: the session's identity and negotiated parameters. */
export interface LoginResult {
  initiatorName: string;
  /** The 6-byte ISID as 12 hex digits. */
  isid: string;
  sessionType: 'Normal' | 'Discovery';
  params: SessionParams;
  /** The initiator's CmdSN at login (the session's first ExpCmdSN). */
  cmdSn: number;
  /** StatSN of the next response on this connection. */
  statSn: number;
  cid: number;
}

export interface LoginTarget {
  readonly targetName: string;
  readonly portalGroupTag: number;
  readonly limits: TargetLimits;
  readonly defaults: SessionParams;
  /** CmdSN window size (MaxCmdSN = ExpCmdSN + window − 1). */
  readonly window: number;
  /** The session is made (full feature phase next): returns its TSIH. */
  open(r: LoginResult): number;
}

export interface LoginReply {
  pdu: { bhs: Uint8Array; data: Uint8Array };
  /** 'ffp': the connection is in its full feature phase; 'close': the login failed. */
  next?: { kind: 'ffp'; result: LoginResult; tsih: number } | { kind: 'close' };
}

export class LoginPhase {
  private stage: number = -1;
  private statSn = 0;
  private partial: Uint8Array[] = [];
  private params: SessionParams;
  private declared: Declared = {};
  private sentPortalTag = false;

  constructor(private readonly t: LoginTarget) {
    this.params = { ...t.defaults };
  }

  /** Handles one Login Request PDU. */
  handle(bhs: Uint8Array, data: Uint8Array): LoginReply {
    const transit = (bhs[1]! & 0x80) !== 0;
    const cont = (bhs[1]! & 0x40) !== 0;
    const csg = (bhs[1]! >> 2) & 3;
    const nsg = bhs[1]! & 3;
    const cmdSn = u32(bhs, 24);
    if (this.stage === -1) this.statSn = u32(bhs, 28); // the first response's StatSN: any; echo theirs
    const fail = (status: number): LoginReply => ({ pdu: this.response(bhs, status, csg, nsg, false, []), next: { kind: 'close' } });
    if (bhs[3]! > 0) return fail(LOGIN_STATUS.UNSUPPORTED_VERSION); // Version-min: only 00h exists
    if (u16(bhs, 14) !== 0) return fail(LOGIN_STATUS.NO_SESSION); // adding a connection: MaxConnections=1
    if (csg === 2 || csg === STAGE.FULL_FEATURE || (transit && (nsg === 2 || nsg <= csg)) || (transit && cont)) {
      return fail(LOGIN_STATUS.INITIATOR_ERROR);
    }
    if (this.stage === -1) this.stage = csg;
    if (csg !== this.stage) return fail(LOGIN_STATUS.INITIATOR_ERROR);
    this.partial.push(data);
    if (cont) return { pdu: this.response(bhs, LOGIN_STATUS.SUCCESS, csg, 0, false, []) };
    const text = join(this.partial);
    this.partial = [];
    let offered: KeyValues;
    try {
      offered = parseKeys(text);
    } catch (e) {
      if (e instanceof KeyError) return fail(LOGIN_STATUS.INITIATOR_ERROR);
      throw e;
    }
    const n = negotiate(offered, this.params, this.t.limits, 'login');
    this.params = n.params;
    this.declared = { ...this.declared, ...Object.fromEntries(Object.entries(n.declared).filter(([, v]) => v !== undefined)) };
    const d = this.declared;
    if (d.initiatorName === undefined) return fail(LOGIN_STATUS.MISSING_PARAMETER);
    const type = d.sessionType ?? 'Normal';
    if (type !== 'Normal' && type !== 'Discovery') return fail(LOGIN_STATUS.SESSION_TYPE);
    if (type === 'Normal') {
      if (d.targetName === undefined) return fail(LOGIN_STATUS.MISSING_PARAMETER);
      if (d.targetName !== this.t.targetName) return fail(LOGIN_STATUS.NOT_FOUND);
    }
    if (csg === STAGE.SECURITY && d.authMethods && !d.authMethods.includes('None')) return fail(LOGIN_STATUS.AUTH_FAILURE);
    const answers = [...n.answers];
    // RFC 7143 §13.9: the first response of a Normal session's leading login names the TPGT.
    if (!this.sentPortalTag && type === 'Normal') {
      answers.push(['TargetPortalGroupTag', String(this.t.portalGroupTag)]);
      this.sentPortalTag = true;
    }
    if (!transit) return { pdu: this.response(bhs, LOGIN_STATUS.SUCCESS, csg, 0, false, answers) };
    this.stage = nsg;
    if (nsg !== STAGE.FULL_FEATURE) return { pdu: this.response(bhs, LOGIN_STATUS.SUCCESS, csg, nsg, true, answers) };
    const result: LoginResult = {
      initiatorName: d.initiatorName, isid: hex(bhs.subarray(8, 14)), sessionType: type,
      params: this.params, cmdSn, statSn: this.statSn + 1, cid: u16(bhs, 20),
    };
    const tsih = this.t.open(result);
    const pdu = this.response(bhs, LOGIN_STATUS.SUCCESS, csg, nsg, true, answers, tsih);
    return { pdu, next: { kind: 'ffp', result, tsih } };
  }

  private response(req: Uint8Array, status: number, csg: number, nsg: number, transit: boolean,
    answers: KeyValues, tsih = 0): { bhs: Uint8Array; data: Uint8Array } {
    const b = newBhs(OP.LOGIN_RESPONSE, (transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0), u32(req, 16));
    b[2] = 0x00; // Version-max
    b[3] = 0x00; // Version-active
    b.set(req.subarray(8, 14), 8); // ISID
    set16(b, 14, tsih);
    const cmdSn = u32(req, 24);
    set32(b, 24, this.statSn);
    this.statSn = (this.statSn + 1) >>> 0;
    set32(b, 28, cmdSn);
    set32(b, 32, (cmdSn + this.t.window - 1) >>> 0);
    b[36] = status >> 8;
    b[37] = status & 0xff;
    return { bhs: b, data: status === LOGIN_STATUS.SUCCESS ? encodeKeys(answers) : new Uint8Array(0) };
  }
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}


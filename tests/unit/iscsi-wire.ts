// An iSCSI connection without a socket, for the protocol and fuzz tests: the target's
// Connection over the sim runtime's SCSI target (virtual time, deterministic), fed bytes
// by the test, its output parsed back into PDUs; and builders for the PDUs an initiator
// sends (RFC 7143 §11).
import { PduReader, OP, encodeLun, encodePduBytes, newBhs, set32, u32, type Pdu } from '../../src/iscsi/pdu.ts';
import { IscsiServer } from '../../src/iscsi/target-server.ts';
import { encodeKeys, parseKeys, type KeyValues } from '../../src/iscsi/text-keys.ts';
import { makeArray } from './scsi-fixture.ts';

export const TARGET = 'iqn.2024-06.invalid.splitstream:test-target';
export const INITIATOR = 'iqn.2024-06.invalid.splitstream:test-initiator';

export function harness(o: { blocks?: number; window?: number } = {}) {
  const a = makeArray({ blocks: o.blocks ?? 1024 });
  const bugs: unknown[] = [];
  const server = new IscsiServer({
    port: { submit: (l, c, d, n) => a.target.submit(l, c, d, n), dataOutLength: (l, c) => a.target.dataOutLength(l, c) },
    luns: () => a.target.luns(), targetName: TARGET, window: o.window,
    internalError: (e) => { bugs.push(e); },
  });
  const sent: Uint8Array[] = [];
  let closed = false;
  const conn = server.connect({ write: (chunks) => sent.push(...chunks), close: () => { closed = true; } });
  const reader = new PduReader(1 << 24);
  let cmdSn = 1;
  let itt = 1;
  /** Feeds bytes, lets virtual time run until nothing is left, returns the PDUs sent since. */
  const send = (...parts: Uint8Array[]): Pdu[] => {
    for (const p of parts) conn.receive(p);
    while (a.host.clock.runNext()) { /* virtual time passes */ }
    const out: Pdu[] = [];
    for (const chunk of sent.splice(0)) out.push(...reader.push(chunk));
    return out;
  };
  const h = {
    a, server, conn, send,
    /** Exceptions the connection met (a bug if any): the fuzz tests want none. */
    bugs,
    get closed() { return closed; },
    nextCmdSn: () => cmdSn++,
    peekCmdSn: () => cmdSn,
    nextItt: () => itt++,
    /** Security then operational stage; returns both responses' keys. */
    login(keys: KeyValues = [], o2: { discovery?: boolean } = {}) {
      const sec: KeyValues = [['InitiatorName', INITIATOR], ['SessionType', o2.discovery ? 'Discovery' : 'Normal'],
        ...(o2.discovery ? [] : [['TargetName', TARGET] as [string, string]]), ['AuthMethod', 'None']];
      const r1 = send(loginPdu(0, 1, true, sec, cmdSn));
      const r2 = send(loginPdu(1, 3, true, [['HeaderDigest', 'None'], ['DataDigest', 'None'], ...keys], cmdSn));
      return { first: r1[0]!, last: r2[0]!, keys: [...parseKeys(r1[0]!.data), ...parseKeys(r2[0]!.data)] };
    },
    /** A SCSI Command PDU (F set unless unsolicited data follows). */
    command(lun: number, cdb: Uint8Array, o3: { edtl?: number; read?: boolean; write?: boolean; data?: Uint8Array; final?: boolean; immediate?: boolean; cmdSn?: number; itt?: number } = {}) {
      const b = newBhs(OP.SCSI_COMMAND | (o3.immediate ? 0x40 : 0), ((o3.final ?? true) ? 0x80 : 0) | (o3.read ? 0x40 : 0) | (o3.write ? 0x20 : 0) | 1, o3.itt ?? itt++);
      encodeLun(b, lun);
      set32(b, 20, o3.edtl ?? 0);
      set32(b, 24, o3.cmdSn ?? (o3.immediate ? cmdSn : cmdSn++));
      b.set(cdb, 32);
      return encodePduBytes(b, o3.data);
    },
    dataOut(itt2: number, lun: number, ttt: number, dataSn: number, offset: number, data: Uint8Array, final: boolean) {
      const b = newBhs(OP.DATA_OUT, final ? 0x80 : 0, itt2);
      encodeLun(b, lun);
      set32(b, 20, ttt);
      set32(b, 36, dataSn);
      set32(b, 40, offset);
      return encodePduBytes(b, data);
    },
  };
  return h;
}

export function loginPdu(csg: number, nsg: number, transit: boolean, keys: KeyValues, cmdSn = 1, o: { cont?: boolean; isid?: Uint8Array; versionMin?: number } = {}): Uint8Array {
  const b = newBhs(OP.LOGIN_REQUEST | 0x40, (transit ? 0x80 : 0) | (o.cont ? 0x40 : 0) | (csg << 2) | (transit ? nsg : 0), 7);
  b[3] = o.versionMin ?? 0;
  b.set(o.isid ?? Uint8Array.of(0x80, 0, 0, 0x12, 0x34, 0), 8);
  set32(b, 24, cmdSn);
  return encodePduBytes(b, encodeKeys(keys));
}

/** Login response status (class << 8 | detail). */
export const loginStatus = (p: Pdu) => (p.bhs[36]! << 8) | p.bhs[37]!;
export const opOf = (p: Pdu) => p.bhs[0]! & 0x3f;
export const ittOf = (p: Pdu) => u32(p.bhs, 16);
export const statSnOf = (p: Pdu) => u32(p.bhs, 24);
export const keyOf = (kv: KeyValues, k: string) => kv.find(([key]) => key === k)?.[1];

/** Cuts bytes at the given points, as a TCP stream's reads would. */
export function cut(b: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, b.length]) { out.push(b.slice(prev, p)); prev = p; }
  return out;
}

// The full feature phase (RFC 7143 §4.2, §11; docs/iscsi.md): the CmdSN window with serial
// arithmetic, R2T and Data-Out, Data-In with DataSN and bursts, residuals, Data-Out
// sequence errors, task management (ABORT TASK of a running copy), NOP, Logout, Reject.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OP, REJECT, encodePduBytes, newBhs, set32, snAdd, snLess, u32, type Pdu } from '../../src/iscsi/pdu.ts';
import { extendedCopyCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { LUN } from '../../src/scsi/lu-layout.ts';
import { decodeSense } from '../../src/scsi/sense.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';
import { TMF, TMF_RESPONSE } from '../../src/iscsi/tmf.ts';
import { harness, ittOf, opOf, statSnOf } from './iscsi-wire.ts';

const TUR = new Uint8Array(6);
const BB = 512;
const responses = (ps: Pdu[]) => ps.filter((p) => opOf(p) === OP.SCSI_RESPONSE || (opOf(p) === OP.DATA_IN && (p.bhs[1]! & 1)));
const senseOf = (p: Pdu) => decodeSense(p.data.subarray(2));

describe('serial number arithmetic (RFC 1982)', () => {
  it('agrees with a BigInt reference across the wrap', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: -0x7fffffff, max: 0x7fffffff }), (a, d) => {
      const b = Number((BigInt(a) + BigInt(d) + (1n << 32n)) % (1n << 32n));
      expect(snLess(a, b)).toBe(d > 0);
      expect(snAdd(a, d)).toBe(b);
    }));
  });
});

describe('the command window', () => {
  it('ignores a CmdSN past MaxCmdSN or already used, holds one ahead until the gap fills', () => {
    const h = harness({ window: 8 });
    const { last } = h.login();
    const exp = u32(last.bhs, 28);
    expect(u32(last.bhs, 32)).toBe(exp + 7);
    expect(h.send(h.command(0, TUR, { cmdSn: exp + 8, itt: 900 }))).toEqual([]); // past MaxCmdSN: silently ignored
    expect(h.send(h.command(0, TUR, { cmdSn: exp - 1, itt: 901 }))).toEqual([]); // before ExpCmdSN
    const ahead = h.send(h.command(0, TUR, { cmdSn: exp + 1, itt: 501 }));
    expect(ahead).toEqual([]); // held: exp has not come yet
    const both = h.send(h.command(0, TUR, { cmdSn: exp, itt: 500 }));
    expect(both.map(ittOf)).toEqual([500, 501]);
    expect(statSnOf(both[1]!)).toBe(statSnOf(both[0]!) + 1);
    expect(u32(both[1]!.bhs, 28)).toBe(exp + 2); // ExpCmdSN moved past both
    // An immediate command runs at once and does not move the window.
    const imm = h.send(h.command(0, TUR, { immediate: true, cmdSn: exp + 2 }));
    expect(u32(imm[0]!.bhs, 28)).toBe(exp + 2);
    // The ignored ones never run, even once the window has moved past their CmdSN.
    const rest = h.send(...Array.from({ length: 7 }, (_, i) => h.command(0, TUR, { cmdSn: exp + 2 + i, itt: 600 + i })));
    expect(rest.map(ittOf)).toEqual([600, 601, 602, 603, 604, 605, 606]);
  });

  it('wraps around 2^32', () => {
    // A login whose CmdSN is just before the wrap.
    const h2 = harness({ window: 4 });
    const login = (csg: number, nsg: number, keys: [string, string][]) => {
      const p = newBhs(OP.LOGIN_REQUEST | 0x40, 0x80 | (csg << 2) | nsg, 1);
      p[8] = 0x80;
      set32(p, 24, 0xfffffffe);
      return encodePduBytes(p, new TextEncoder().encode(keys.map(([k, v]) => `${k}=${v}\0`).join('')));
    };
    h2.send(login(0, 1, [['InitiatorName', 'iqn.2024-06.invalid.splitstream:w'], ['TargetName', 'iqn.2024-06.invalid.splitstream:test-target']]));
    h2.send(login(1, 3, []));
    const out = [0xfffffffe, 0xffffffff, 0, 1].map((sn) => h2.send(h2.command(0, TUR, { cmdSn: sn }))[0]);
    expect(out.map((p) => p && u32(p.bhs, 28))).toEqual([0xffffffff, 0, 1, 2]);
  });
});

describe('data transfer', () => {
  it('WRITE: immediate data, then an R2T per burst for the rest; the data lands; READ returns it in Data-In PDUs', () => {
    const h = harness({ blocks: 4096 });
    h.login([['ImmediateData', 'Yes'], ['InitialR2T', 'Yes'], ['FirstBurstLength', '4096'], ['MaxBurstLength', '16384'], ['MaxRecvDataSegmentLength', '8192']]);
    const n = 64;
    const data = new Uint8Array(n * BB).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
    const itt = 77;
    let out = h.send(h.command(LUN.BACKUP_DISK, rwCdb('WRITE', 10, n), { write: true, edtl: data.length, data: data.subarray(0, 4096), itt }));
    let offset = 4096;
    let r2ts = 0;
    while (out.length && opOf(out[0]!) === OP.R2T) {
      const r2t = out[0]!;
      expect([u32(r2t.bhs, 36), u32(r2t.bhs, 40)]).toEqual([r2ts++, offset]); // R2TSN, buffer offset
      const len = u32(r2t.bhs, 44);
      expect(len).toBe(Math.min(16384, data.length - offset));
      const ttt = u32(r2t.bhs, 20);
      const pdus = [];
      for (let o = 0, sn = 0; o < len; o += 8192, sn++) {
        pdus.push(h.dataOut(itt, LUN.BACKUP_DISK, ttt, sn, offset + o, data.subarray(offset + o, offset + Math.min(len, o + 8192)), o + 8192 >= len));
      }
      offset += len;
      out = h.send(...pdus);
    }
    expect(r2ts).toBe(Math.ceil((data.length - 4096) / 16384));
    expect([opOf(out[0]!), out[0]!.bhs[3]]).toEqual([OP.SCSI_RESPONSE, 0]);
    expect(Buffer.compare(h.a.backupDisk.data.subarray(10 * BB, (10 + n) * BB), data)).toBe(0);
    const read = h.send(h.command(LUN.BACKUP_DISK, rwCdb('READ', 10, n), { read: true, edtl: data.length }));
    expect(read.every((p) => opOf(p) === OP.DATA_IN)).toBe(true);
    expect(read.map((p) => u32(p.bhs, 36))).toEqual(read.map((_, i) => i)); // DataSN 0, 1, …
    expect(read.every((p) => p.data.length <= 8192)).toBe(true);
    // F closes each MaxBurstLength sequence; the last carries the status (S).
    expect(read.filter((p) => p.bhs[1]! & 0x80).map((p) => u32(p.bhs, 40) + p.data.length)).toEqual([16384, 32768]);
    expect(read.at(-1)!.bhs[1]! & 0x01).toBe(1);
    expect(Buffer.compare(Buffer.concat(read.map((p) => p.data)), data)).toBe(0);
  });

  it('unsolicited Data-Out (InitialR2T=No) up to FirstBurstLength, then R2T', () => {
    const h = harness({ blocks: 4096 });
    h.login([['ImmediateData', 'No'], ['InitialR2T', 'No'], ['FirstBurstLength', '8192']]);
    const data = new Uint8Array(32 * BB).fill(0x5a);
    const cmd = h.send(h.command(LUN.BACKUP_DISK, rwCdb('WRITE', 0, 32), { write: true, edtl: data.length, final: false, itt: 9 }));
    expect(cmd).toEqual([]); // waiting for the unsolicited burst
    const r2t = h.send(h.dataOut(9, LUN.BACKUP_DISK, 0xffffffff, 0, 0, data.subarray(0, 8192), true));
    expect([opOf(r2t[0]!), u32(r2t[0]!.bhs, 40), u32(r2t[0]!.bhs, 44)]).toEqual([OP.R2T, 8192, data.length - 8192]);
    const done = h.send(h.dataOut(9, LUN.BACKUP_DISK, u32(r2t[0]!.bhs, 20), 0, 8192, data.subarray(8192), true));
    expect(done[0]!.bhs[3]).toBe(0);
    expect(h.a.backupDisk.data.subarray(0, data.length).every((x) => x === 0x5a)).toBe(true);
  });

  it('a Data-Out out of sequence (DataSN, offset, transfer tag) fails the command with ABORTED COMMAND', () => {
    for (const [what, dataSn, offset, ttt, ascq] of [['DataSN', 3, 0, 0, 0x00], ['offset', 0, 512, 0, 0x05], ['TTT', 0, 0, 1234, 0x01]] as const) {
      const h = harness();
      h.login([['ImmediateData', 'No'], ['InitialR2T', 'Yes']]);
      const r2t = h.send(h.command(LUN.BACKUP_DISK, rwCdb('WRITE', 0, 2), { write: true, edtl: 2 * BB, itt: 5 }))[0]!;
      const tag = ttt || u32(r2t.bhs, 20);
      const r = h.send(h.dataOut(5, LUN.BACKUP_DISK, tag, dataSn, offset, new Uint8Array(2 * BB - offset), true));
      expect([opOf(r[0]!), r[0]!.bhs[3]], what).toEqual([OP.SCSI_RESPONSE, 2]);
      expect(senseOf(r[0]!), what).toMatchObject({ key: 0x0b, asc: 0x4b, ascq });
      expect(h.a.backupDisk.data.every((x) => x === 0)).toBe(true); // nothing written
    }
  });

  it.each([
    // [CDB blocks, EDTL, kind, residual, blocks written]
    [1, 0, 'over', BB, 0], [1, 10000, 'under', 10000 - BB, 1], [1, 200, 'over', BB - 200, 0], [2, BB, 'over', BB, 1], [1, 2 * BB, 'under', BB, 1],
  ])('WRITE of %i block(s) with EDTL %i: residual %s %i, %i block(s) written', (blocks, edtl, kind, count, written) => {
    const h = harness();
    h.login([['ImmediateData', 'Yes'], ['InitialR2T', 'No'], ['FirstBurstLength', '65536']]);
    const data = new Uint8Array(edtl).fill(0xee);
    const r = responses(h.send(h.command(LUN.BACKUP_DISK, rwCdb('WRITE', 0, blocks), { write: true, edtl, data: edtl ? data : undefined })))[0]!;
    expect(r.bhs[3]).toBe(0);
    expect(r.bhs[1]! & 0x06).toBe(kind === 'over' ? 0x04 : 0x02);
    expect(u32(r.bhs, 44)).toBe(count);
    const disk = h.a.backupDisk.data;
    expect(disk.subarray(0, written * BB).every((x) => x === 0xee)).toBe(true);
    expect(disk.subarray(written * BB, 2 * BB).every((x) => x === 0)).toBe(true);
  });

  it.each([[1, 0, 'over', BB, 0], [1, 10000, 'under', 10000 - BB, BB], [1, 200, 'over', BB - 200, 200]])('READ of %i block with EDTL %i: residual %s %i, %i bytes sent', (blocks, edtl, kind, count, sent) => {
    const h = harness();
    h.login();
    const out = h.send(h.command(LUN.PVOL, rwCdb('READ', 0, blocks), { read: true, edtl }));
    const r = responses(out)[0]!;
    expect(r.bhs[1]! & 0x06).toBe(kind === 'over' ? 0x04 : 0x02);
    expect(u32(r.bhs, 44)).toBe(count);
    expect(out.filter((p) => opOf(p) === OP.DATA_IN).reduce((n, p) => n + p.data.length, 0)).toBe(sent);
  });
});

describe('task management, NOP, Logout, Reject', () => {
  it('ABORT TASK of a running EXTENDED COPY: function complete, and no status for the copy', () => {
    const h = harness({ blocks: 4096 });
    h.login();
    const list = encodeXcopyParams({ listId: 1, cscds: [h.a.cscd(LUN.PVOL), h.a.cscd(LUN.BACKUP_DISK)],
      segments: [{ type: 0x02, src: 0, dst: 1, blocks: 4096, srcLba: 0n, dstLba: 0n }] });
    const cmdSn = h.peekCmdSn();
    // The copy starts; its data moves as virtual time passes, which only the test lets happen.
    h.conn.receive(h.command(LUN.BACKUP_DISK, extendedCopyCdb(list.length), { write: true, edtl: list.length, data: list, itt: 40 }));
    h.a.host.clock.advance(1); // a few chunks
    const tmf = newBhs(OP.TASK_MGMT_REQUEST | 0x40, 0x80 | TMF.ABORT_TASK, 41);
    tmf.set(h.command(LUN.BACKUP_DISK, TUR).subarray(8, 16), 8);
    set32(tmf, 20, 40);
    set32(tmf, 24, h.peekCmdSn());
    set32(tmf, 32, cmdSn);
    const out = h.send(encodePduBytes(tmf));
    expect(out.map((p) => [opOf(p), ittOf(p)])).toEqual([[OP.TASK_MGMT_RESPONSE, 41]]);
    expect(out[0]!.bhs[2]).toBe(TMF_RESPONSE.FUNCTION_COMPLETE);
    const image = h.a.image();
    const moved = h.a.backupDisk.data.findIndex((x, i) => x !== image[i]);
    expect(moved).toBeGreaterThan(0); // stopped part way: the rest was never copied
    expect(moved).toBeLessThan(image.length);
    // The task is gone: aborting it again finds nothing.
    set32(tmf, 16, 42);
    const again = h.send(encodePduBytes(tmf));
    expect(again[0]!.bhs[2]).toBe(TMF_RESPONSE.TASK_DOES_NOT_EXIST);
  });

  it('NOP-Out is echoed; Logout answers then closes; unknown opcodes and SNACK are rejected', () => {
    const h = harness();
    h.login();
    const nop = newBhs(OP.NOP_OUT | 0x40, 0x80, 60);
    set32(nop, 20, 0xffffffff);
    set32(nop, 24, h.peekCmdSn());
    const ping = h.send(encodePduBytes(nop, Uint8Array.of(1, 2, 3, 4, 5)));
    expect([opOf(ping[0]!), ittOf(ping[0]!), Array.from(ping[0]!.data)]).toEqual([OP.NOP_IN, 60, [1, 2, 3, 4, 5]]);
    for (const [op, reason] of [[0x1c, REJECT.COMMAND_NOT_SUPPORTED], [OP.SNACK_REQUEST, REJECT.PROTOCOL_ERROR], [OP.LOGIN_REQUEST, REJECT.PROTOCOL_ERROR]]) {
      const bad = newBhs(op, 0x80, 61);
      const r = h.send(encodePduBytes(bad));
      expect([opOf(r[0]!), r[0]!.bhs[2], r[0]!.data[0]! & 0x3f]).toEqual([OP.REJECT, reason, op]);
    }
    const lo = newBhs(OP.LOGOUT_REQUEST | 0x40, 0x80, 62);
    set32(lo, 24, h.peekCmdSn());
    const bye = h.send(encodePduBytes(lo));
    expect([opOf(bye[0]!), bye[0]!.bhs[2]]).toEqual([OP.LOGOUT_RESPONSE, 0]);
    expect(h.closed).toBe(true);
    expect(h.server.sessionCount).toBe(0);
  });
});

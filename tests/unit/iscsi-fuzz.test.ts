// Any byte string on an iSCSI connection gets a Reject or a closed connection, never an
// exception (docs/iscsi.md#errors): random bytes before and after login, random PDUs of
// every opcode, a valid session's bytes mutated, truncated or oversized PDUs; and a valid
// stream cut into random reads is answered exactly as the whole stream is.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BHS_LENGTH, OP, encodePduBytes, type Pdu } from '../../src/iscsi/pdu.ts';
import { rwCdb, inquiryCdb } from '../../src/scsi/cdb.ts';
import { LUN } from '../../src/scsi/lu-layout.ts';
import { cut, harness, loginPdu, INITIATOR, TARGET } from './iscsi-wire.ts';

const TARGET_OPCODES = new Set<number>([OP.NOP_IN, OP.SCSI_RESPONSE, OP.TASK_MGMT_RESPONSE, OP.LOGIN_RESPONSE,
  OP.TEXT_RESPONSE, OP.DATA_IN, OP.LOGOUT_RESPONSE, OP.R2T, OP.ASYNC_MESSAGE, OP.REJECT]);

/** What the target may answer: its own opcodes only; a Reject carries the rejected header. */
function wellFormed(out: Pdu[]): void {
  for (const p of out) {
    expect(TARGET_OPCODES.has(p.bhs[0]! & 0x3f)).toBe(true);
    if ((p.bhs[0]! & 0x3f) === OP.REJECT) expect(p.data.length).toBe(BHS_LENGTH);
  }
}


const arbBhs = fc.record({
  op: fc.oneof(fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10), fc.nat({ max: 0x3f })),
  imm: fc.boolean(),
  rest: fc.uint8Array({ minLength: BHS_LENGTH - 1, maxLength: BHS_LENGTH - 1 }),
  data: fc.uint8Array({ maxLength: 600 }),
}).map(({ op, imm, rest, data }) => {
  const b = new Uint8Array(BHS_LENGTH);
  b[0] = op | (imm ? 0x40 : 0);
  b.set(rest, 1);
  b[4] = 0; // no AHS: TotalAHSLength is fuzzed below with raw bytes
  return encodePduBytes(b, data);
});

describe('fuzz: the connection never throws', () => {
  it('random bytes before login: a login reject or a close, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, points) => {
      const h = harness({ blocks: 256 });
      const out = h.send(...cut(bytes, points));
      wellFormed(out);
      expect(h.bugs).toEqual([]);
      expect(out.every((p) => (p.bhs[0]! & 0x3f) === OP.LOGIN_RESPONSE)).toBe(true);
    }), { numRuns: 150 });
  });

  it('random PDUs of every opcode after login: answered or rejected, or the connection closes', () => {
    fc.assert(fc.property(fc.array(arbBhs, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pdus, points) => {
      const h = harness({ blocks: 256 });
      h.login();
      const stream = Uint8Array.from(pdus.flatMap((p) => Array.from(p)));
      const out = h.send(...cut(stream, points));
      wellFormed(out);
      expect(h.bugs).toEqual([]);
    }), { numRuns: 200 });
  });

  it('a valid session with bytes flipped, cut short, or a length past MaxRecvDataSegmentLength', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }), fc.nat(), fc.boolean(), (flips, end, oversize) => {
      const h = harness({ blocks: 256 });
      const session = validSession(h);
      for (const [at, v] of flips) session[at % session.length] = v;
      if (oversize) session.set([0x01, 0x80, 0, 0, 0, 0x7f, 0xff, 0xff], 3 * BHS_LENGTH); // a huge DataSegmentLength
      const out = h.send(session.subarray(0, end % (session.length + 1)));
      wellFormed(out);
      expect(h.bugs).toEqual([]);
    }), { numRuns: 200 });
  });

  it('a valid stream cut into random reads is answered exactly as the whole stream', () => {
    const whole = harness({ blocks: 256 });
    const stream = validSession(whole);
    const expected = whole.send(stream).map((p) => Buffer.from(encodePduBytes(p.bhs.slice(), p.data)).toString('hex'));
    expect(expected.length).toBeGreaterThan(4);
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 30 }), (points) => {
      const h = harness({ blocks: 256 });
      validSession(h); // the same command numbers
      const got = h.send(...cut(stream, points)).map((p) => Buffer.from(encodePduBytes(p.bhs.slice(), p.data)).toString('hex'));
      expect(got).toEqual(expected);
    }), { numRuns: 100 });
  });
});

/** The bytes of a login and a few commands (immediate data only, so no R2T round trip). */
function validSession(h: ReturnType<typeof harness>): Uint8Array {
  const parts = [
    loginPdu(0, 1, true, [['InitiatorName', INITIATOR], ['TargetName', TARGET], ['AuthMethod', 'None']]),
    loginPdu(1, 3, true, [['HeaderDigest', 'None'], ['ImmediateData', 'Yes'], ['FirstBurstLength', '65536']]),
    h.command(LUN.PVOL, inquiryCdb(false, 0, 96), { read: true, edtl: 96 }),
    h.command(LUN.BACKUP_DISK, rwCdb('WRITE', 3, 2), { write: true, edtl: 1024, data: new Uint8Array(1024).fill(7) }),
    h.command(LUN.BACKUP_DISK, rwCdb('READ', 3, 2), { read: true, edtl: 1024 }),
    h.command(LUN.PVOL, new Uint8Array(6)),
  ];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

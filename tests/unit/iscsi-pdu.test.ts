// The PDU codec and the text key format (RFC 7143 §11.2, §6.1): round trips on random
// input, framing across any split of the byte stream, and the refusals.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BHS_LENGTH, PduFormatError, PduReader, decodeLun, encodeLun, encodePdu, encodePduBytes, pad4,
} from '../../src/iscsi/pdu.ts';
import { KeyError, encodeKeys, parseKeys, parseNumber } from '../../src/iscsi/text-keys.ts';
import { cut } from './iscsi-wire.ts';

const arbPdu = fc.record({
  bhs: fc.uint8Array({ minLength: BHS_LENGTH, maxLength: BHS_LENGTH }),
  data: fc.uint8Array({ maxLength: 300 }),
});


describe('PDU framing', () => {
  it('header and data come back whole, padding dropped, however the stream is cut', () => {
    fc.assert(fc.property(fc.array(arbPdu, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (pdus, points) => {
      const stream = Buffer.concat(pdus.map((p) => { const b = p.bhs.slice(); b[4] = 0; return encodePduBytes(b, p.data); }));
      expect(stream.length % 4).toBe(0);
      const r = new PduReader(1 << 20);
      const got = cut(stream, points).flatMap((c) => r.push(c));
      expect(r.pending).toBe(0);
      expect(got.map((g) => [Array.from(g.bhs.subarray(8)), Array.from(g.data)]))
        .toEqual(pdus.map((p) => [Array.from(p.bhs.subarray(8)), Array.from(p.data)]));
    }));
  });

  it('additional header segments are framed by TotalAHSLength', () => {
    const bhs = new Uint8Array(BHS_LENGTH);
    bhs[4] = 2; // 8 bytes of AHS
    bhs[7] = 3; // 3 bytes of data, 1 of padding
    const stream = Uint8Array.from([...bhs, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0]);
    const [p] = new PduReader(1024).push(stream);
    expect([Array.from(p!.ahs), Array.from(p!.data)]).toEqual([[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11]]);
  });

  it('a data segment longer than this side receives is a format error; a short one waits', () => {
    const r = new PduReader(512);
    const bhs = new Uint8Array(BHS_LENGTH);
    bhs[6] = 0x02; bhs[7] = 0x01; // 513 bytes
    expect(() => r.push(bhs)).toThrow(PduFormatError);
    const r2 = new PduReader(512);
    bhs[6] = 0x02; bhs[7] = 0x00;
    expect(r2.push(bhs)).toEqual([]); // truncated: nothing yet, no error
    expect(r2.pending).toBe(BHS_LENGTH);
  });

  it('encodePdu pads to 4 bytes and never copies the data', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
      const parts = encodePdu(new Uint8Array(BHS_LENGTH), data);
      if (data.length) expect(parts[1]).toBe(data);
      expect(parts.reduce((n, p) => n + p.length, 0)).toBe(BHS_LENGTH + data.length + pad4(data.length));
    }));
  });

  it('LUN fields: peripheral addressing below 256, flat space to 16383; anything else is no LU', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x3fff }), (lun) => {
      const b = new Uint8Array(BHS_LENGTH);
      encodeLun(b, lun);
      expect(decodeLun(b)).toBe(lun);
    }));
    const b = new Uint8Array(BHS_LENGTH);
    b[8] = 0x80; // logical unit addressing
    expect(decodeLun(b)).toBe(-1);
  });
});

describe('text keys', () => {
  const arbKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.\-+@_]{0,30}$/);
  const arbValue = fc.stringMatching(/^[ -~]{0,60}$/).filter((v) => !v.includes('\0'));
  it('round-trip key=value lists', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(arbKey, arbValue), { selector: ([k]) => k, maxLength: 12 }), (kv) => {
      expect(parseKeys(encodeKeys(kv))).toEqual(kv);
    }));
  });
  it('refuse a pair without "=" and a key given twice', () => {
    expect(() => parseKeys(new TextEncoder().encode('NoEquals\0'))).toThrow(KeyError);
    expect(() => parseKeys(encodeKeys([['A', '1'], ['A', '2']]))).toThrow(KeyError);
  });
  it('numbers: decimal or 0x hex, nothing else', () => {
    expect([parseNumber('65536'), parseNumber('0x10000'), parseNumber('1e3'), parseNumber(''), parseNumber('-1')]).toEqual([65536, 65536, NaN, NaN, NaN]);
  });
});

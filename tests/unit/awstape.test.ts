// The AWSTAPE image of the tape 303 (src/devices/awstape.ts;
// docs/architecture.md#the-tape): exact bytes written by hand from the format, writer →
// strict reader round trips, and the reader's rejection of every defect it promises to
// find.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AwsTapeError, AwsTapeWriter, readAwsTape, scanAwsTape,
} from '../../src/devices/awstape.ts';

/** Deterministic filler, so big blocks do not cost fast-check shrinking time. */
function filled(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

type Op = { tm: true } | { tm: false; size: number; seed: number };
const blockSize = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom(65534, 65535, 65536, 65537, 131070, 131071, 200_000) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Op>({ tm: true }) },
  { weight: 3, arbitrary: fc.record({ tm: fc.constant(false as const), size: blockSize, seed: fc.nat() }) },
);
const opsArb = fc.array(opArb, { maxLength: 12 });

function write(ops: Op[], w = new AwsTapeWriter()): AwsTapeWriter {
  for (const o of ops) {
    if (o.tm) w.writeTapemark();
    else w.writeBlock(filled(o.size, o.seed));
  }
  return w;
}

/** The reader's contract, modelled independently: files split at tapemarks. */
function model(ops: Op[]): { files: Uint8Array[][]; tapemarks: number } {
  const files: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  for (const o of ops) {
    if (o.tm) { files.push(cur); cur = []; } else cur.push(filled(o.size, o.seed));
  }
  if (cur.length) files.push(cur);
  return { files, tapemarks: ops.filter((o) => o.tm).length };
}

type Parse = { files: Uint8Array[][]; tapemarks: number };
/** Byte equality of two parses (vitest's deep toEqual is too slow on 200 kB blocks). */
function sameParse(a: Parse, b: Parse): boolean {
  return a.tapemarks === b.tapemarks && a.files.length === b.files.length &&
    a.files.every((f, i) => f.length === b.files[i].length &&
      f.every((blk, j) => Buffer.from(blk.buffer, blk.byteOffset, blk.byteLength)
        .equals(b.files[i][j])));
}
const expectSameParse = (a: Parse, b: Parse) => {
  const shape = (p: Parse) => ({ tapemarks: p.tapemarks, sizes: p.files.map((f) => f.map((x) => x.length)) });
  expect(shape(a)).toEqual(shape(b));
  expect(sameParse(a, b)).toBe(true);
};

/** Image size by the format: 6 bytes per segment of ≤ 65535 bytes, 6 per tapemark. */
const imageBytes = (ops: Op[]) =>
  ops.reduce((n, o) => n + (o.tm ? 6 : o.size + 6 * Math.ceil(o.size / 65535)), 0);

function rejects(bytes: Uint8Array, reason: RegExp, offset?: number): void {
  let err: unknown;
  try { readAwsTape(bytes); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(AwsTapeError);
  expect((err as AwsTapeError).reason).toMatch(reason);
  if (offset !== undefined) expect((err as AwsTapeError).offset).toBe(offset);
}

describe('AwsTapeWriter: exact bytes', () => {
  it('one small block, a tapemark, another block', () => {
    const w = new AwsTapeWriter();
    w.writeBlock(Uint8Array.of(1, 2, 3));
    w.writeTapemark();
    w.writeBlock(Uint8Array.of(9));
    expect([...w.bytes()]).toEqual([
      3, 0, 0, 0, 0xa0, 0, 1, 2, 3, // length 3, previous 0, new+end record
      0, 0, 3, 0, 0x40, 0, // tapemark: length 0, previous 3
      1, 0, 0, 0, 0xa0, 0, 9, // after a tapemark the previous length is 0
    ]);
    expect([w.bytesWritten, w.blocksWritten, w.dataBytes, w.tapemarksWritten]).toEqual([22, 2, 4, 1]);
  });

  it('a 65536-byte block becomes a 65535 segment (80h) and a 1-byte segment (20h)', () => {
    const w = new AwsTapeWriter();
    const data = filled(65536, 1);
    w.writeBlock(data);
    const img = w.bytes();
    expect(img.length).toBe(6 + 65535 + 6 + 1);
    expect([...img.subarray(0, 6)]).toEqual([0xff, 0xff, 0, 0, 0x80, 0]);
    expect([...img.subarray(65541, 65547)]).toEqual([1, 0, 0xff, 0xff, 0x20, 0]);
    expect(img[65547]).toBe(data[65535]);
  });

  it('a 65535-byte block is a single A0h segment; three segments have a 00h middle', () => {
    const one = new AwsTapeWriter();
    one.writeBlock(filled(65535, 2));
    expect([...one.bytes().subarray(0, 6)]).toEqual([0xff, 0xff, 0, 0, 0xa0, 0]);
    const three = new AwsTapeWriter();
    three.writeBlock(filled(65535 * 2 + 5, 3));
    const img = three.bytes();
    expect(img[4]).toBe(0x80);
    expect([...img.subarray(65541, 65547)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x00, 0]);
    expect([...img.subarray(2 * 65541, 2 * 65541 + 6)]).toEqual([5, 0, 0xff, 0xff, 0x20, 0]);
  });

  it('refuses a 0-byte block (Hercules would read it as a tapemark)', () => {
    expect(() => new AwsTapeWriter().writeBlock(new Uint8Array(0))).toThrow(RangeError);
  });

  it('a sink receives header and data per segment that concatenate to the image; bytes() is then refused', () => {
    const chunks: Uint8Array[] = [];
    // The views are valid only during the call: the sink copies what it keeps.
    const w = new AwsTapeWriter({ sink: (h, d) => chunks.push(Uint8Array.from([...h, ...d])) });
    const src = Uint8Array.of(5, 6);
    w.writeBlock(src);
    src[0] = 0; // what the sink copied during the call stays
    w.writeTapemark();
    expect(chunks.map((c) => [...c])).toEqual([[2, 0, 0, 0, 0xa0, 0, 5, 6], [0, 0, 2, 0, 0x40, 0]]);
    expect(() => w.bytes()).toThrow(/sink/);
  });
});

describe('writer → strict reader (properties)', () => {
  it('round-trips any sequence of blocks (1 B to 200 kB) and tapemarks', () => {
    fc.assert(fc.property(opsArb, (ops) => {
      const w = write(ops);
      const img = w.bytes();
      expect(img.length).toBe(imageBytes(ops));
      expect(w.bytesWritten).toBe(img.length);
      expect(w.blocksWritten).toBe(ops.filter((o) => !o.tm).length);
      expect(w.dataBytes).toBe(ops.reduce((n, o) => n + (o.tm ? 0 : o.size), 0));
      expectSameParse(readAwsTape(img), model(ops));
    }), { numRuns: 150 });
  });

  it('the sink sees the same bytes as the buffered writer', () => {
    fc.assert(fc.property(opsArb, (ops) => {
      const chunks: Uint8Array[] = [];
      write(ops, new AwsTapeWriter({ sink: (h, d) => chunks.push(Buffer.concat([h, d])) }));
      expect(Buffer.concat(chunks).equals(write(ops).bytes())).toBe(true);
    }), { numRuns: 60 });
  });

  it('truncation at any offset is detected, except at an entry boundary (a shorter tape)', () => {
    const small = fc.array(fc.oneof(
      fc.constant<Op>({ tm: true }),
      fc.record({ tm: fc.constant(false as const), size: fc.integer({ min: 1, max: 40 }), seed: fc.nat() }),
    ), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(small, (ops) => {
      const img = write(ops).bytes();
      // Entry boundaries, computed from the format, not from the reader.
      const cut = new Map<number, Op[]>([[0, []]]);
      let at = 0;
      ops.forEach((o, i) => { at += o.tm ? 6 : 6 + o.size; cut.set(at, ops.slice(0, i + 1)); });
      for (let k = 0; k < img.length; k++) {
        const prefix = cut.get(k);
        if (prefix) expect(readAwsTape(img.subarray(0, k))).toEqual(model(prefix));
        else expect(() => readAwsTape(img.subarray(0, k))).toThrow(AwsTapeError);
      }
    }), { numRuns: 100 });
  });

  it('every single-byte change in any header is detected or changes the parse', () => {
    const small = fc.array(fc.oneof(
      fc.constant<Op>({ tm: true }),
      fc.record({ tm: fc.constant(false as const), size: fc.constantFrom(1, 7, 65535, 65536, 70000), seed: fc.nat() }),
    ), { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(small, fc.integer({ min: 1, max: 255 }), (ops, xor) => {
      const img = write(ops).bytes();
      const want = model(ops);
      const headers = [...scanHeaders(img)];
      for (const h of headers) {
        for (let j = 0; j < 6; j++) {
          const bad = img.slice();
          bad[h + j] ^= xor;
          let parsed: Parse | undefined;
          try { parsed = readAwsTape(bad); } catch (e) { expect(e).toBeInstanceOf(AwsTapeError); }
          if (parsed) expect(sameParse(parsed, want)).toBe(false);
        }
      }
    }), { numRuns: 40 });
  });
});

/** Header offsets by walking lengths (format knowledge, independent of the reader). */
function* scanHeaders(img: Uint8Array): Generator<number> {
  for (let p = 0; p < img.length; p += 6 + (img[p] | (img[p + 1] << 8))) yield p;
}

describe('strict reader rejects', () => {
  const hdr = (cur: number, prev: number, f1: number, f2 = 0) =>
    [cur & 0xff, cur >> 8, prev & 0xff, prev >> 8, f1, f2];
  const img = (...parts: number[][]) => Uint8Array.from(parts.flat());

  it('accepts an empty image and a lone tapemark', () => {
    expect(readAwsTape(new Uint8Array(0))).toEqual({ files: [], tapemarks: 0 });
    expect(readAwsTape(img(hdr(0, 0, 0x40)))).toEqual({ files: [[]], tapemarks: 1 });
  });
  it('a truncated header or truncated data', () => {
    rejects(img(hdr(1, 0, 0xa0), [7], [0, 0, 1]), /truncated header/, 7);
    rejects(img(hdr(4, 0, 0xa0), [1, 2]), /truncated data/, 0);
  });
  it('a previous length that does not match', () => {
    rejects(img(hdr(2, 0, 0xa0), [1, 2], hdr(1, 3, 0xa0), [1]), /previous length 3/, 8);
    rejects(img(hdr(1, 1, 0xa0), [1]), /previous length 1/, 0);
    rejects(img(hdr(1, 0, 0xa0), [1], hdr(0, 1, 0x40), hdr(1, 1, 0xa0), [1]), /previous length/, 13);
  });
  it('bad flags1, non-zero flags2, a tapemark with data', () => {
    rejects(img(hdr(1, 0, 0xa1), [1]), /flags1 is A1h/);
    rejects(img(hdr(1, 0, 0xe0), [1]), /flags1 is E0h/);
    rejects(img(hdr(1, 0, 0xa0, 0x01), [1]), /flags2 is 01h/);
    rejects(img(hdr(1, 0, 0x40), [1]), /tapemark with length 1/);
  });
  it('a 0-length data block', () => {
    rejects(img(hdr(0, 0, 0xa0)), /0-length data segment/, 0);
  });
  it('segment chains that do not start with 80h or do not end with 20h', () => {
    rejects(img(hdr(1, 0, 0x20), [1]), /without a new-record/);
    rejects(img(hdr(1, 0, 0x00), [1]), /without a new-record/);
    rejects(img(hdr(1, 0, 0x80), [1], hdr(1, 1, 0xa0), [2]), /before the previous block ended/, 7);
    rejects(img(hdr(1, 0, 0x80), [1], hdr(0, 1, 0x40)), /tapemark inside a segmented block/, 7);
    rejects(img(hdr(1, 0, 0x80), [1], hdr(1, 1, 0x00), [2]), /ends inside a segmented block/, 0);
  });
  it('trailing garbage after the last entry', () => {
    const good = new AwsTapeWriter();
    good.writeBlock(Uint8Array.of(1));
    good.writeTapemark();
    rejects(Uint8Array.from([...good.bytes(), 0xde, 0xad]), /truncated header/, 13);
    rejects(Uint8Array.from([...good.bytes(), ...new Uint8Array(6).fill(0xff)]), /previous length/, 13);
  });
  it('accepts a hand-made chain of small segments (any split is valid AWSTAPE)', () => {
    const parsed = readAwsTape(img(hdr(2, 0, 0x80), [1, 2], hdr(1, 2, 0x00), [3], hdr(2, 1, 0x20), [4, 5]));
    expect(parsed.files).toEqual([[Uint8Array.of(1, 2, 3, 4, 5)]]);
    const entries = [...scanAwsTape(img(hdr(2, 0, 0x80), [1, 2], hdr(1, 2, 0x20), [3]))];
    expect(entries).toMatchObject([{ kind: 'block', offset: 0, length: 3, segments: 2 }]);
  });
});

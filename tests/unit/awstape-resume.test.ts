/**
 * A writer carries an AWSTAPE image on from where it ends on its medium
 * (src/devices/awstape-resume.ts, AwsTapeWriter.resume): what a restarted 503 does with its
 * tape file in the live runtime (docs/live.md "A processor's worker terminated").
 */
import { describe, expect, it } from 'vitest';
import { AwsTapeWriter } from '../../src/devices/awstape.ts';
import { scanTapeEnd } from '../../src/devices/awstape-resume.ts';

const block = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** A tape on a medium (a byte array laid out with zeros), as live-ctx.ts opfsTape writes it. */
function medium(layout: number) {
  let bytes = new Uint8Array(layout);
  let at = 0;
  const grow = (n: number) => { if (n > bytes.length) { const b = new Uint8Array(n); b.set(bytes); bytes = b; } };
  const writer = () => new AwsTapeWriter({
    sink: (h, d) => { grow(at + h.length + d.length); bytes.set(h, at); bytes.set(d, at + h.length); at += h.length + d.length; },
  });
  return {
    writer, get bytes() { return bytes; }, set at(v: number) { at = v; },
    read: (o: number, into: Uint8Array) => into.set(bytes.subarray(o, o + into.length)),
  };
}

/** Writes `ops` (a block's size, or 0 for a tapemark) to `w`. */
function play(w: AwsTapeWriter, ops: number[], from = 0) {
  ops.forEach((n, i) => (n === 0 ? w.writeTapemark() : w.writeBlock(block(n, from + i + 1))));
}

describe('a tape carried on from its end', () => {
  const before = [512, 4096, 0, 100, 7000];
  const after = [300, 0, 4096, 0];

  for (const layout of [0, 64 * 1024]) {
    it(`ends after the last whole block and goes on as one writer would have (laid out: ${layout} bytes)`, () => {
      const one = new AwsTapeWriter();
      play(one, [...before, ...after]);
      const m = medium(layout);
      const first = m.writer();
      play(first, before);
      const end = scanTapeEnd(m.read, m.bytes.length);
      expect(end).toEqual({
        bytes: first.bytesWritten, blocks: first.blocksWritten, data: first.dataBytes, tapemarks: first.tapemarksWritten,
        prevLength: 7000, mark: { bytes: 6 + 512 + 6 + 4096 + 6, blocks: 2, data: 4608 },
      });
      const second = m.writer();
      second.resume(end);
      m.at = end.bytes;
      expect(second.partialBlocks).toBe(2);
      play(second, after, before.length);
      expect(second.blocksWritten).toBe(one.blocksWritten);
      expect(second.tapemarksWritten).toBe(one.tapemarksWritten);
      expect(m.bytes.subarray(0, second.bytesWritten)).toEqual(one.bytes());
    });
  }

  it('leaves out a block whose segments stop short, and an empty tape is empty', () => {
    const m = medium(0);
    const w = m.writer();
    play(w, [100, 0, 200]);
    const whole = w.bytesWritten;
    w.writeBlock(block(70_000, 9)); // two segments
    expect(scanTapeEnd(m.read, m.bytes.length).bytes).toBe(w.bytesWritten);
    // The second segment lost: the image ends before the block.
    expect(scanTapeEnd(m.read, whole + 6 + 65535).bytes).toBe(whole);
    expect(scanTapeEnd(m.read, whole + 6 + 65535).blocks).toBe(2);
    expect(scanTapeEnd(() => undefined, 0)).toMatchObject({ bytes: 0, blocks: 0, tapemarks: 0 });
    const zeros = new Uint8Array(4096);
    expect(scanTapeEnd((o, into) => into.set(zeros.subarray(o, o + into.length)), zeros.length).bytes).toBe(0);
  });

  it('refuses to resume a writer that has written or has no sink', () => {
    const end = { bytes: 6, blocks: 0, data: 0, tapemarks: 1, prevLength: 0, mark: { bytes: 6, blocks: 0, data: 0 } };
    expect(() => new AwsTapeWriter().resume(end)).toThrow(/only a fresh writer with a sink/);
    const w = medium(0).writer();
    w.writeTapemark();
    expect(() => w.resume(end)).toThrow(/only a fresh writer with a sink/);
  });
});

/**
 * The live tape 303 (live-ctx.ts opfsTape) over an in-memory handle: the blocks 503 streams
 * in one step are gathered and written by commit() in one call, and whatever the block
 * sizes, commit points, tapemarks and repositionings over a partial file (a failed backup's,
 * channel-503.ts overwritePartialFile), the file holds byte for byte the image the plain
 * AwsTapeWriter makes, cut to its end over the laid-out zeros at each tapemark (at the close
 * in a live run, whose tapemarks leave the zeros for the next file to overwrite). With an
 * injector (the scenario's faults, live-faults.ts) a failing block reaches neither.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AwsTapeWriter, readAwsTape } from '../../src/devices/awstape.ts';
import { DeviceError } from '../../src/devices/block-device.ts';
import type { Injector } from '../../src/devices/faults.ts';
import { scanTapeEnd } from '../../src/devices/awstape-resume.ts';
import { opfsTape } from '../../src/runtime/live/live-ctx.ts';
import { MemHandle } from './mem-handle.ts';

const open = (layout = 0, inject?: Injector) => {
  const h = new MemHandle();
  return { h, tape: opfsTape(h as unknown as FileSystemSyncAccessHandle, layout, undefined, { inject }) };
};
const block = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('the live tape (opfsTape)', () => {
  it('writes the blocks of one step in one call at commit', () => {
    const { h, tape } = open(1 << 20);
    const before = h.writes;
    for (let i = 0; i < 8; i++) tape.writer.writeBlock(block(32 * 1024, i + 1));
    expect(h.writes - before).toBe(0);
    tape.writer.commit();
    expect(h.writes - before).toBe(1);
    tape.writer.commit(); // nothing gathered: no call
    expect(h.writes - before).toBe(1);
    tape.writer.writeTapemark();
    expect(h.bytes.length).toBe(tape.writer.bytesWritten);
    const files = readAwsTape(h.bytes).files;
    expect(files[0].map((b) => b[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('is the plain writer\'s image whatever the blocks, commits and tapemarks', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('block' as const), n: fc.integer({ min: 1, max: 140_000 }), v: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constantFrom('commit' as const, 'mark' as const, 'discard' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 24 }), fc.integer({ min: 0, max: 1 << 20 }), (ops, layout) => {
      const { h, tape } = open(layout);
      const ref = new AwsTapeWriter();
      for (const o of ops) {
        if (o.kind === 'block') { tape.writer.writeBlock(block(o.n, o.v)); ref.writeBlock(block(o.n, o.v)); }
        else if (o.kind === 'commit') tape.writer.commit();
        else if (o.kind === 'discard') { tape.writer.discardPartial(); ref.discardPartial(); }
        else { tape.writer.writeTapemark(); ref.writeTapemark(); }
      }
      tape.flush();
      const want = ref.bytes();
      expect(h.bytes.length).toBe(want.length);
      expect(Buffer.compare(h.bytes, want)).toBe(0);
    }), { numRuns: 60 });
  });

  it('repositions over a partial file: the next file overwrites it, and the tapemark cuts the rest', () => {
    const { h, tape } = open(1 << 20);
    expect(tape.writer.canDiscard).toBe(true);
    tape.writer.writeBlock(block(100, 1));
    tape.writer.writeTapemark();
    for (let i = 0; i < 5; i++) tape.writer.writeBlock(block(4096, 2));
    tape.writer.commit(); // the failed file reached the file
    tape.writer.writeBlock(block(4096, 3)); // and one more was only gathered
    tape.writer.discardPartial();
    tape.writer.writeBlock(block(200, 4));
    tape.writer.writeTapemark();
    const files = readAwsTape(h.bytes).files;
    expect(files.map((f) => f.map((b) => [b.length, b[0]]))).toEqual([[[100, 1]], [[200, 4]]]);
    expect(h.bytes.length).toBe(tape.writer.bytesWritten);
  });

  it('in a live run a tapemark writes and asks for the flush but leaves the laid-out zeros: the next file never grows the file, the close cuts it', () => {
    const h = new MemHandle();
    let asked = 0;
    const layout = 1 << 20;
    const tape = opfsTape(h as unknown as FileSystemSyncAccessHandle, layout, () => { asked++; });
    const ref = new AwsTapeWriter();
    const growsBefore = h.grows;
    for (const v of [1, 2]) {
      for (let i = 0; i < 4; i++) { tape.writer.writeBlock(block(32 * 1024, v)); ref.writeBlock(block(32 * 1024, v)); }
      tape.writer.writeTapemark();
      ref.writeTapemark();
      expect(asked).toBe(v);
      // Written up to the tapemark, the zeros after it: what a recovery finds its end in.
      const want = ref.bytes();
      expect(h.bytes.length).toBe(layout);
      expect(Buffer.compare(h.bytes.subarray(0, want.length), want)).toBe(0);
      expect(scanTapeEnd((at, into) => { h.read(into, { at }); }, h.getSize())).toMatchObject({ bytes: want.length, tapemarks: v });
    }
    expect(h.grows).toBe(growsBefore);
    tape.flush();
    expect(Buffer.compare(h.bytes, ref.bytes())).toBe(0);
  });

  it('asks the injector before every block and tapemark; a failing one reaches neither the file nor the counts', () => {
    const asked: string[] = [];
    const inject: Injector = (io) => {
      asked.push(`${io.op} ${io.lba} ${io.tapeBytes!.from}-${io.tapeBytes!.to}`);
      return io.op === 'write' && io.lba === 1 ? new DeviceError('tape-303', 'write', io.lba, 'write error') : null;
    };
    const { h, tape } = open(0, inject);
    tape.writer.writeBlock(block(10, 1));
    expect(() => tape.writer.writeBlock(block(10, 2))).toThrow('tape-303: write at LBA 1: write error');
    expect(tape.writer.blocksWritten).toBe(1);
    tape.writer.writeTapemark();
    expect(asked).toEqual(['write 0 0-16', 'write 1 16-32', 'tapemark 1 16-22']);
    expect(readAwsTape(h.bytes).files).toEqual([[block(10, 1)]]);
  });
});

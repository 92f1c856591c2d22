/**
 * The live tape 303 (live-ctx.ts opfsTape) over an in-memory handle: the blocks 503 streams
 * in one step are gathered and written by commit() in one call, and whatever the block
 * sizes, commit points and tapemarks, the file holds byte for byte the image the plain
 * AwsTapeWriter makes, cut to its end at each tapemark over the laid-out zeros.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AwsTapeWriter, readAwsTape } from '../../src/devices/awstape.ts';
import { opfsTape } from '../../src/runtime/live/live-ctx.ts';
import { MemHandle } from './mem-handle.ts';

const open = (layout = 0) => {
  const h = new MemHandle();
  return { h, tape: opfsTape(h as unknown as FileSystemSyncAccessHandle, layout) };
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
      fc.record({ kind: fc.constantFrom('commit' as const, 'mark' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 24 }), fc.integer({ min: 0, max: 1 << 20 }), (ops, layout) => {
      const { h, tape } = open(layout);
      const ref = new AwsTapeWriter();
      for (const o of ops) {
        if (o.kind === 'block') { tape.writer.writeBlock(block(o.n, o.v)); ref.writeBlock(block(o.n, o.v)); }
        else if (o.kind === 'commit') tape.writer.commit();
        else { tape.writer.writeTapemark(); ref.writeTapemark(); }
      }
      tape.flush();
      const want = ref.bytes();
      expect(h.bytes.length).toBe(want.length);
      expect(Buffer.compare(h.bytes, want)).toBe(0);
    }), { numRuns: 60 });
  });
});

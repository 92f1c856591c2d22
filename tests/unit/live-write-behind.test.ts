/**
 * 508's write-behind queue (src/runtime/live/write-behind.ts) against a model: whatever was
 * written and whatever the disk writer has caught up with, a read through the queue returns
 * each block's newest data, and once drained the file holds it; the ring never overwrites an
 * entry the writer has not written (it waits instead, which a test with a writer in lockstep
 * would see as a hang).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { WriteBehindDevice, WriteBehindQueue, writeBehindBytes } from '../../src/runtime/live/write-behind.ts';

const BB = 16, BLOCKS = 64, RING = 8 * 4 * BB; // room for eight of the largest writes

type Op = { op: 'write'; lba: number; n: number } | { op: 'drain'; k: number } | { op: 'read'; lba: number; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), lba: fc.nat(BLOCKS - 4), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('drain' as const), k: fc.nat(5) }),
  fc.record({ op: fc.constant('read' as const), lba: fc.nat(BLOCKS - 8), n: fc.integer({ min: 1, max: 8 }) }),
);

describe('write-behind queue', () => {
  it('reads return the newest data whatever the disk writer has written, and draining puts it all in the file', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
      const at = 1024;
      expect(at + writeBehindBytes(BLOCKS, RING)).toBeLessThan(2 * 65536);
      const q = new WriteBehindQueue(memory, at, BLOCKS, RING, BB);
      q.init();
      const file = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
      const sink = { write: (b: Uint8Array, o: { at: number }) => { file.write(o.at / BB, b.length / BB, b); return b.length; } };
      const dev = new WriteBehindDevice(file, q);
      const model = new Uint8Array(BLOCKS * BB);
      let stamp = 1;
      for (const o of ops) {
        if (o.op === 'write') {
          const data = new Uint8Array(o.n * BB).map((_, i) => (stamp + i) & 0xff);
          stamp += 7;
          // The ring holds eight of the largest writes, or four with a skipped tail each: the writer catches up before a fifth.
          if (q.queued() - q.written() >= 4) q.drain(sink, 1);
          dev.write(o.lba, o.n, data);
          model.set(data, o.lba * BB);
        } else if (o.op === 'drain') {
          q.drain(sink, o.k);
        } else {
          const got = new Uint8Array(o.n * BB);
          dev.read(o.lba, o.n, got);
          expect(got).toEqual(model.subarray(o.lba * BB, (o.lba + o.n) * BB));
        }
      }
      q.drain(sink);
      expect(q.queued()).toBe(q.written());
      expect(file.data).toEqual(model);
    }), { numRuns: 200 });
  });
});

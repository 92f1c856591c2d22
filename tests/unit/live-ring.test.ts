import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { MpmcRing, ringBytes } from '../../src/runtime/live/mpmc-ring.ts';

const WORKER = new URL('./live-ring-worker-node.mjs', import.meta.url);

function newRing(capacity: number, words: number, at = 64): MpmcRing {
  const sab = new SharedArrayBuffer(at + ringBytes(capacity, words));
  return MpmcRing.init(sab, at, capacity, words);
}

describe('MpmcRing (shared-memory MPMC queue, data plane of the live runtime)', () => {
  it('behaves as a bounded FIFO under any sequence of pushes and pops (model check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }).map((k) => 1 << k),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 300 }),
      (capacity, words, ops) => {
        const ring = newRing(capacity, words);
        const model: number[][] = [];
        const out = new Int32Array(words);
        for (const op of ops) {
          if (op === null) {
            const ok = ring.tryPop(out);
            expect(ok).toBe(model.length > 0);
            if (ok) expect(Array.from(out)).toEqual(model.shift());
          } else {
            const rec = Array.from({ length: words }, (_, i) => (op + i) | 0);
            const ok = ring.tryPush(rec);
            expect(ok).toBe(model.length < capacity);
            if (ok) model.push(rec);
          }
          expect(ring.size()).toBe(model.length);
        }
      }));
  });

  it('keeps working past 32-bit position wrap-around', () => {
    const sab = new SharedArrayBuffer(64 + ringBytes(4, 1));
    MpmcRing.init(sab, 64, 4, 1);
    // Put both positions and the slot sequences just below the i32 wrap point.
    const w = new Int32Array(sab, 64);
    const start = 2 ** 31 - 3;
    w[0] = start | 0;
    w[1] = start | 0;
    for (let i = 0; i < 4; i++) {
      const pos = (start + ((i - (start & 3) + 4) & 3)) | 0;
      w[8 + (pos & 3) * 2] = pos;
    }
    const ring = MpmcRing.attach(sab, 64);
    const out = [0];
    for (let i = 0; i < 20; i++) {
      expect(ring.tryPush([i])).toBe(true);
      expect(ring.tryPop(out)).toBe(true);
      expect(out[0]).toBe(i);
    }
  });

  it('rejects misaligned offsets and bad shapes', () => {
    const sab = new SharedArrayBuffer(4096);
    expect(() => MpmcRing.init(sab, 4, 4, 1)).toThrow(/aligned/);
    expect(() => MpmcRing.init(sab, 0, 3, 1)).toThrow(/power of two/);
    expect(() => MpmcRing.init(sab, 0, 4, 0)).toThrow(/words/);
  });

  it('a timed pop on an empty ring returns false instead of spinning', () => {
    const ring = newRing(4, 1);
    expect(ring.pop([0], 20)).toBe(false);
  });

  it('popAsync wakes when another thread pushes (Atomics.waitAsync)', async () => {
    const sab = new SharedArrayBuffer(64 + ringBytes(8, 2));
    const ring = MpmcRing.init(sab, 64, 8, 2);
    const out: number[] = [0, 0];
    const waiting = ring.popAsync(out, 20_000);
    const w = new Worker(WORKER, { workerData: { buffer: sab, at: 64, role: 'producer', producer: 7, count: 1 } });
    const exited = new Promise((r) => w.once('exit', r));
    expect(await waiting).toBe(true);
    expect(out).toEqual([7, 0]);
    await exited;
  });

  it('three producer threads and one consumer thread: every record once, each producer in order', async () => {
    const capacity = 16;
    const per = 3000;
    const sab = new SharedArrayBuffer(64 + ringBytes(capacity, 2));
    MpmcRing.init(sab, 64, capacity, 2);
    const consumer = new Worker(WORKER, { workerData: { buffer: sab, at: 64, role: 'consumer', count: 3 * per } });
    const result = new Promise<{ got: number[] }>((res, rej) => { consumer.once('message', res); consumer.once('error', rej); });
    const producers = [0, 1, 2].map((p) => new Worker(WORKER, { workerData: { buffer: sab, at: 64, role: 'producer', producer: p, count: per } }));
    // Listen for the exits now: a producer may be done long before the consumer.
    const exits = producers.map((w) => new Promise((r) => w.once('exit', r)));
    const { got } = await result;
    await Promise.all(exits);
    expect(got.length).toBe(2 * 3 * per);
    const next = [0, 0, 0];
    for (let i = 0; i < got.length; i += 2) {
      const [p, seq] = [got[i], got[i + 1]];
      expect(seq).toBe(next[p]);
      next[p]++;
    }
    expect(next).toEqual([per, per, per]);
  });
});

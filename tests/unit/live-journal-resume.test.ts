/**
 * A cache journal carried on by a fresh writer (src/runtime/live/cache-journal.ts `resume`,
 * journal-replay.ts journalState): what 501's restarted worker does after a worker fault
 * terminated the one before it between two drains. Against the writer that was never lost:
 * cut at a random quiet point (every journaled write taken by 501), rebuilt from the file's
 * bytes alone, given the same writes, takes and destages after it, the resumed writer
 * writes the very same bytes, segment turns and carried-over records included; and the
 * journal it leaves replays to the same writes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillBlock } from '../../src/core/prng.ts';
import { CacheJournal, type JournalDeps } from '../../src/runtime/live/cache-journal.ts';
import { journalState, readJournal } from '../../src/runtime/live/journal-replay.ts';
import { crc32c } from '../../src/runtime/live/metadata-record.ts';
import { MemHandle } from './mem-handle.ts';

const BB = 64, BLOCKS = 32, MAXW = 4;
const G = { blocks: BLOCKS, blockBytes: BB, cacheSlots: 8, maxWriteBlocks: MAXW, minSegmentBytes: 0 };

type Op = { op: 'write'; lba: number; n: number } | { op: 'commit' } | { op: 'destage'; lba: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('write' as const), lba: fc.oneof({ weight: 4, arbitrary: fc.nat(7) }, { weight: 1, arbitrary: fc.nat(BLOCKS - MAXW) }), n: fc.integer({ min: 1, max: MAXW }) }) },
  { weight: 2, arbitrary: fc.constant({ op: 'commit' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('destage' as const), lba: fc.nat(BLOCKS - 1) }) },
);

/** A journal writer over its own file and staging area, sharing the cache model `dirty`. */
function writer(file: MemHandle, dirty: Set<number>, resume?: ReturnType<typeof journalState>) {
  const buf = new Uint8Array(4096);
  const deps: JournalDeps = { dirty: (b) => dirty.has(b), flushes: { request: () => 0, wait: () => {} }, flushEach: false };
  return new CacheJournal(file, G, { buf, crc: (at, len) => crc32c(buf.subarray(at, at + len)) }, deps, 99, resume ?? undefined);
}

describe('a cache journal carried on by a fresh writer', () => {
  it('writes the same bytes as the writer that was never lost', () => {
    let entered = 0;
    fc.assert(fc.property(fc.array(opArb, { minLength: 200, maxLength: 1500 }), fc.nat(), (ops, cutPick) => {
      const dirty = new Set<number>();
      const fileA = new MemHandle();
      const a = writer(fileA, dirty);
      let id = 0;
      const taken: { id: number; lba: number; n: number }[] = [];
      const pending: { id: number; lba: number; n: number }[] = [];
      // 501 takes every journaled write once it is committed (the quiet point a halt waits for).
      const commitAndTake = (j: CacheJournal[]) => {
        for (const x of j) x.commit();
        for (const w of pending.splice(0)) {
          for (const x of j) x.applied(w.id, w.lba, w.n);
          for (let b = w.lba; b < w.lba + w.n; b++) dirty.add(b);
          taken.push(w);
        }
      };
      const apply = (o: Op, js: CacheJournal[]) => {
        if (o.op === 'write') {
          const w = { id: id++, lba: o.lba, n: o.n };
          const d = new Uint8Array(w.n * BB);
          for (let i = 0; i < w.n; i++) fillBlock(d.subarray(i * BB, (i + 1) * BB), 3, w.id + 1, w.lba + i);
          for (const x of js) x.append(w.id, w.lba, w.n, d);
          pending.push(w);
        } else if (o.op === 'commit') commitAndTake(js);
        else dirty.delete(o.lba);
      };
      const cut = cutPick % ops.length;
      for (const o of ops.slice(0, cut)) apply(o, [a]);
      commitAndTake([a]);
      // The lost writer's file as it left it, and a fresh writer rebuilt from it alone.
      const fileB = new MemHandle();
      fileB.bytes = fileA.bytes.slice();
      const state = journalState(fileB.bytes);
      expect(state).not.toBeNull();
      const b = writer(fileB, dirty, state);
      expect(b.lastId()).toBe(a.lastId());
      for (const o of ops.slice(cut)) apply(o, [a, b]);
      commitAndTake([a, b]);
      expect(Buffer.compare(fileA.bytes, fileB.bytes)).toBe(0);
      entered += b.stats.segmentsEntered;
      const replayed = readJournal(fileB.bytes).writes.map((w) => w.id);
      expect(replayed).toEqual(readJournal(fileA.bytes).writes.map((w) => w.id));
    }), { numRuns: 150 });
    // The resumed writers went round their segments (carrying blocks over) many times.
    expect(entered).toBeGreaterThan(150);
  });
});

/**
 * The cache journal (src/runtime/live/cache-journal.ts, journal-replay.ts) against a model of
 * the array around it: a client's writes journaled in batches, taken into a small cache
 * (and acknowledged) in order, destaged at random, background flush rounds at random. At any
 * point the browser may be killed (every byte written survives) or the OS may crash (only
 * what a flush made durable survives). Replaying the journal onto the P-VOL must then give
 * every block at least its newest acknowledged version: after a kill, of every acknowledged
 * write; after an OS crash, of every write acknowledged before the last completed flush round
 * began (and in 'flush' durability, of every acknowledged write).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillBlock } from '../../src/core/prng.ts';
import { CacheJournal, HEADER_BYTES, SEGMENTS, UNAPPLIED_WRITES, segmentBytes, type FlushTickets } from '../../src/runtime/live/cache-journal.ts';
import { readJournal } from '../../src/runtime/live/journal-replay.ts';
import { crc32c } from '../../src/runtime/live/metadata-record.ts';
import { DurableHandle, MemHandle } from './mem-handle.ts';

const BB = 64, BLOCKS = 32, SLOTS = 8, MAXW = 4, SEED = 5;
const G = { blocks: BLOCKS, blockBytes: BB, cacheSlots: SLOTS, maxWriteBlocks: MAXW, minSegmentBytes: 0 };


type Op =
  | { op: 'write'; lba: number; n: number }
  | { op: 'commit' } | { op: 'take' } | { op: 'destage'; pick: number } | { op: 'destageBlock'; lba: number } | { op: 'round' };

/** Mostly a few hot blocks, sometimes a cold one: a cold block stays dirty while the journal goes round. */
const hotOrCold = fc.oneof({ weight: 9, arbitrary: fc.nat(7) }, { weight: 1, arbitrary: fc.nat(BLOCKS - 1) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('write' as const), lba: hotOrCold, n: fc.integer({ min: 1, max: MAXW }) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'commit' as const }) },
  { weight: 5, arbitrary: fc.constant({ op: 'take' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('destage' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'round' as const }) },
);

interface W { id: number; lba: number; n: number }

function data(w: W): Uint8Array {
  const d = new Uint8Array(w.n * BB);
  for (let i = 0; i < w.n; i++) fillBlock(d.subarray(i * BB, (i + 1) * BB), SEED, w.id + 1, w.lba + i);
  return d;
}

/** Runs the ops; returns what a kill and an OS crash would each leave, and what must survive them. */
function play(ops: Op[], flushEach: boolean) {
  const file = new DurableHandle();
  const pvol = new Int32Array(BLOCKS); // generation per block on the P-VOL (page cache)
  let pvolDurable = pvol.slice();
  const cache = new Map<number, number>(); // dirty block → generation
  let asked = 0, done = 0;
  const acked: W[] = [];
  let ackedAtRound = 0;
  /** A flush round: the journal and the P-VOL as they are now become durable. */
  const round = () => { const t = asked; ackedAtRound = acked.length; file.flush(); pvolDurable = pvol.slice(); done = t; };
  const tickets: FlushTickets = { request: () => ++asked, wait: (t) => { if (done < t) round(); } };
  const buf = new Uint8Array(4096);
  const j = new CacheJournal(file, G, { buf, crc: (at, len) => crc32c(buf.subarray(at, at + len)) },
    { dirty: (b) => cache.has(b), flushes: tickets, flushEach }, 77);
  let nextId = 0;
  const staged: W[] = [], waiting: W[] = [];
  // The lowest dirty blocks go first: a cold block (high LBA) stays dirty while the journal goes round.
  const destageOne = (pick: number) => {
    const ks = [...cache.keys()].sort((a, b) => a - b);
    if (!ks.length) return;
    const b = ks[pick % Math.min(3, ks.length)];
    pvol[b] = cache.get(b)!;
    cache.delete(b);
  };
  const take = () => {
    const w = waiting.shift();
    if (!w) return;
    let i = 0;
    while ([...cache.keys()].filter((b) => b < w.lba || b >= w.lba + w.n).length + w.n > SLOTS) destageOne(i++);
    for (let b = w.lba; b < w.lba + w.n; b++) cache.set(b, w.id + 1);
    j.applied(w.id, w.lba, w.n);
    acked.push(w);
  };
  const commit = () => { j.commit(); waiting.push(...staged.splice(0)); };
  for (const o of ops) {
    if (o.op === 'write') {
      const w = { id: nextId++, lba: Math.min(o.lba, BLOCKS - o.n), n: o.n };
      // Port401 drains no further while UNAPPLIED_WRITES wait for 501.
      while (waiting.length + staged.length >= UNAPPLIED_WRITES) { if (!waiting.length) commit(); take(); }
      j.append(w.id, w.lba, w.n, data(w));
      staged.push(w);
    } else if (o.op === 'commit') commit();
    else if (o.op === 'take') take();
    else if (o.op === 'destage') destageOne(o.pick);
    else if (o.op === 'destageBlock') { if (cache.has(o.lba)) { pvol[o.lba] = cache.get(o.lba)!; cache.delete(o.lba); } }
    else round();
  }
  return { file, pvol, pvolDurable, acked, ackedAtRound, stats: j.stats };
}

/** Replays `bytes` onto a P-VOL of generations; returns the generation per block and damaged blocks. */
function replay(bytes: Uint8Array, pvol: Int32Array): { gen: number[]; damaged: number[] } {
  const gen = Array.from(pvol);
  const damaged: number[] = [];
  const expect = new Uint8Array(BB);
  for (const w of readJournal(bytes).writes) {
    for (let i = 0; i < w.blocks; i++) {
      const b = w.lba + i, g = w.id + 1;
      fillBlock(expect, SEED, g, b);
      if (!expect.every((x, k) => x === w.data[i * BB + k])) damaged.push(b);
      gen[b] = g;
    }
  }
  return { gen, damaged };
}

function newestOf(ws: W[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const w of ws) for (let b = w.lba; b < w.lba + w.n; b++) m.set(b, Math.max(m.get(b) ?? 0, w.id + 1));
  return m;
}

describe('cache journal: bounded, and every acknowledged write survives', () => {
  it('the file is laid out once: a header and SEGMENTS segments, reused as they are by the next run', () => {
    const file = new MemHandle();
    const t: FlushTickets = { request: () => 0, wait: () => {} };
    const buf = new Uint8Array(4096);
    const deps = { dirty: () => false, flushes: t, flushEach: false };
    new CacheJournal(file, G, { buf, crc: (a, l) => crc32c(buf.subarray(a, a + l)) }, deps, 1);
    expect(file.bytes.length).toBe(HEADER_BYTES + SEGMENTS * segmentBytes(G));
    const grows = file.grows;
    new CacheJournal(file, G, { buf, crc: (a, l) => crc32c(buf.subarray(a, a + l)) }, deps, 2);
    expect(file.grows).toBe(grows);
    // A new run's header: nothing of the earlier run is replayed.
    expect(readJournal(file.bytes).writes).toEqual([]);
  });

  for (const flushEach of [false, true]) {
    it(`browser killed or OS crashed at any point (durability ${flushEach ? 'flush' : 'written'})`, () => {
      const seen = { laps: 0, carried: 0 };
      fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 1500, size: 'max' }), (ops) => {
        const r = play(ops, flushEach);
        seen.laps = Math.max(seen.laps, r.stats.segmentsEntered / SEGMENTS);
        seen.carried += r.stats.carried;
        // Browser killed: every written byte is there.
        const kill = replay(r.file.bytes, r.pvol);
        expect(kill.damaged).toEqual([]);
        for (const [b, g] of newestOf(r.acked)) expect([b, kill.gen[b] >= g]).toEqual([b, true]);
        // OS crash: only flushed bytes. Every write acknowledged before the last round began
        // survives; with flush-before-ack, every acknowledged write.
        const os = replay(r.file.durable, r.pvolDurable);
        expect(os.damaged).toEqual([]);
        const must = flushEach ? r.acked : r.acked.slice(0, r.ackedAtRound);
        for (const [b, g] of newestOf(must)) expect([b, os.gen[b] >= g]).toEqual([b, true]);
      }), { numRuns: 120, endOnFailure: true }); // long op lists shrink slowly: report the first failure as found
      // The runs went round the journal and carried blocks over (else they proved little).
      expect(seen.laps).toBeGreaterThan(2);
      expect(seen.carried).toBeGreaterThan(0);
    });
  }

  it('wraps around many times with writes carried over, and keeps to its size', () => {
    // Block 31 is written once and stays dirty; the others churn and are destaged.
    const ops: Op[] = [{ op: 'write', lba: 31, n: 1 }, { op: 'commit' }, { op: 'take' }];
    for (let i = 0; i < 4000; i++) ops.push({ op: 'write', lba: (i * 7) % 6, n: 1 }, { op: 'commit' }, { op: 'take' }, ...(i % 3 ? [] : [{ op: 'destageBlock' as const, lba: i % 6 }]));
    const r = play(ops, false);
    expect(r.stats.segmentsEntered).toBeGreaterThan(3 * SEGMENTS);
    expect(r.stats.carried).toBeGreaterThan(0);
    expect(r.file.bytes.length).toBe(HEADER_BYTES + SEGMENTS * segmentBytes(G));
    const kill = replay(r.file.bytes, r.pvol);
    for (const [b, g] of newestOf(r.acked)) expect(kill.gen[b]).toBeGreaterThanOrEqual(g);
  });

  it('a segment is overwritten only once the P-VOL holding its blocks is flushed (OS crash, flush durability)', () => {
    // Block 20 written, taken, destaged; then the journal goes round with no flush round
    // of its own: only the journal's own wait for the P-VOL flush keeps block 20 safe.
    const ops: Op[] = [{ op: 'write', lba: 20, n: 1 }, { op: 'commit' }, { op: 'take' }, { op: 'destageBlock', lba: 20 }];
    for (let i = 0; i < 600; i++) ops.push({ op: 'write', lba: i % 4, n: 1 }, { op: 'commit' }, { op: 'take' }, { op: 'destageBlock', lba: i % 4 });
    const r = play(ops, true);
    expect(r.stats.segmentsEntered).toBeGreaterThan(SEGMENTS);
    const os = replay(r.file.durable, r.pvolDurable);
    for (const [b, g] of newestOf(r.acked)) expect([b, os.gen[b] >= g]).toEqual([b, true]);
  });

  it('a record cut off by the kill is not replayed, and the ones before it are', () => {
    const r = play([{ op: 'write', lba: 0, n: 2 }, { op: 'write', lba: 4, n: 1 }, { op: 'commit' }], false);
    const bytes = r.file.bytes.slice();
    const full = readJournal(bytes);
    expect(full.writes.map((w) => [w.id, w.lba, w.blocks])).toEqual([[0, 0, 2], [1, 4, 1]]);
    // Tear the second record's data: the first stays, the cut is reported.
    bytes[HEADER_BYTES + 28 + 2 * BB + 28 + 3] ^= 0xff;
    const torn = readJournal(bytes);
    expect(torn.writes.map((w) => w.id)).toEqual([0]);
    expect(torn.cutOff).toBe(true);
  });
});

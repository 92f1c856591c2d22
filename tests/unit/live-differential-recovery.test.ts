/**
 * The differential 514 of a split-pending pair survives an unclean stop
 * (src/runtime/live/differential-514-store.ts, recovery-514.ts, recovery.ts), against a model
 * of the array around the real cache journal, 514's keeper and the recovery: a client's
 * writes journaled in batches and taken by 501 in order (acknowledged), a cache destaged at
 * random, 508's background copies before and after the split, copies before write for the
 * post-split writes over pending blocks, and the split itself with writes journaled but not
 * yet taken (the drain that carried the split command, or a combined split). The browser is
 * killed at every third point of each run (every completed write survives), and inside every
 * copy, between its S-VOL write and the step's end; in 'flush' durability the OS crashes there
 * too (only what was flushed survives). After each recovery:
 *   - every acknowledged write is on the P-VOL;
 *   - a split-pending pair comes back split-pending with a rebuilt 514, or suspended with
 *     the reason; never split-pending with a 514 that lies: every block clear in it holds the
 *     oracle's split-instant data (src/oracle/) on the S-VOL, every block set in it holds it
 *     on the P-VOL after the replay;
 *   - 508's copy carried on from there (pending blocks from the P-VOL to the S-VOL) leaves an
 *     S-VOL equal to the split-instant image.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillBlock } from '../../src/core/prng.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { imageGenerations, type AckedWrite } from '../../src/oracle/oracle.ts';
import { checkAckedWrites } from '../../src/runtime/live/acked-check.ts';
import { CacheJournal, UNAPPLIED_WRITES, type FlushTickets } from '../../src/runtime/live/cache-journal.ts';
import { DifferentialKeeper, SNAPSHOT_AT, clearDiffFile, decodeSnapshot } from '../../src/runtime/live/differential-514-store.ts';
import { MemorySlotStore, MetadataJournal } from '../../src/runtime/live/metadata-journal.ts';
import { crc32c } from '../../src/runtime/live/metadata-record.ts';
import { recover } from '../../src/runtime/live/recovery.ts';
import { DurableHandle, MemHandle } from './mem-handle.ts';

const BB = 64, BLOCKS = 24, SLOTS = 8, MAXW = 3, SEED = 9;
const G = { blocks: BLOCKS, blockBytes: BB, cacheSlots: SLOTS, maxWriteBlocks: MAXW, minSegmentBytes: 0 };
const NB = Math.ceil(BLOCKS / 8);

type Op =
  | { op: 'write'; lba: number; n: number } | { op: 'commit' } | { op: 'take' } | { op: 'destage'; pick: number }
  | { op: 'bg'; pick: number } | { op: 'cow' } | { op: 'split'; drainAfter: number; combined: boolean } | { op: 'round' };

const lbaArb = fc.oneof({ weight: 3, arbitrary: fc.nat(11) }, { weight: 1, arbitrary: fc.nat(BLOCKS - 1) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 9, arbitrary: fc.record({ op: fc.constant('write' as const), lba: lbaArb, n: fc.integer({ min: 1, max: MAXW }) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'commit' as const }) },
  { weight: 5, arbitrary: fc.constant({ op: 'take' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('destage' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('bg' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.constant({ op: 'cow' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('split' as const), drainAfter: fc.nat(3), combined: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'round' as const }) },
);


interface W { id: number; lba: number; n: number }
const blockOf = (gen: number, lba: number) => { const d = new Uint8Array(BB); fillBlock(d, SEED, gen, lba); return d; };
const genOf = (dev: MemoryBlockDevice, b: number) => new DataView(dev.data.buffer, dev.data.byteOffset + b * BB + 4, 4).getInt32(0, true);
const bit = (bm: Uint8Array, b: number) => (bm[b >> 3] >> (b & 7)) & 1;

/** What a kill leaves: every file as written so far, and what the client knew then. */
interface Image {
  journal: Uint8Array; pvol: Uint8Array; svol: Uint8Array; meta: (Uint8Array | null)[]; diff: Uint8Array;
  acked: AckedWrite[]; splitAt: number; splitPending: boolean;
}

/**
 * `flush`: 'flush' durability (the journal flushed before each acknowledgement, the S-VOL
 * before each snapshot of 514 and the snapshot before the answers); then an OS crash at each
 * point leaves only what was flushed, and is played too. Flush rounds (flusher.ts) at random.
 */
function play(ops: Op[], pendingAtStart: boolean[], flush = false) {
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks: BLOCKS, blockBytes: BB });
  for (let b = 0; b < BLOCKS; b++) {
    pvol.write(b, 1, blockOf(0, b));
    svol.write(b, 1, blockOf(pendingAtStart[b] ? -1 : 0, b));
  }
  const diff = Uint8Array.from({ length: NB }, (_, i) => pendingAtStart.slice(8 * i, 8 * i + 8).reduce((x, p, k) => x | (p ? 1 << k : 0), 0));
  let pending = pendingAtStart.filter(Boolean).length;
  const cache = new Map<number, number>(); // dirty block → generation
  const file = new DurableHandle(), diffFile = new DurableHandle(), meta = new MemorySlotStore();
  clearDiffFile(diffFile, BLOCKS);
  let pvolDurable = pvol.data.slice(), svolDurable = svol.data.slice(), asked = 0, done = 0;
  /** A flush round: every file of the run as it is now becomes durable. */
  const round = () => { const t = asked; file.flush(); diffFile.flush(); pvolDurable = pvol.data.slice(); svolDurable = svol.data.slice(); done = t; };
  const tickets: FlushTickets = { request: () => ++asked, wait: (t) => { if (done < t) round(); } };
  const buf = new Uint8Array(4096);
  const j = new CacheJournal(file, G, { buf, crc: (at, len) => crc32c(buf.subarray(at, at + len)) },
    { dirty: (b) => cache.has(b), flushes: tickets, flushEach: flush }, 3);
  let state: 'duplex' | 'split-pending' | 'split' = 'duplex', splitSeq = 0, splitAt = -1, lastId = -1, nextId = 0, clock = 0;
  const staged: W[] = [], waiting: W[] = [], acked: AckedWrite[] = [];
  let metaSeq = 0;
  const record = () => { metaSeq = new MetadataJournal(meta, metaSeq).commit({
    clean: false,
    pairs: [{ pvol: 'pvol-601', svol: 'svol-602', blocks: BLOCKS, state516: state === 'duplex' ? 'duplex' : 'split', state517: state,
      diff514: new Uint8Array(0), postSplit: new Uint8Array(0), ...(state === 'split-pending' ? { splitSeq } : {}) }],
    inFlight: [],
  }); };
  const keeper = new DifferentialKeeper(diffFile, {
    blocks: BLOCKS, splitPending: () => state === 'split-pending', splitSeq: () => splitSeq, pending: () => pending, bits: () => diff,
  }, () => ({ lastJournaledId: lastId, untaken: waiting.map((w) => w.id) }), flush ? () => { svolDurable = svol.data.slice(); } : undefined);
  /** A processor's step ends: 514's record, then a changed pair state's record (metadata-persister.ts). */
  const stepEnd = () => {
    keeper.afterStep();
    if (state === 'split-pending' && pending === 0) { state = 'split'; record(); }
  };
  const newest = (b: number) => cache.get(b) ?? genOf(pvol, b);
  const images: Image[] = [];
  const kill = () => {
    const common = { meta: meta.slots.map((s) => s && s.slice()), acked: acked.map((w) => ({ ...w })), splitAt, splitPending: state === 'split-pending' };
    images.push({ ...common, journal: file.bytes.slice(), pvol: pvol.data.slice(), svol: svol.data.slice(), diff: diffFile.bytes.slice() });
    // The metadata slots are flushed at every write in 'flush' durability.
    if (flush) images.push({ ...common, journal: file.durable.slice(), pvol: pvolDurable.slice(), svol: svolDurable.slice(), diff: diffFile.durable.slice() });
  };
  /** 508 copies block b's newest data to the S-VOL, then clears it in 514 (copy-508.ts). */
  const copy = (b: number) => {
    svol.write(b, 1, blockOf(newest(b), b));
    diff[b >> 3] &= ~(1 << (b & 7));
    pending--;
  };
  const destageOne = (pick: number) => {
    const ks = [...cache.keys()].sort((a, b) => a - b);
    if (!ks.length) return;
    const b = ks[pick % ks.length];
    pvol.write(b, 1, blockOf(cache.get(b)!, b));
    cache.delete(b);
  };
  const pendingIn = (w: W) => { for (let b = w.lba; b < w.lba + w.n; b++) if (bit(diff, b)) return true; return false; };
  const overlaps = (a: W, c: W) => a.lba < c.lba + c.n && c.lba < a.lba + a.n;
  /** 501 takes the first write it may (none passes an overlapping earlier one; after the split, none over a pending block). */
  const take = (all: boolean) => {
    for (let i = 0; i < waiting.length; i++) {
      const w = waiting[i];
      if (waiting.slice(0, i).some((e) => overlaps(e, w))) continue;
      if (state !== 'duplex' && pendingIn(w)) continue;
      waiting.splice(i, 1);
      while ([...cache.keys()].filter((b) => b < w.lba || b >= w.lba + w.n).length + w.n > SLOTS) destageOne(0);
      for (let b = w.lba; b < w.lba + w.n; b++) {
        cache.set(b, w.id + 1);
        if (state === 'duplex' && !bit(diff, b)) { diff[b >> 3] |= 1 << (b & 7); pending++; }
      }
      j.applied(w.id, w.lba, w.n);
      stepEnd();
      acked.push({ id: w.id, lba: w.lba, blocks: w.n, ack: clock++ });
      if (!all) return;
      i = -1;
    }
  };
  const append = (lba: number, n: number) => {
    const w = { id: nextId++, lba: Math.min(lba, BLOCKS - n), n };
    const d = new Uint8Array(n * BB);
    for (let i = 0; i < n; i++) d.set(blockOf(w.id + 1, w.lba + i), i * BB);
    j.append(w.id, w.lba, w.n, d);
    lastId = w.id;
    staged.push(w);
  };
  const commit = () => { j.commit(); waiting.push(...staged.splice(0)); };
  record();
  for (const [k, o] of ops.entries()) {
    if (o.op === 'write') {
      if (waiting.length + staged.length >= UNAPPLIED_WRITES) continue; // Port401 drains no further
      append(o.lba, o.n);
    } else if (o.op === 'commit') commit();
    else if (o.op === 'take') take(false);
    else if (o.op === 'destage') destageOne(o.pick);
    else if (o.op === 'round') round();
    else if (o.op === 'bg' || o.op === 'cow') {
      if (pending === 0) continue; // nothing to copy (and so never once split)
      let bs: number[];
      if (o.op === 'bg') {
        const ps = Array.from({ length: BLOCKS }, (_, b) => b).filter((b) => bit(diff, b));
        bs = [ps[o.pick % ps.length]];
      } else {
        const w = waiting.find((x) => pendingIn(x));
        if (!w) continue;
        bs = Array.from({ length: w.n }, (_, i) => w.lba + i).filter((b) => bit(diff, b));
      }
      for (const b of bs) copy(b);
      kill(); // the S-VOL written and 514 cleared, its record not yet
      stepEnd();
    } else if (o.op === 'split') {
      if (state !== 'duplex' || pending === 0) continue;
      commit();
      if (!o.combined) take(true); // the split command waits behind every write before it
      for (let i = 0; i < o.drainAfter && waiting.length + staged.length < UNAPPLIED_WRITES; i++) append(o.drainAfter * 7 + i, 1);
      commit(); // writes after the command, journaled in the same drain, not yet taken
      state = 'split-pending';
      splitSeq++;
      stepEnd();
      record();
      splitAt = clock++;
    }
    if (k % 3 === 0) kill(); // every third point, and inside every copy above
  }
  return { images, stats: j.stats };
}

/** Recovers an image as the page would after a reload; returns the report and the volumes. */
function recoverImage(im: Image) {
  const meta = new MemorySlotStore();
  meta.slots[0] = im.meta[0];
  meta.slots[1] = im.meta[1];
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
  pvol.data.set(im.pvol);
  const diff = new MemHandle();
  diff.bytes = im.diff.slice();
  let journal = im.journal;
  const report = recover({ meta, journal, pvol: () => pvol, clearJournal: () => { journal = new Uint8Array(0); }, diff });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks: BLOCKS, blockBytes: BB });
  svol.data.set(im.svol);
  return { report, pvol, svol, meta, diff, journal: () => journal };
}

type Seen = { images: number; rebuilt: number; suspended: number; skipped: number; laps: number };

/** Recovers every image and checks what the recovery promises (the top of the file). */
function checkImages(images: Image[], seen: Seen): void {
  for (const im of images) {
    seen.images++;
    const { report, pvol, svol } = recoverImage(im);
    const at = `kill ${seen.images}`;
    expect(checkAckedWrites((b) => pvol.data.subarray(b * BB, (b + 1) * BB), SEED, BB, im.acked).errors, at).toEqual([]);
    if (!im.splitPending) continue;
    const [pair] = report.pairs;
    if (!pair.diffRebuilt) {
      seen.suspended++;
      expect([pair.state516, pair.state517], at).toEqual(['suspended', 'suspended']);
      continue;
    }
    seen.rebuilt++;
    if (report.notes.some((n) => n.startsWith('left out'))) seen.skipped++;
    expect([pair.state516, pair.state517], at).toEqual(['split', 'split-pending']);
    const image = imageGenerations(BLOCKS, im.acked, im.splitAt);
    const d = decodeSnapshot(im.diff.subarray(SNAPSHOT_AT))!.bits;
    // A second recovery (a reload during the first one's aftermath) rebuilds the same.
    expect(recoverImage(im).report.pairs[0].pending, at).toBe(pair.pending);
    for (let b = 0; b < BLOCKS; b++) {
      // Clear: already on the S-VOL. Pending: still on the P-VOL side after the replay.
      const where = bit(d, b) ? genOf(pvol, b) : genOf(svol, b);
      expect([b, bit(d, b), where], at).toEqual([b, bit(d, b), image[b]]);
    }
    // 508 carries the copy on: every pending block from the P-VOL to the S-VOL.
    for (let b = 0; b < BLOCKS; b++) if (bit(d, b)) svol.write(b, 1, pvol.data.slice(b * BB, (b + 1) * BB));
    for (let b = 0; b < BLOCKS; b++) expect([b, genOf(svol, b)], at).toEqual([b, image[b]]);
  }
}

describe('the differential 514 of a split-pending pair survives the browser killed at any point', () => {
  it('rebuilt exactly where it can be trusted, suspended where not; the split then completes to the oracle\'s image', () => {
    const seen: Seen = { images: 0, rebuilt: 0, suspended: 0, skipped: 0, laps: 0 };
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 1500, size: 'max' }), fc.array(fc.boolean(), { minLength: BLOCKS, maxLength: BLOCKS }), (ops, start) => {
      const { images, stats } = play(ops, start);
      seen.laps = Math.max(seen.laps, stats.segmentsEntered / 4);
      checkImages(images, seen);
    }), { numRuns: 50, endOnFailure: true });
    // The runs killed split-pending pairs, rebuilt most of them, left writes out, went round the journal.
    expect(seen.rebuilt).toBeGreaterThan(500);
    expect(seen.skipped).toBeGreaterThan(100);
    expect(seen.laps).toBeGreaterThan(1);
  });

  it('in \'flush\' durability an OS crash at any point keeps the same promises (only what was flushed survives)', () => {
    const seen: Seen = { images: 0, rebuilt: 0, suspended: 0, skipped: 0, laps: 0 };
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 1500, size: 'max' }), fc.array(fc.boolean(), { minLength: BLOCKS, maxLength: BLOCKS }), (ops, start) => {
      const { images, stats } = play(ops, start, true);
      seen.laps = Math.max(seen.laps, stats.segmentsEntered / 4);
      checkImages(images, seen);
    }), { numRuns: 25, endOnFailure: true });
    expect(seen.rebuilt).toBeGreaterThan(300);
    expect(seen.laps).toBeGreaterThan(1);
  });

  for (const gap of [0, 120, 180, 240]) {
    it(`a write waiting for its copy while the journal goes round leaves a doubt: suspended, never a lie (${gap} writes between the split-instant record and it)`, () => {
      // Block 20 pending, written before the split and left dirty in cache; `gap` writes
      // later the split, and a write to block 20 that waits for a copy before write that
      // never comes, while other writes go round the journal: the older record of block 20
      // is dropped once a newer one exists, so only the cache held its split-instant data.
      // Nothing on the disk can say so once the writer entered two segments after the newer one.
      const start = Array.from({ length: BLOCKS }, (_, b) => b === 20);
      const churn = (n: number): Op[] => Array.from({ length: n }, (_, i): Op[] => [{ op: 'write', lba: i % 6, n: 1 }, { op: 'commit' }, { op: 'take' }, { op: 'destage', pick: 0 }]).flat();
      // The churn's blocks (0-5) copied before the split, so its writes after it need no copy.
      const copied: Op[] = gap ? Array.from({ length: 6 }, (): Op => ({ op: 'bg', pick: 0 })) : [];
      const ops: Op[] = [{ op: 'write', lba: 20, n: 1 }, { op: 'commit' }, { op: 'take' }, ...churn(gap), ...copied,
        { op: 'split', drainAfter: 0, combined: false }, { op: 'write', lba: 20, n: 1 }, { op: 'commit' }, ...churn(1000)];
      const { images, stats } = play(ops, start);
      expect(stats.segmentsEntered).toBeGreaterThan(4);
      const seen: Seen = { images: 0, rebuilt: 0, suspended: 0, skipped: 0, laps: 0 };
      checkImages(images, seen);
      expect(seen.rebuilt).toBeGreaterThan(0);
      expect(seen.suspended).toBeGreaterThan(0);
      const last = recoverImage(images[images.length - 1]).report;
      expect(last.notes.join(' ')).toMatch(/waited for a copy before write while the journal entered|went round/);
    });
  }
});

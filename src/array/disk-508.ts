/**
 * Disk processor 508 (docs/patent.md#parts): the only processor that touches the volumes.
 * Its steps, most urgent first: copy before write for a waiting client write (501),
 * destage when 501 waits for a cache slot, the backup's requests from 503 (priority copy
 * §0028, staging the S-VOL, the staging merge of embodiment 3 §0035–0037, writing to a disk
 * target §0048), the background differential copy (formation, update and post-split
 * copies, §0020–0024), then plain destage (§0016). Each step is bounded (one request, or one
 * span of at most COPY_CHUNK blocks).
 *
 * The point-in-time rule (docs/patent.md#the-point-in-time-rule): while a block's bit
 * is set in 514 after a split, no post-split write has reached it (501 asks for a copy
 * before write first), so its newest version, in a cache slot or else on the P-VOL, is the
 * split-instant version. readCurrent() (copy-508.ts) is the one place that reads it.
 */
import { DeviceError } from '../devices/block-device.ts';
import { PS } from './pair-state.ts';
import { B, BackupState, BufState, COPY_CHUNK, JobKind, SB, W, type Mem507 } from './memory-507.ts';
import { Req, type Ctx, type Processor, type Work } from './context.ts';
import { METHOD_CODES } from './backup.ts';
import { copyToSvol, readCurrent } from './copy-508.ts';
import { noteBackupFailure, suspendPair } from './device-errors.ts';
import { unitsOf } from './staging-515.ts';

export class Disk508 implements Processor {
  readonly actor = '508' as const;
  constructor(private readonly c: Ctx) {}

  private get m(): Mem507 { return this.c.m; }

  next(): Work | null {
    const { c, m } = this;
    const cow = c.cowRing.peek();
    if (cow) return { cost: this.copyToSvol(cow[1], cow[2], true), run: () => this.cow() };
    if (m.w(W.CACHE_WAIT) && c.cache.dirty() > 0) return this.destageWork();
    const req = c.reqRing.peek();
    if (req) return { cost: this.request(req, true), run: () => { const r = c.reqRing.peek()!; c.reqRing.pop(); this.request(r, false); } };
    if (c.cache.dirty() > c.cache.slots * 0.75) return this.destageWork();
    // A backup that streams has the disks: the background copy and the idle destage resume
    // when it ends (embodiment 1: after the priority copies 508 goes on copying the rest,
    // docs/patent.md#embodiment-1-priority-copy). What the backup or
    // a client write needs (priority copy, copy before write, destage when the cache runs
    // short) still runs above. Without this the backup and a differential several times its
    // size split the disks and both take the longer time.
    if (m.b(B.STATE) === BackupState.RUNNING) return null;
    if (this.copying() && c.diff.pending() > 0) {
      const run = this.nextPendingRun();
      return { cost: this.copyToSvol(run[0], run[1], true), run: () => this.background(), background: true };
    }
    if (c.cache.dirty() > 0) return { ...this.destageWork(), background: true, lazy: true };
    return null;
  }

  /** Background copies run while the pair is forming, mirrored, or split but not complete. */
  private copying(): boolean {
    const p = this.m.w(W.P_STATE);
    return p === PS.DUPLEX_PENDING || p === PS.DUPLEX || p === PS.SPLIT;
  }

  private cow(): void {
    const { c, m } = this;
    const [, lba, n] = c.cowRing.peek()!;
    c.cowRing.pop();
    this.guard(() => this.copyToSvol(lba, n, false));
    m.addW(W.COW_COPIES, this.lastCopied);
    // The batch 501 asked for is done when its last copy is (channel-501.ts requestCows).
    if (c.cowRing.size() === 0) m.setW(W.COW_STATE, 2);
    c.log('508', 'cow.done', '501', { lba, n, copied: this.lastCopied });
    this.settle();
  }

  private background(): void {
    const [lba, n] = this.nextPendingRun();
    this.guard(() => this.copyToSvol(lba, n, false));
    this.m.addW(W.BG_COPIES, this.lastCopied);
    this.m.setW(W.COPY_CURSOR, (lba + n) % this.c.diff.blocks);
    this.settle();
  }

  /**
   * The span of COPY_CHUNK blocks from the first pending block at or after the copy cursor
   * (wrapping), trimmed to its last pending block. A span, not one run: scattered pending
   * blocks (random client writes) would otherwise cost a step, a P-VOL read and an S-VOL
   * write each; copyToSvol reads the span with one P-VOL read.
   */
  private nextPendingRun(): [number, number] {
    const d = this.c.diff;
    let s = d.nextPending(this.m.w(W.COPY_CURSOR), d.blocks);
    if (s < 0) s = d.nextPending(0, d.blocks);
    if (s < 0) return [0, 0];
    const end = Math.min(d.blocks, s + COPY_CHUNK);
    let last = s, x = s;
    while (x >= 0) {
      const e = d.nextClean(x, end);
      last = e < 0 ? end : e;
      x = e < 0 ? -1 : d.nextPending(e, end);
    }
    return [s, last - s];
  }

  /** Blocks the last copyToSvol moved. */
  private lastCopied = 0;

  /** Copies the pending blocks of [lba, lba+n) to the S-VOL (copy-508.ts); returns the cost. */
  private copyToSvol(lba: number, n: number, dry: boolean): number {
    const r = copyToSvol(this.c, lba, n, dry);
    if (!dry) this.lastCopied = r.copied;
    return r.cost;
  }

  /**
   * Serves a request of 503's at once, in the caller's step (Ctx.serve508: 503's worker
   * with its own volume handles runs this with its own Disk508 over its own Ctx). A disk
   * target write needs the target's handle: without one it is left to the ring.
   */
  serve(type: number, a: number, n: number, seg: number): boolean {
    if (type === Req.WRITE_DEST && !this.dest()) return false;
    this.request([type, a, n, seg], false);
    return true;
  }

  /**
   * A request from 503, record [type, a, n, segment]; returns its cost. For PRIO, STAGE and
   * MERGE `a` is a mask of staging buffers whose units follow on in LBA (staging-515.ts):
   * 508 moves the whole span with one I/O per volume and side. For PRIO_RANGE it is the
   * first block of n; for WRITE_DEST one buffer.
   */
  private request([type, a, n, seg]: [number, number, number, number], dry: boolean): number {
    const { c, m } = this;
    // A request of a backup that has ended (it failed while this one waited in reqRing) is
    // dropped: its buffers are no one's now, and a resync since may have made its blocks
    // pending again, which a stage must never read.
    if (m.b(B.STATE) !== BackupState.RUNNING) {
      if (!dry) c.log('508', 'request.dropped', '503', { type });
      return 0;
    }
    const bb = m.L.blockBytes;
    const g = type === Req.PRIO_RANGE ? { ks: [], lba: a, n } : type === Req.WRITE_DEST ? unitsOf(m, 1 << a) : unitsOf(m, a);
    const { ks, lba } = g, len = g.n;
    const fail = (e: unknown) => {
      if (!(e instanceof DeviceError)) throw e;
      // A span that failed is tried again unit by unit, so the units before the bad block
      // still reach the destination and the failure names the unit (and segment) holding it.
      if (ks.length > 1) { for (const k of ks) this.request([type, 1 << k, 0, seg], false); return 0; }
      for (const k of ks) m.setSb(k, SB.STATE, BufState.FAILED);
      noteBackupFailure(c, e);
      c.log('508', 'backup.io.error', '503', { lba, message: e.message });
      // A volume that cannot be read or written cannot keep the pair either: it is
      // suspended too (a resync then copies everything, rewriting the bad block).
      if (e.device === c.svol.name || e.device === c.pvol.name) suspendPair(c, e);
      return 0;
    };
    switch (type) {
      case Req.PRIO:
      case Req.PRIO_RANGE: {
        if (dry) return this.copyToSvol(lba, len, true);
        let ok = true;
        try { this.copyToSvol(lba, len, false); } catch (e) { if (ks.length > 1) return fail(e); this.lastCopied = 0; ok = false; fail(e); }
        m.addW(W.PRIORITY_COPIES, this.lastCopied);
        m.addW(W.SVOL_WRITES_FOR_BACKUP, this.lastCopied);
        if (type === Req.PRIO) {
          if (ok) for (const k of ks) m.setSb(k, SB.STATE, BufState.COPIED);
        } else {
          if (!ok) m.setB(B.FAILED_SEG, seg);
          m.setB(B.PRIO_OUT, m.b(B.PRIO_OUT) - 1);
        }
        c.log('508', 'priority.done', '503', { lba, n: len, copied: this.lastCopied });
        this.settle();
        return 0;
      }
      case Req.STAGE: {
        if (dry) return c.cost.diskRead(len * bb, 1) + c.cost.cache(len * bb);
        // E1 copied the range first, E2 waited for all of 514: nothing may be pending here.
        // Only the naive demonstration (docs/patent.md#the-problem) stages stale blocks,
        // and says how many, so a reader of the log sees why its tape fails the check.
        const naive = METHOD_CODES[m.b(B.METHOD)] === 'naive';
        if (!naive && c.diff.pendingIn(lba, len) !== 0) throw new Error(`508: stage of ${lba}+${len} with blocks pending in 514`);
        try { c.svol.read(lba, len, m.blocksAt(m.L.scratch508, len)); } catch (e) { return fail(e); }
        for (const k of ks) {
          const at = m.sb(k, SB.LBA), kn = m.sb(k, SB.N);
          c.core.copy(m.stagingPtr(k), m.L.scratch508 + (at - lba) * bb, kn * bb);
          m.setSb(k, SB.STATE, BufState.READY);
          c.log('508', 'stage.done', '503', naive ? { lba: at, n: kn, stale: c.diff.pendingIn(at, kn) } : { lba: at, n: kn });
        }
        return 0;
      }
      case Req.MERGE: return this.merge(g, dry, fail);
      case Req.WRITE_DEST: {
        if (dry) return c.cost.diskWrite(len * bb, 1);
        const at = m.sb(a, SB.DEST);
        try { this.dest()!.write(at, len, m.blocksAt(m.stagingPtr(a), len)); } catch (e) { return fail(e); }
        // A restore wrote the S-VOL while split: the next resync copies those blocks back.
        if (m.b(B.KIND) === JobKind.RESTORE_SVOL) c.diff.markRestored(at, len);
        m.setSb(a, SB.STATE, BufState.WRITTEN);
        c.log('508', 'dest.written', '503', { lba: m.sb(a, SB.DEST), n: len });
        return 0;
      }
    }
    throw new Error(`508: unknown request ${type}`);
  }

  /** Where WRITE_DEST writes: the backup disk, or the S-VOL for a restore to it. */
  private dest() {
    return this.m.b(B.KIND) === JobKind.RESTORE_SVOL ? this.c.svol : this.c.backupDisk;
  }

  /**
   * Embodiment 3 (§0035–0037, Figs. 8–9): pending blocks from the P-VOL side (cache or disk),
   * reflected ones from the S-VOL, merged in 515 by the core's stagingMerge. Nothing is
   * written to the S-VOL. Each side of the buffers' whole span is read once into the
   * scratch area, then every unit is merged into its own buffer.
   */
  private merge({ ks, lba, n }: { ks: number[]; lba: number; n: number }, dry: boolean, fail: (e: unknown) => number): number {
    const { c, m } = this;
    const d = c.diff, bb = m.L.blockBytes;
    const end = lba + n, pPtr = m.L.scratch508, sPtr = pPtr + m.L.scratchBlocks * bb;
    // The S-VOL side is read as one I/O (its stale blocks are masked by the merge), and so
    // is the P-VOL side, from the first pending block to the last: the merge takes only the
    // pending blocks from it, so the clean ones read in between cost nothing but bytes,
    // where a read per pending run cost an I/O each.
    let cost = c.cost.diskRead(n * bb, 1);
    try {
      if (!dry) this.readSvolSide(lba, n, sPtr);
      const first = d.nextPending(lba, end);
      if (first >= 0) {
        let last = first;
        for (let x = first; x >= 0; ) {
          const e = d.nextClean(x, end);
          last = e < 0 ? end : e;
          x = e < 0 ? -1 : d.nextPending(e, end);
        }
        cost += readCurrent(c, first, last - first, pPtr + (first - lba) * bb, dry);
      }
    } catch (e) { return fail(e); }
    cost += c.cost.cache(n * bb);
    if (dry) return cost;
    for (const k of ks) {
      const at = m.sb(k, SB.LBA), len = m.sb(k, SB.N), off = (at - lba) * bb;
      const fromPvol = d.pendingIn(at, len);
      c.core.stagingMerge(d.diff, at, len, bb, pPtr + off, sPtr + off, m.stagingPtr(k));
      m.addW(W.STAGED_FROM_PVOL, fromPvol);
      m.setSb(k, SB.STATE, BufState.READY);
      c.log('508', 'merge.done', '503', { lba: at, n: len, fromPvol, fromSvol: len - fromPvol });
    }
    return cost;
  }

  /**
   * The S-VOL side of a merge in one read; if that fails, only its blocks not pending in
   * 514 (the merge takes the pending ones from the P-VOL side), run by run: a bad block
   * whose data the merge does not need fails nothing. Throws when a needed one fails.
   */
  private readSvolSide(lba: number, n: number, into: number): void {
    const { c, m } = this;
    try { c.svol.read(lba, n, m.blocksAt(into, n)); return; } catch (e) { if (!(e instanceof DeviceError)) throw e; }
    const d = c.diff, end = lba + n, bb = m.L.blockBytes;
    for (let s = d.nextClean(lba, end); s >= 0; ) {
      let e = d.nextPending(s, end);
      if (e < 0) e = end;
      c.svol.read(s, e - s, m.blocksAt(into + (s - lba) * bb, e - s));
      s = e < end ? d.nextClean(e, end) : -1;
    }
  }

  private destageWork(): Work {
    const { c } = this;
    const run = c.cache.nextDirtyRun(COPY_CHUNK)!;
    const bytes = run[1] * c.m.L.blockBytes;
    return { cost: c.cost.cache(bytes) + c.cost.diskWrite(bytes, 1), run: () => this.destage() };
  }

  /** Writes one run of dirty slots to the P-VOL (§0016); the slots stay as clean copies. */
  private destage(): void {
    const { c, m } = this;
    const run = c.cache.nextDirtyRun(COPY_CHUNK);
    if (!run) return;
    const [lba, n] = run, bb = m.L.blockBytes;
    for (let i = 0; i < n; i++) c.core.copy(m.L.scratch508 + i * bb, m.slotPtr(c.cache.slotOf(lba + i)), bb);
    try {
      c.pvol.write(lba, n, m.blocksAt(m.L.scratch508, n));
    } catch (e) {
      // The slots stay dirty (the acknowledged data is still in cache, and a later destage
      // tries again); the pair cannot promise a consistent copy any more: PSUE.
      suspendPair(c, e);
      return;
    }
    c.cache.markClean(lba, n);
    m.addW(W.DESTAGED, n);
    m.setW(W.CACHE_WAIT, 0);
  }

  /** Runs a copy; a device error suspends the pair (PSUE) instead of crashing. Returns -1 then. */
  private guard(f: () => number): number {
    try { return f(); } catch (e) {
      suspendPair(this.c, e);
      this.lastCopied = 0;
      return -1;
    }
  }

  /** 517 follows 514: split-pending → split, duplex-pending → duplex, once 514 is empty. */
  private settle(): void {
    const { c, m } = this;
    if (c.diff.pending() !== 0) return;
    const p = m.w(W.P_STATE);
    if (p === PS.SPLIT && m.w(W.S_STATE) === PS.SPLIT_PENDING) {
      m.setW(W.S_STATE, PS.SPLIT);
      c.log('508', 'split.complete', undefined, { state517: 'split' });
    } else if (p === PS.DUPLEX_PENDING) {
      m.setW(W.P_STATE, PS.DUPLEX);
      m.setW(W.S_STATE, PS.DUPLEX);
      c.log('508', 'pair.duplex');
    }
  }
}

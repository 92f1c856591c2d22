/**
 * 503's half of a restore (docs/scenario.md "Incremental backups and restore"): the
 * backup's path run the other way. 503 reads tape records into the staging buffers of 515
 * (its own device, as it streams to it for a backup), and 508 writes each to the
 * destination volume (Req.WRITE_DEST: the backup disk, or the S-VOL while the pair is
 * split, which 508 marks restored so the next resync copies those blocks back).
 *
 * What to read comes from the tape itself: a catalog point is the chain's full and then
 * each incremental up to it, in order, so later files overwrite what earlier ones wrote
 * (tape-catalog.ts chainOf); explicit extents are EXTENDED COPY segment 01h's (stream →
 * block). Everything is planned before any block moves: a point the catalog lacks, or a
 * file whose records do not fit what the catalog says, fails the restore untouched.
 */
import { AwsTapeError } from '../devices/awstape.ts';
import { chainOf, readCatalog } from '../devices/tape-catalog.ts';
import { B, BackupState, BufState, JobKind, NBUF, SB, type Mem507 } from './memory-507.ts';
import { Req, type Ctx, type Work } from './context.ts';
import { sendable, segWord, settled } from './staging-515.ts';
import type { Tape303 } from './tape-303.ts';

/** One tape record to put back: [tape file, record in it, destination LBA, blocks, segment]. */
interface Unit { file: number; block: number; lba: number; n: number; seg: number }

type Plan = Unit[] | { why: string; detail: string };

const NO_POINT = 'no such restore point on the tape';
const MISMATCH = 'the tape does not hold what the restore names';

export class Restore503 {
  private units: Unit[] = [];

  constructor(
    private readonly c: Ctx,
    private readonly tape: Tape303,
    private readonly fail: (seg: number, why: string) => void,
    private readonly wake: () => void,
    private readonly ask: (type: number, a: number) => void,
  ) {}
  private get m(): Mem507 { return this.c.m; }

  start(): void {
    const { c, m } = this;
    let plan: Plan;
    try { plan = this.plan(); } catch (e) {
      if (!(e instanceof AwsTapeError)) throw e;
      plan = { why: MISMATCH, detail: e.message };
    }
    if (!Array.isArray(plan)) {
      c.log('503', 'restore.plan.error', undefined, { reason: plan.detail });
      this.units = [];
      this.fail(0, plan.why);
      return;
    }
    this.units = plan;
    m.setB(B.UNITS, plan.length);
    m.setB(B.TOTAL_BLOCKS, plan.reduce((n, u) => n + u.n, 0));
    m.setB(B.STATE, BackupState.RUNNING);
    c.log('503', 'restore.start', undefined, { records: plan.length, blocks: m.b(B.TOTAL_BLOCKS) });
    this.finishIfDone();
  }

  /**
   * A fresh 503 in place of a lost one (a live worker fault), the restore running: its plan
   * is made again from the same tape and 511 (nothing writes the tape while it restores), and
   * its cursors are 511's (PREP_SEQ, SENT_SEQ, STREAM_SEQ).
   */
  carryOn(): void {
    if (this.m.b(B.STATE) !== BackupState.RUNNING) return;
    const plan = this.plan();
    if (Array.isArray(plan)) this.units = plan;
  }

  /** The records the restore puts back, in order (its plan). */
  planned(): readonly Readonly<Unit>[] {
    return this.units;
  }

  private plan(): Plan {
    const { m } = this;
    const bb = m.L.blockBytes;
    const dest = m.b(B.KIND) === JobKind.RESTORE_DISK ? this.c.backupDisk! : this.c.svol;
    const files = this.tape.index.refresh().files;
    const units: Unit[] = [];
    /** Record `block` of `file` as whole volume blocks, or null. */
    const blocksOf = (file: number, block: number): number | null => {
      const len = files[file - 1]?.blocks[block]?.length;
      return len !== undefined && len % bb === 0 && len > 0 ? len / bb : null;
    };
    const add = (u: Unit): string | null => {
      if (u.lba + u.n > dest.blocks) return `blocks ${u.lba}+${u.n} are past the destination's end (${dest.blocks})`;
      units.push(u);
      return null;
    };
    const point = m.b(B.POINT);
    if (point >= 0) {
      const cat = readCatalog(this.tape.index).catalog;
      let chain;
      try { chain = chainOf(cat, point); } catch (e) { return { why: NO_POINT, detail: (e as Error).message }; }
      for (const [seg, e] of chain.entries()) {
        const what = `tape file ${e.file} (point ${e.point})`;
        if (e.blockBytes !== bb) return { why: MISMATCH, detail: `${what} holds ${e.blockBytes}-byte blocks, the volume ${bb}` };
        if (files[e.file - 1]?.blocks.length !== e.records) return { why: MISMATCH, detail: `${what}: the catalog says ${e.records} records` };
        let r = 0, off = 0;
        for (let k = 0; k < e.records; k++) {
          const n = blocksOf(e.file, k);
          const run = e.runs[r];
          if (n === null || !run || off + n > run[1]) return { why: MISMATCH, detail: `${what}: record ${k} does not fit its catalog runs` };
          const bad = add({ file: e.file, block: k, lba: run[0] + off, n, seg });
          if (bad) return { why: MISMATCH, detail: `${what}: ${bad}` };
          off += n;
          if (off === run[1]) { r++; off = 0; }
        }
        if (r !== e.runs.length) return { why: MISMATCH, detail: `${what}: its records end before its catalog runs do` };
      }
      return units;
    }
    for (let seg = 0; seg < m.b(B.NSEG); seg++) {
      const file = segWord(m, seg, 0);
      let block = segWord(m, seg, 1), left = segWord(m, seg, 2), lba = segWord(m, seg, 3);
      while (left > 0) {
        const n = blocksOf(file, block);
        // A record that runs past its segment would need held data (docs/scsi.md: this copy manager holds none).
        if (n === null || n > left) return { why: MISMATCH, detail: `record ${block} of tape file ${file} is missing, not whole blocks, or longer than the ${left} blocks left` };
        const bad = add({ file, block, lba, n, seg });
        if (bad) return { why: MISMATCH, detail: bad };
        block++; left -= n; lba += n;
      }
    }
    return units;
  }

  /** The restore's next step while it runs (Channel503.next hands over to it). */
  next(): Work | null {
    const { c, m } = this;
    const cmd = c.cost.cmd();
    if (m.b(B.STATE) !== BackupState.RUNNING) return null;
    if (m.b(B.FAILED_SEG) >= 0) return { cost: cmd, run: () => this.fail(m.b(B.FAILED_SEG), 'device error') };
    const done = settled(m);
    if (done) return { cost: cmd, run: () => (done.failed ? this.fail(m.sb(done.k, SB.SEG), 'device error') : this.progress(done.k)) };
    const send = sendable(m);
    if (send >= 0) return { cost: cmd, run: () => this.write(send) };
    if (m.b(B.PREP_SEQ) < m.b(B.UNITS)) {
      for (let k = 0; k < NBUF; k++) {
        if (m.sb(k, SB.STATE) !== BufState.FREE) continue;
        const u = this.units[m.b(B.PREP_SEQ)];
        return { cost: c.cost.tape(u.n * m.L.blockBytes, 1), run: () => this.read(k) };
      }
    }
    return null;
  }

  /** The next record from the tape into buffer k (503's own device). */
  private read(k: number): void {
    const { c, m } = this;
    const seq = m.b(B.PREP_SEQ);
    const u = this.units[seq];
    m.setB(B.PREP_SEQ, seq + 1);
    m.setSb(k, SB.SEQ, seq); m.setSb(k, SB.LBA, u.lba); m.setSb(k, SB.N, u.n);
    m.setSb(k, SB.SEG, u.seg); m.setSb(k, SB.DEST, u.lba);
    try {
      this.tape.index.read(u.file, u.block, m.blocksAt(m.stagingPtr(k), u.n));
    } catch (e) {
      if (!(e instanceof AwsTapeError) && !(e instanceof RangeError)) throw e;
      m.setSb(k, SB.STATE, BufState.FAILED);
      c.log('503', 'tape.read.error', undefined, { file: u.file, block: u.block, message: (e as Error).message });
      return;
    }
    m.setSb(k, SB.STATE, BufState.READY);
    c.log('503', 'tape.read', '303', { file: u.file, block: u.block, lba: u.lba, n: u.n });
  }

  private write(k: number): void {
    const { m } = this;
    m.setSb(k, SB.STATE, BufState.WRITE_REQ);
    m.setB(B.SENT_SEQ, m.b(B.SENT_SEQ) + 1);
    this.c.log('503', 'dest.write', '508', { lba: m.sb(k, SB.DEST), n: m.sb(k, SB.N) });
    this.ask(Req.WRITE_DEST, k);
  }

  private progress(k: number): void {
    const { m } = this;
    const seq = m.sb(k, SB.SEQ), seg = m.sb(k, SB.SEG);
    m.setB(B.BLOCKS_DONE, m.b(B.BLOCKS_DONE) + m.sb(k, SB.N));
    m.setB(B.STREAM_SEQ, seq + 1);
    if (this.units[seq + 1]?.seg !== seg) m.setB(B.SEGS_DONE, seg + 1);
    m.setSb(k, SB.STATE, BufState.FREE);
    this.finishIfDone();
  }

  private finishIfDone(): void {
    const { c, m } = this;
    if (m.b(B.STREAM_SEQ) < m.b(B.UNITS)) return;
    const last = this.units[this.units.length - 1];
    m.setB(B.SEGS_DONE, last ? last.seg + 1 : m.b(B.NSEG));
    m.setB(B.STATE, BackupState.DONE);
    this.wake(); // 502 reports it
    c.log('503', 'restore.done', '502', { blocks: m.b(B.BLOCKS_DONE) });
  }
}

/**
 * Channel processor 503 (docs/patent.md#parts): executes the backup parsed into 511. It
 * checks 514 over each transfer unit (or over the whole range first, §0028) and makes the
 * unit consistent before any of it reaches the destination:
 *   priority (embodiment 1, Figs. 3–4): pending blocks → 508 copies them with priority,
 *     then 508 stages the S-VOL unit into 515, then 503 streams it;
 *   wait (embodiment 2, Figs. 5–6): hold the whole backup until 514 is empty;
 *   staging (embodiment 3, Figs. 8–9): 508 merges P-VOL side and S-VOL blocks in 515;
 *   naive (not the patent: docs/patent.md#the-problem, a demonstration): stage the
 *     S-VOL unit as it is, whatever 514 says, so pending blocks reach the tape stale.
 * Several staging buffers (NBUF, memory-507.ts) let 508 prepare units while 503 streams
 * others; 503 asks for the units of its free buffers in one request and streams the READY
 * ones in one step (staging-515.ts: why), strictly in unit order (B.SENT_SEQ, then
 * B.STREAM_SEQ). Where 503's worker holds its own volume handles it performs 508's part
 * itself (Ctx.serve508).
 */
import { B, BackupState, BufState, JobKind, NBUF, SB, W, type Mem507 } from './memory-507.ts';
import { METHOD_CODES, type BackupFailure } from './backup.ts';
import { DeviceError } from '../devices/block-device.ts';
import { backupIoFailed, backupOutOfRoom, noteBackupFailure, pairSuspendReason } from './device-errors.ts';
import { PS } from './pair-state.ts';
import { Req, type Ctx, type Processor, type Work } from './context.ts';
import { assignGroup, chain, incrementalUnits, segWord, sendable, settled, streamable, streamedRuns, takeUnit } from './staging-515.ts';
import { Tape303 } from './tape-303.ts';
import { Restore503 } from './restore-503.ts';

/** Why a job failed, by the code 503 leaves in 511 (word B.FAILURE). */
export const FAILURE_REASONS = ['', 'device error', 'the pair left the split state',
  'no such restore point on the tape', 'the tape does not hold what the restore names', 'aborted by its issuer',
  'the pair was suspended', 'storage quota exhausted'];
/** The same codes as BackupHandle.failure kinds, index for index. */
export const FAILURE_KINDS: readonly BackupFailure[] = ['other', 'device', 'pair-state', 'other', 'other', 'aborted', 'pair-state', 'quota'];

/** B.CHECK_RANGE values: per unit, or whole range in its copy phase, then its stream phase. */
const UNIT = 0, RANGE_COPY = 1, RANGE_STREAM = 2;

export class Channel503 implements Processor {
  readonly actor = '503' as const;
  private readonly tape303: Tape303;
  private readonly restorer: Restore503;
  /** A catalogued backup's blocks as streamed: [first LBA, count] runs, for its catalog entry. */
  private runs: [number, number][] = [];

  constructor(private readonly c: Ctx) {
    this.tape303 = new Tape303(c);
    this.restorer = new Restore503(c, this.tape303, (seg, why) => this.fail(seg, why), () => { this.loud = true; },
      (type, a) => this.ask(type, a));
  }
  private get m(): Mem507 { return this.c.m; }
  /** A step since the last takeQuiet() changed what another processor waits for. */
  private loud = false;

  takeQuiet(): boolean {
    const quiet = !this.loud;
    this.loud = false;
    return quiet;
  }

  next(): Work | null {
    const { c, m } = this;
    const cmd = c.cost.cmd();
    const st = m.b(B.STATE);
    // Its issuer aborted it (Controller.abortBackup): it ends as a failure at the segment it
    // was in; requests already queued to 508 drain before 502 takes the next backup.
    if (m.b(B.ABORT) !== 0 && (st === BackupState.ACCEPTED || st === BackupState.HOLDING || st === BackupState.RUNNING)) {
      return { cost: cmd, run: () => this.fail(m.b(B.SEGS_DONE), 'aborted by its issuer') };
    }
    if (st === BackupState.ACCEPTED) return { cost: cmd, run: () => this.start() };
    if (st === BackupState.HOLDING) {
      const p = m.w(W.P_STATE);
      if (p !== PS.SPLIT) return { cost: cmd, run: () => this.fail(0, p === PS.SUSPENDED ? 'the pair was suspended' : 'the pair left the split state') };
      if (c.diff.pending() !== 0) return null;
      return { cost: cmd, run: () => (this.restoring() ? this.restorer.start() : this.release()) };
    }
    if (this.restoring()) return this.restorer.next();
    if (st !== BackupState.RUNNING) return null;
    if (m.b(B.FAILED_SEG) >= 0) return { cost: cmd, run: () => this.fail(m.b(B.FAILED_SEG), this.deviceFailure()) };
    // The pair can only leave the split state under a backup by a suspension (a resync or
    // delete is refused meanwhile): its S-VOL is no image of the split instant any more,
    // so nothing more of it may reach the destination (docs/patent.md#the-point-in-time-rule).
    // (A unit of this backup whose I/O failed, which suspends the pair too, fails it below
    // once the units before it are on the tape; those never make it a complete image.)
    if (m.w(W.P_STATE) !== PS.SPLIT && !backupIoFailed(m)) return { cost: cmd, run: () => this.fail(m.b(B.SEGS_DONE), 'the pair was suspended') };
    // Units leave in order twice: handed to their destination at B.SENT_SEQ, then counted
    // done at B.STREAM_SEQ once written. Bookkeeping and preparing come before streaming,
    // so that a runtime holding the step lock does all of them in one hold and streams the
    // READY units after letting it go (nextOwn).
    // A failed unit fails the backup once every unit before it has gone to its destination.
    const done = settled(m);
    if (done) return { cost: cmd, run: () => (done.failed ? this.fail(m.sb(done.k, SB.SEG), this.deviceFailure()) : this.progress(done.k)) };
    const send = sendable(m);
    if (send >= 0 && segWord(m, m.sb(send, SB.SEG), 2) !== 0) return { cost: cmd, run: () => this.requestWrite(send) };
    const copied = chain(m, BufState.COPIED);
    if (copied !== 0) return { cost: cmd, run: () => this.request(copied, Req.STAGE, 'stage.req') };
    const phase = m.b(B.CHECK_RANGE);
    if (m.b(B.PREP_SEQ) < m.b(B.UNITS)) {
      if (phase === RANGE_COPY) return c.reqRing.size() < 8 ? { cost: cmd, run: () => this.rangeCopy() } : this.nextOwn();
      if (phase === RANGE_STREAM && m.b(B.PRIO_OUT) > 0) return this.nextOwn();
      for (let k = 0; k < NBUF; k++) {
        if (m.sb(k, SB.STATE) === BufState.FREE) return { cost: cmd, run: () => this.prepare(k) };
      }
    }
    return this.nextOwn();
  }

  /**
   * The step 503 may take without the step lock (Work.own): streaming the READY units next
   * in order to the tape. It reads and writes only what 503 owns: READY buffers (nobody
   * else writes one), its tape, its cursor B.SENT_SEQ. Null when there is none.
   */
  nextOwn(): Work | null {
    const { c, m } = this;
    if (this.restoring()) return null;
    if (m.b(B.STATE) !== BackupState.RUNNING || m.b(B.FAILED_SEG) >= 0) return null;
    if (m.w(W.P_STATE) !== PS.SPLIT && !backupIoFailed(m)) return null;
    const run = streamable(m);
    if (run.length === 0) return null;
    let blocks = 0;
    for (const k of run) blocks += m.sb(k, SB.N);
    return { cost: c.cost.tape(blocks * m.L.blockBytes, run.length), run: () => this.stream(run), own: true };
  }

  /**
   * A fresh 503 in place of a lost one (a live worker fault): a catalogued backup's runs so
   * far are computed again from 511 (staging-515.ts streamedRuns), a running restore's plan
   * from the tape and 511 (restore-503.ts); everything else 503 needs is in 507 and on its
   * tape.
   */
  carryOn(): void {
    const st = this.m.b(B.STATE);
    if (this.catalogued() && (st === BackupState.RUNNING || st === BackupState.HOLDING)) this.runs = streamedRuns(this.m, this.m.b(B.SENT_SEQ));
    if (this.restoring()) this.restorer.carryOn();
  }

  /** A running restore's plan: the tape records it puts back, in order. */
  restorePlan(): readonly { file: number; block: number; lba: number; n: number; seg: number }[] {
    return this.restorer.planned();
  }

  /** A catalogued backup's runs gathered so far (what its catalog entry will list). */
  runsSoFar(): readonly (readonly [number, number])[] {
    return this.runs;
  }

  private restoring(): boolean {
    const k = this.m.b(B.KIND);
    return k === JobKind.RESTORE_DISK || k === JobKind.RESTORE_SVOL;
  }

  private catalogued(): boolean {
    const k = this.m.b(B.KIND);
    return k === JobKind.FULL || k === JobKind.INCREMENTAL;
  }

  private start(): void {
    const { c, m } = this;
    this.loud = true;
    for (let k = 0; k < NBUF; k++) { m.setSb(k, SB.STATE, BufState.FREE); m.setSb(k, SB.SEQ, -1); }
    if (this.restoring()) {
      // The S-VOL takes the restore once 508 has no pending block left to copy into it.
      if (m.b(B.KIND) === JobKind.RESTORE_SVOL && c.diff.pending() > 0) {
        m.setB(B.STATE, BackupState.HOLDING);
        c.log('503', 'restore.hold', undefined, { pending: c.diff.pending() });
      } else this.restorer.start();
      return;
    }
    let total = 0;
    for (let s = 0; s < m.b(B.NSEG); s++) total += segWord(m, s, 1);
    if (m.b(B.KIND) === JobKind.INCREMENTAL) {
      // The split has happened (a combined one too), so the changed bitmap is frozen now.
      const inc = incrementalUnits(m);
      m.setB(B.UNITS, inc.units);
      total = inc.blocks;
    }
    m.setB(B.TOTAL_BLOCKS, total);
    this.overwritePartialFile();
    if (this.catalogued()) {
      this.runs = [];
      m.setB(B.TAPE_FILE, this.tape303.beginFile());
    }
    this.skipEmptySegments();
    const method = METHOD_CODES[m.b(B.METHOD)];
    const pending = c.diff.pending();
    if (method === 'wait' && pending > 0) {
      m.setB(B.STATE, BackupState.HOLDING);
      c.log('503', 'backup.hold', undefined, { pending });
      return;
    }
    m.setB(B.STATE, BackupState.RUNNING);
    c.log('503', 'backup.start', undefined, { method, pending });
    this.finishIfDone();
  }

  private release(): void {
    this.loud = true;
    this.m.setB(B.STATE, BackupState.RUNNING);
    this.c.log('503', 'backup.release', undefined, { pending: 0 });
    this.finishIfDone();
  }

  /** Whole-range check, copy phase: priority copies for every unit that has pending blocks. */
  private rangeCopy(): void {
    const { c, m } = this;
    const [lba, n, s] = takeUnit(m);
    const pending = c.diff.pendingIn(lba, n);
    if (pending > 0) {
      m.setB(B.PRIO_OUT, m.b(B.PRIO_OUT) + 1);
      c.log('503', 'priority.req', '508', { lba, n, pending });
      this.ask(Req.PRIO_RANGE, lba, n, s);
    }
    if (m.b(B.PREP_SEQ) === m.b(B.UNITS)) {
      // Every unit checked: now stream, from the start of the range again.
      m.setB(B.CHECK_RANGE, RANGE_STREAM);
      m.setB(B.PREP_SEG, 0); m.setB(B.PREP_OFF, 0); m.setB(B.PREP_SEQ, 0);
    }
  }

  private prepare(k0: number): void {
    const { c, m } = this;
    const method = METHOD_CODES[m.b(B.METHOD)];
    const [mask, lba, n] = assignGroup(m, k0);
    if (method === 'staging') { this.request(mask, Req.MERGE, 'merge.req'); return; }
    // 'naive' (the prior art's problem 2): straight to the S-VOL, 514 unread.
    if (method === 'naive') { this.request(mask, Req.STAGE, 'stage.req'); return; }
    const pending = c.diff.pendingIn(lba, n);
    if (method === 'priority' && pending > 0) {
      for (let k = 0; k < NBUF; k++) if (mask & (1 << k)) m.setSb(k, SB.STATE, BufState.COPY_REQ);
      c.log('503', 'priority.req', '508', { lba, n, pending });
      this.ask(Req.PRIO, mask);
      return;
    }
    this.request(mask, Req.STAGE, 'stage.req');
  }

  /** One request to 508 for the buffers of `mask` (their units follow on in LBA). */
  private request(mask: number, type: number, ev: string): void {
    const { c, m } = this;
    for (let k = 0; k < NBUF; k++) {
      if (!(mask & (1 << k))) continue;
      m.setSb(k, SB.STATE, BufState.STAGE_REQ);
      c.log('503', ev, '508', { lba: m.sb(k, SB.LBA), n: m.sb(k, SB.N) });
    }
    this.ask(type, mask);
  }

  /** A request to 508: served at once where this worker may (Ctx.serve508), else queued. */
  private ask(type: number, a: number, n = 0, seg = 0): void {
    const { c } = this;
    const s517 = c.m.w(W.S_STATE);
    if (c.serve508?.(type, a, n, seg)) {
      // A priority copy served here may have drained 514 and completed the split.
      if (c.m.w(W.S_STATE) !== s517) this.loud = true;
      return;
    }
    c.reqRing.push(type, a, n, seg);
    this.loud = true; // 508 serves it
  }

  private requestWrite(k: number): void {
    this.m.setSb(k, SB.STATE, BufState.WRITE_REQ);
    this.m.setB(B.SENT_SEQ, this.m.b(B.SENT_SEQ) + 1);
    this.c.log('503', 'dest.write', '508', { lba: this.m.sb(k, SB.DEST), n: this.m.sb(k, SB.N) });
    this.ask(Req.WRITE_DEST, k);
  }

  /**
   * 515 → tape (docs/patent.md#the-flows: 503 moves the data to the tape device 303), unit
   * after unit, then one commit. Touches only what 503 owns: READY buffers nobody else
   * writes, its tape, its cursor B.SENT_SEQ.
   */
  private stream(run: number[]): void {
    const { c, m } = this;
    const catalogued = this.catalogued();
    let sent = 0;
    try {
      for (const k of run) {
        const n = m.sb(k, SB.N), lba = m.sb(k, SB.LBA);
        c.tape.writeBlock(m.blocksAt(m.stagingPtr(k), n));
        c.log('503', 'tape.write', '303', { lba, n });
        sent++;
        if (!catalogued) continue;
        const last = this.runs[this.runs.length - 1];
        if (last && last[0] + last[1] === lba) last[1] += n;
        else this.runs.push([lba, n]);
      }
      c.tape.commit();
    } catch (e) {
      if (!(e instanceof DeviceError)) throw e;
      // The units before the failing one are on the tape; that one fails the backup (in
      // order, at B.SENT_SEQ: next()), which leaves its tape file without a tapemark.
      noteBackupFailure(c, e);
      m.setSb(run[sent], SB.STATE, BufState.FAILED);
      c.log('503', 'tape.error', '303', { lba: m.sb(run[sent], SB.LBA), message: e.message });
    }
    for (let i = 0; i < sent; i++) m.setSb(run[i], SB.STATE, BufState.WRITTEN);
    m.setB(B.SENT_SEQ, m.b(B.SENT_SEQ) + sent);
  }

  /** The failing I/O's reason: the storage ran out of room (a quota error), or a device failed. */
  private deviceFailure(): string {
    return backupOutOfRoom(this.m) ? 'storage quota exhausted' : 'device error';
  }

  /**
   * A tape file that an earlier backup left without its tapemark (it failed, or a reload
   * cut it off) is overwritten by this one, as a backup application repositions a tape
   * after a failed file: readers never see its blocks joined to this file's.
   */
  private overwritePartialFile(): void {
    const { c, m } = this;
    let tape = false;
    for (let s = 0; s < m.b(B.NSEG); s++) if (segWord(m, s, 2) === 0 && segWord(m, s, 1) > 0) tape = true;
    const partial = c.tape.partialBlocks;
    // A tape that cannot reposition keeps it (a catalogued backup then closes it: tape-303.ts).
    if (!tape || partial === 0 || !c.tape.canDiscard) return;
    c.tape.discardPartial();
    c.log('503', 'tape.partial.overwritten', '303', { blocks: partial });
  }

  private progress(k: number): void {
    const { m } = this;
    const n = m.sb(k, SB.N), s = m.sb(k, SB.SEG);
    m.setB(B.BLOCKS_DONE, m.b(B.BLOCKS_DONE) + n);
    m.setB(B.STREAM_SEQ, m.b(B.STREAM_SEQ) + 1);
    if (m.sb(k, SB.LBA) + n === segWord(m, s, 0) + segWord(m, s, 1)) {
      m.setB(B.SEGS_DONE, s + 1);
      this.skipEmptySegments();
    }
    m.setSb(k, SB.STATE, BufState.FREE);
    this.finishIfDone();
  }

  private skipEmptySegments(): void {
    const { m } = this;
    let d = m.b(B.SEGS_DONE);
    while (d < m.b(B.NSEG) && segWord(m, d, 1) === 0) d++;
    m.setB(B.SEGS_DONE, d);
  }

  private finishIfDone(): void {
    const { c, m } = this;
    if (m.b(B.STATE) !== BackupState.RUNNING || m.b(B.STREAM_SEQ) < m.b(B.UNITS)) return;
    // Done only while the S-VOL is still the frozen image (a step that suspended the pair
    // may have run since this backup's last check).
    if (m.w(W.P_STATE) !== PS.SPLIT) { this.fail(m.b(B.SEGS_DONE), 'the pair was suspended'); return; }
    let tape = false;
    for (let s = 0; s < m.b(B.NSEG); s++) if (segWord(m, s, 2) === 0) tape = true;
    if (tape) {
      try { c.tape.writeTapemark(); } catch (e) {
        if (!(e instanceof DeviceError)) throw e;
        noteBackupFailure(c, e);
        this.fail(Math.max(0, m.b(B.NSEG) - 1), this.deviceFailure());
        return;
      }
    }
    if (this.catalogued()) this.catalogue();
    m.setB(B.STATE, BackupState.DONE);
    this.loud = true; // 502 reports it, 508 resumes its background copy
    c.log('503', 'backup.done', '502', { blocks: m.b(B.BLOCKS_DONE) });
  }

  /**
   * A catalogued backup's data file is on the tape: its entry joins the tape's catalog, and
   * the chain's base moves to this split (the next resync starts the changed bitmap from
   * the writes since it, differential-514.ts).
   */
  private catalogue(): void {
    const { c, m } = this;
    const full = m.b(B.KIND) === JobKind.FULL;
    const lba = segWord(m, 0, 0), blocks = segWord(m, 0, 1);
    const point = this.tape303.appendCatalog({
      file: m.b(B.TAPE_FILE), level: full ? 'full' : 'incremental', base: full ? null : m.w(W.BASE_POINT),
      split: m.w(W.SPLIT_SEQ), splitAt: m.wf(W.SPLIT_AT), lba, blocks, blockBytes: m.L.blockBytes,
      records: m.b(B.UNITS), recordBlocks: m.b(B.UNIT), runs: this.runs,
    });
    m.setB(B.POINT, point);
    m.setW(W.BASE_SEQ, m.w(W.SPLIT_SEQ));
    m.setW(W.BASE_POINT, point);
    if (full) { m.setW(W.BASE_LBA, lba); m.setW(W.BASE_BLOCKS, blocks); }
  }

  private fail(seg: number, why: string): void {
    this.loud = true;
    this.m.setB(B.FAILURE, FAILURE_REASONS.indexOf(why));
    this.m.setB(B.FAILED_SEG, seg);
    this.m.setB(B.STATE, BackupState.FAILED);
    const pair = why === 'the pair was suspended' ? pairSuspendReason(this.c) : '';
    this.c.log('503', 'backup.failed', '502', { segment: seg, reason: pair ? `${why} (${pair})` : why });
  }
}

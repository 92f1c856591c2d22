/**
 * Channel processor 502 (docs/patent.md#parts, §0027): receives the backup command on port
 * 402/403, validates and parses it into 511, hands it to 503, and answers the backup server
 * at once (the command is accepted without waiting: claims 1, 5, 9, 14). When 503 ends it,
 * 502 reports the outcome. For embodiment 4 (§0038–0043, Figs. 10–11) the command carries
 * the split: 502 asks 501 to split (through 507) and answers only once 501 has done it.
 */
import { B, BackupState, JobKind, MAX_SEGMENTS, W, type Mem507 } from './memory-507.ts';
import { BackupHandle, METHOD_CODES, METHODS, isRestore, type BackupParams, type JobParams, type RestoreParams } from './backup.ts';
import { PS, refusal } from './pair-state.ts';
import { FAILURE_KINDS, FAILURE_REASONS } from './channel-503.ts';
import { backupFailureDetail, pairSuspendReason } from './device-errors.ts';
import type { Ctx, Processor, Work } from './context.ts';
import { segWord } from './staging-515.ts';

export class Channel502 implements Processor {
  readonly actor = '502' as const;
  /** Ports 402/403's queue of backup commands. */
  readonly port: BackupHandle[] = [];
  private current: BackupHandle | null = null;
  private combining = false;

  /**
   * Everything 502 needs from 501 and 503 is in 507. Extra arguments are ignored: the live
   * runtime (src/runtime/live/roles.ts) still passes a 501 and a 503 it no longer needs.
   */
  constructor(private readonly c: Ctx, ..._unused: unknown[]) {}
  private get m(): Mem507 { return this.c.m; }

  next(): Work | null {
    const { c, m } = this;
    const cmd = c.cost.cmd();
    if (this.combining) return m.w(W.SPLIT_DONE) !== 0 ? { cost: cmd, run: () => this.combinedAnswer() } : null;
    const st = m.b(B.STATE);
    if (this.current && (st === BackupState.DONE || st === BackupState.FAILED)) return { cost: cmd, run: () => this.report() };
    // One backup at a time in 511; the next waits until the last one's requests drained.
    if (this.port.length > 0 && !this.current && c.reqRing.size() === 0) return { cost: cmd, run: () => this.accept() };
    return null;
  }

  /** No command waits in the port and no combined split is under way (a live worker of 502 may be halted). */
  idle(): boolean {
    return this.port.length === 0 && !this.combining;
  }

  /**
   * A fresh 502 in place of a lost one (a live worker fault): the job 511 holds, accepted and
   * not yet reported, is this one's to report when it ends, under its id. Returns its handle,
   * or null when 511 holds none.
   */
  carryOn(onAnswer: (h: BackupHandle) => void, onEnd: (h: BackupHandle) => void): BackupHandle | null {
    const { m } = this;
    if (m.b(B.STATE) === BackupState.IDLE || m.b(B.REPORTED) === 1) return null;
    const h = new BackupHandle(m.b(B.ID), this.jobIn511(), m, onAnswer, onEnd);
    h.status = 'accepted';
    this.current = h;
    return h;
  }

  /** The job accept() wrote into 511, read back (acceptRestore's for a restore). */
  private jobIn511(): JobParams {
    const { m } = this;
    const kind = m.b(B.KIND);
    if (kind === JobKind.RESTORE_DISK || kind === JobKind.RESTORE_SVOL) {
      return { restore: true, point: m.b(B.POINT), to: kind === JobKind.RESTORE_SVOL ? 'svol' : 'disk' };
    }
    const code = METHOD_CODES[m.b(B.METHOD)];
    return {
      method: code === 'naive' ? 'priority' : code, transferBlocks: m.b(B.UNIT),
      ...(code === 'naive' ? { naive: true } : {}),
      ...(kind === JobKind.FULL ? { level: 'full' as const } : kind === JobKind.INCREMENTAL ? { level: 'incremental' as const } : {}),
      segments: Array.from({ length: m.b(B.NSEG) }, (_, k) => ({
        lba: segWord(m, k, 0), blocks: segWord(m, k, 1),
        dest: segWord(m, k, 2) === 0 ? { kind: 'tape' as const } : { kind: 'disk' as const, lba: segWord(m, k, 3) },
      })),
    };
  }

  /** Why `p` would be refused now (before any data moves), or null. */
  check(p: JobParams): string | null {
    if (isRestore(p)) return this.checkRestore(p);
    const { c, m } = this;
    if (!METHODS.includes(p.method)) return `method must be one of ${METHODS.join(', ')}`;
    if (p.segments.length > MAX_SEGMENTS) return `at most ${MAX_SEGMENTS} segments`;
    if (!Number.isInteger(p.transferBlocks) || p.transferBlocks < 1 || p.transferBlocks > m.L.unitMax) {
      return `transferBlocks must be 1..${m.L.unitMax}`;
    }
    for (const [i, s] of p.segments.entries()) {
      if (!Number.isInteger(s.lba) || !Number.isInteger(s.blocks) || s.lba < 0 || s.blocks < 0 || s.lba + s.blocks > m.L.blocks) {
        return `segment ${i}: LBA range ${s.lba}+${s.blocks} is outside the S-VOL (${m.L.blocks} blocks)`;
      }
      if (s.dest.kind === 'disk') {
        const d = c.backupDisk;
        if (!d) return `segment ${i}: no disk backup target`;
        if (!Number.isInteger(s.dest.lba) || s.dest.lba < 0 || s.dest.lba + s.blocks > d.blocks) {
          return `segment ${i}: destination range ${s.dest.lba}+${s.blocks} is outside the target (${d.blocks} blocks)`;
        }
      }
    }
    const p516 = m.w(W.P_STATE);
    if (p.level) {
      const why = this.checkLevel(p);
      if (why) return why;
    }
    if (p.combinedSplit) return refusal('split', p516, false);
    if (p516 === PS.SUSPENDED) return `pair suspended (${pairSuspendReason(this.c)}): the S-VOL holds no consistent image; resync it first`;
    if (p516 !== PS.SPLIT) return 'the pair is not split: split it first, or use a combined split';
    if (c.diff.restoredCount() > 0) return 'a restore wrote the S-VOL since the split: it no longer holds the split image (resync and split again)';
    return null;
  }

  /** A catalogued backup: to the tape; an incremental needs a chain to extend, over its range. */
  private checkLevel(p: BackupParams): string | null {
    const { m } = this;
    if (p.segments.some((s) => s.dest.kind !== 'tape')) return 'a catalogued backup goes to the tape only';
    if (p.level !== 'incremental') return null;
    if (m.w(W.BASE_SEQ) === 0) return 'incremental refused: no full backup of this pair to build on (back up a full first)';
    const [s] = p.segments;
    if (p.segments.length !== 1 || s.lba !== m.w(W.BASE_LBA) || s.blocks !== m.w(W.BASE_BLOCKS)) {
      return `incremental refused: the chain's range is ${m.w(W.BASE_LBA)}+${m.w(W.BASE_BLOCKS)}`;
    }
    if (!p.combinedSplit && m.w(W.BASE_SEQ) === m.w(W.SPLIT_SEQ)) return 'incremental refused: this split is already backed up (resync and split again)';
    return null;
  }

  private checkRestore(p: RestoreParams): string | null {
    const { c, m } = this;
    const dest = p.to === 'disk' ? c.backupDisk : c.svol;
    if (p.to === 'disk' && !dest) return 'restore refused: no backup disk';
    if (p.to === 'svol') {
      const p516 = m.w(W.P_STATE);
      if (p516 !== PS.SPLIT && p516 !== PS.SIMPLEX) return 'restore to the S-VOL refused: the pair is not split (a paired S-VOL takes no writes)';
    }
    if (p.point !== undefined && (!Number.isInteger(p.point) || p.point < 0)) return 'restore point must be a whole number ≥ 0';
    if (p.point === undefined && !p.extents) return 'restore needs a catalog point or tape extents';
    if (p.extents) {
      if (p.extents.length > MAX_SEGMENTS) return `at most ${MAX_SEGMENTS} extents`;
      for (const [i, x] of p.extents.entries()) {
        const ok = [x.file, x.block, x.blocks, x.lba].every((v) => Number.isInteger(v) && v >= 0) && x.file >= 1;
        if (!ok || x.lba + x.blocks > dest!.blocks) return `extent ${i}: destination range ${x.lba}+${x.blocks} is outside ${p.to === 'disk' ? 'the backup disk' : 'the S-VOL'} (${dest!.blocks} blocks)`;
      }
    }
    return null;
  }

  private accept(): void {
    const { c, m } = this;
    const h = this.port.shift()!;
    const why = this.check(h.params);
    if (why) {
      h.status = 'refused';
      h.reason = why;
      c.log('502', isRestore(h.params) ? 'restore.refused' : 'backup.refused', '102', { reason: why });
      h.onAnswer?.(h);
      return;
    }
    const p = h.params;
    m.u8.fill(0, m.L.p511, m.L.p511 + B.SEG0 * 4);
    m.setB(B.ID, h.id);
    if (isRestore(p)) { this.acceptRestore(h, p); return; }
    m.setB(B.KIND, p.level === 'full' ? JobKind.FULL : p.level === 'incremental' ? JobKind.INCREMENTAL : JobKind.PLAIN);
    m.setB(B.METHOD, METHOD_CODES.indexOf(p.naive ? 'naive' : p.method));
    m.setB(B.UNIT, p.transferBlocks);
    m.setB(B.CHECK_RANGE, p.checkWholeRange && p.method === 'priority' && !p.naive ? 1 : 0);
    m.setB(B.NSEG, p.segments.length);
    m.setB(B.FAILED_SEG, -1);
    let units = 0;
    p.segments.forEach((s, k) => {
      m.setB(B.SEG0 + 4 * k, s.lba);
      m.setB(B.SEG0 + 4 * k + 1, s.blocks);
      m.setB(B.SEG0 + 4 * k + 2, s.dest.kind === 'tape' ? 0 : 1);
      m.setB(B.SEG0 + 4 * k + 3, s.dest.kind === 'disk' ? s.dest.lba : 0);
      units += Math.ceil(s.blocks / p.transferBlocks);
    });
    m.setB(B.UNITS, units);
    this.current = h;
    c.log('502', 'backup.parse', undefined, { segments: p.segments.length, units, method: p.method, combined: !!p.combinedSplit });
    if (p.combinedSplit) {
      this.combining = true;
      m.setW(W.SPLIT_DONE, 0);
      m.setW(W.SPLIT_REQ, 1);
      c.log('502', 'split.req', '501');
      return;
    }
    this.handOff(h);
  }

  /** 503 plans a restore's units when it starts (it reads the catalog from its tape). */
  private acceptRestore(h: BackupHandle, p: RestoreParams): void {
    const { c, m } = this;
    m.setB(B.KIND, p.to === 'disk' ? JobKind.RESTORE_DISK : JobKind.RESTORE_SVOL);
    m.setB(B.POINT, p.point ?? -1);
    m.setB(B.FAILED_SEG, -1);
    const xs = p.extents ?? [];
    m.setB(B.NSEG, xs.length);
    xs.forEach((x, k) => {
      m.setB(B.SEG0 + 4 * k, x.file);
      m.setB(B.SEG0 + 4 * k + 1, x.block);
      m.setB(B.SEG0 + 4 * k + 2, x.blocks);
      m.setB(B.SEG0 + 4 * k + 3, x.lba);
    });
    this.current = h;
    c.log('502', 'restore.parse', undefined, { to: p.to, ...(p.point !== undefined ? { point: p.point } : { extents: xs.length }) });
    this.handOff(h);
  }

  private handOff(h: BackupHandle): void {
    const { c, m } = this;
    m.setB(B.STATE, BackupState.ACCEPTED);
    h.status = 'accepted';
    h.acceptedAt = c.now();
    c.log('502', 'backup.handoff', '503');
    if (isRestore(h.params)) c.log('502', 'restore.accepted', '102', { to: h.params.to });
    else c.log('502', 'backup.accepted', '102', { split: !!h.params.combinedSplit });
    h.onAnswer?.(h);
  }

  private combinedAnswer(): void {
    const h = this.current!;
    this.combining = false;
    const done = this.m.w(W.SPLIT_DONE);
    this.m.setW(W.SPLIT_DONE, 0); // 501 may acknowledge writes again (after this answer)
    if (done === 1) { this.handOff(h); return; }
    this.current = null;
    h.status = 'refused';
    h.reason = refusal('split', this.m.w(W.P_STATE), false) ?? 'split refused';
    this.c.log('502', 'backup.refused', '102', { reason: h.reason });
    h.onAnswer?.(h);
  }

  private report(): void {
    const h = this.current!;
    this.current = null;
    const ok = this.m.b(B.STATE) === BackupState.DONE;
    this.m.setB(B.REPORTED, 1);
    this.c.log('502', isRestore(h.params) ? 'restore.report' : 'backup.report', '102', { ok, blocks: this.m.b(B.BLOCKS_DONE) });
    const code = this.m.b(B.FAILURE);
    h.finish(ok, this.c.now(), ok ? '' : this.failureReason(code), ok ? 'none' : FAILURE_KINDS[code] ?? 'other');
  }

  /** E.g. "device error: tape write at block 12", "the pair was suspended (S-VOL write error at LBA 3)". */
  private failureReason(code: number): string {
    const why = FAILURE_REASONS[code] || 'failed';
    const d = backupFailureDetail(this.m);
    if (d?.quota) return `${why} at ${d.device} ${d.device === 'tape' ? 'block' : 'LBA'} ${d.lba}: it cannot grow; the volumes are intact (free some space and back up again)`;
    if (d && FAILURE_KINDS[code] !== 'pair-state') return `${why}: ${d.device} ${d.op} at ${d.device === 'tape' ? 'block' : 'LBA'} ${d.lba}`;
    const pair = pairSuspendReason(this.c);
    return pair ? `${why} (${pair})` : why;
  }
}

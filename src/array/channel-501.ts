/**
 * Channel processor 501 (docs/patent.md#parts, §0016): client I/O into cache with an
 * immediate acknowledgement, and the pair commands, the split above all. It handles its
 * port's commands in arrival order, so the split is one point in the stream of writes:
 * every write acknowledged before the split ack is in the image, none after it.
 *
 * Quick split (§0024, §0026): 516 := split, 517 := split-pending, ack at once; the pending
 * bits stay in 514 and new writes go to the post-split bitmap (O(1), differential-514.ts).
 * Copy before write: a post-split write to a block still pending in 514 first asks 508 to
 * copy that block to the S-VOL, then goes to cache. The prior art ('sync' split) holds the
 * ack, and every later command of the port, until 514 is empty.
 */
import { BackupState, B, W, type Mem507 } from './memory-507.ts';
import { PAIR_STATES, PS, refusal, type PairOp, type PairResult } from './pair-state.ts';
import type { Ctx, Processor, Work } from './context.ts';

export type HostCmd =
  | { kind: 'write'; lba: number; blocks: number; data: Uint8Array; onAck?: (t: number) => void; id?: number }
  | { kind: 'pair'; op: PairOp; sync?: boolean; onDone?: (r: PairResult, t: number) => void };

/** How far into the port queue 501 looks for a write that can go ahead. */
const WINDOW = 32;

export class Channel501 implements Processor {
  readonly actor = '501' as const;
  /** Port 401's command queue (host → controller, not between processors). */
  readonly port: HostCmd[] = [];
  /** A 'sync' split whose ack waits for 514 to drain. */
  private held: Extract<HostCmd, { kind: 'pair' }> | null = null;

  constructor(private readonly c: Ctx) {}
  private get m(): Mem507 { return this.c.m; }

  next(): Work | null {
    const { c, m } = this;
    const cmd = c.cost.cmd();
    if (m.w(W.SPLIT_REQ) === 1) return { cost: cmd, run: () => this.combinedSplit() };
    // A combined split is done but 502 has not answered yet: acknowledging a write now would
    // put an acknowledgement before the split's answer that is not in the image.
    if (m.w(W.SPLIT_DONE) !== 0) return null;
    if (this.held) {
      const s = m.w(W.S_STATE);
      return s === PS.SPLIT_PENDING ? null : { cost: cmd, run: () => this.releaseHeld() };
    }
    // Writes that overlap no earlier queued write may pass one that waits (for a copy
    // before write or a cache slot), as independent I/Os do; nothing passes a pair command.
    const port = this.port;
    for (let i = 0; i < Math.min(port.length, WINDOW); i++) {
      const w = port[i];
      if (w.kind === 'pair') return i === 0 ? { cost: cmd, run: () => this.pair() } : null;
      if (this.overlapsEarlier(i)) continue;
      if (m.w(W.P_STATE) === PS.SPLIT && c.diff.pendingIn(w.lba, w.blocks) > 0) {
        if (m.w(W.COW_STATE) !== 1) return { cost: cmd, run: () => this.requestCows(i) };
        continue;
      }
      if (!c.cache.canTake(w.lba, w.blocks)) {
        if (m.w(W.CACHE_WAIT) !== 1) return { cost: cmd, run: () => m.setW(W.CACHE_WAIT, 1) };
        continue;
      }
      return { cost: c.cost.cache(w.data.byteLength), run: () => this.write(w) };
    }
    return null;
  }

  private overlapsEarlier(i: number): boolean {
    const w = this.port[i] as Extract<HostCmd, { kind: 'write' }>;
    for (let j = 0; j < i; j++) {
      const e = this.port[j] as Extract<HostCmd, { kind: 'write' }>;
      if (e.lba < w.lba + w.blocks && w.lba < e.lba + e.blocks) return true;
    }
    return false;
  }

  private backupActive(): boolean {
    const s = this.m.b(B.STATE);
    return s === BackupState.ACCEPTED || s === BackupState.HOLDING || s === BackupState.RUNNING;
  }

  /** No command waits in the port and no split is held (a live worker of 501 may be halted). */
  idle(): boolean {
    return this.port.length === 0 && this.held === null;
  }

  /** Why `op` would be refused now, or null. */
  check(op: PairOp): string | null {
    return refusal(op, this.m.w(W.P_STATE), this.backupActive());
  }

  /**
   * Asks 508 for the copies before write of every write in the window from `from` on that
   * needs one, in one request: while a batch is with 508 the next writes gather, so the
   * copies keep up with the client however long the round trip between the two processors
   * takes (one copy at a time capped the client at one write per round trip).
   */
  private requestCows(from: number): void {
    const { c, m, port } = this;
    m.setW(W.COW_STATE, 1);
    for (let j = from; j < Math.min(port.length, WINDOW); j++) {
      const w = port[j];
      if (w.kind === 'pair') break;
      if (c.diff.pendingIn(w.lba, w.blocks) === 0) continue;
      c.cowRing.push(1, w.lba, w.blocks);
      c.log('501', 'cow.req', '508', { lba: w.lba, n: w.blocks });
    }
  }

  private write(w: Extract<HostCmd, { kind: 'write' }>): void {
    const { c, m } = this;
    this.port.splice(this.port.indexOf(w), 1);
    const p = m.w(W.P_STATE);
    if (p === PS.SPLIT && c.diff.pendingIn(w.lba, w.blocks) > 0) {
      throw new Error(`501: write to ${w.lba}+${w.blocks} would overwrite split-instant data`);
    }
    c.cache.write(w.lba, w.blocks, w.data);
    if (p === PS.DUPLEX || p === PS.DUPLEX_PENDING) {
      c.diff.markDiff(w.lba, w.blocks);
      c.diff.markChanged(w.lba, w.blocks);
    } else if (p === PS.SPLIT || p === PS.SUSPENDED) c.diff.markPost(w.lba, w.blocks);
    w.onAck?.(c.now());
  }

  private pair(): void {
    const cmd = this.port.shift() as Extract<HostCmd, { kind: 'pair' }>;
    const r = this.apply(cmd.op);
    if (r.ok && cmd.op === 'split' && cmd.sync && this.m.w(W.S_STATE) === PS.SPLIT_PENDING) {
      this.held = cmd;
      this.c.log('501', 'split.hold', undefined, { pending: this.c.diff.pending() });
      return;
    }
    this.answer(cmd, r);
  }

  private releaseHeld(): void {
    const cmd = this.held!;
    this.held = null;
    const s = this.m.w(W.S_STATE);
    this.answer(cmd, s === PS.SPLIT ? this.states() : { ok: false, reason: `split failed: pair is ${PAIR_STATES[s]}` });
  }

  private answer(cmd: Extract<HostCmd, { kind: 'pair' }>, r: PairResult): void {
    const ev = cmd.op === 'split' ? 'split.ack' : `${cmd.op}.ack`;
    this.c.log('501', ev, '101', r.ok ? { p516: r.p516, s517: r.s517 } : { refused: r.reason });
    cmd.onDone?.(r, this.c.now());
  }

  private combinedSplit(): void {
    const r = this.apply('split');
    this.m.setW(W.SPLIT_DONE, r.ok ? 1 : 2);
    this.m.setW(W.SPLIT_REQ, 0);
    this.c.log('501', 'split.done', '502', r.ok ? { p516: r.p516, s517: r.s517 } : { refused: r.reason });
  }

  private states(): PairResult {
    return { ok: true, p516: PAIR_STATES[this.m.w(W.P_STATE)], s517: PAIR_STATES[this.m.w(W.S_STATE)] };
  }

  /** The pair state machine's effects (docs/patent.md#pair-states); refusals change nothing. */
  private apply(op: PairOp): PairResult {
    const { c, m } = this;
    const why = this.check(op);
    if (why) return { ok: false, reason: why };
    const set = (p: number, s: number) => { m.setW(W.P_STATE, p); m.setW(W.S_STATE, s); };
    switch (op) {
      case 'create':
        c.diff.setAll(); // formation copy: every block (§0020)
        m.setW(W.BASE_SEQ, 0); // a new pair: no incremental chain yet
        set(PS.DUPLEX_PENDING, PS.DUPLEX_PENDING);
        break;
      case 'split': {
        const pending = c.diff.pending();
        m.setW(W.PENDING_AT_SPLIT, pending);
        m.addW(W.SPLIT_SEQ, 1);
        m.setWf(W.SPLIT_AT, c.now());
        set(PS.SPLIT, pending > 0 ? PS.SPLIT_PENDING : PS.SPLIT);
        c.log('501', 'split', pending > 0 ? '508' : undefined, { pendingAtSplit: pending });
        break;
      }
      case 'resync':
        // After a suspension (PSUE) nothing is trusted: every block is copied and the chain ends.
        if (m.w(W.P_STATE) === PS.SUSPENDED) { c.diff.setAll(); m.setW(W.BASE_SEQ, 0); }
        else c.diff.resync(m.w(W.BASE_SEQ) === m.w(W.SPLIT_SEQ));
        m.setW(W.SUSPEND_CAUSE, 0);
        set(c.diff.pending() > 0 ? PS.DUPLEX_PENDING : PS.DUPLEX, c.diff.pending() > 0 ? PS.DUPLEX_PENDING : PS.DUPLEX);
        break;
      case 'delete':
        c.diff.clearAll();
        m.setW(W.BASE_SEQ, 0);
        m.setW(W.SUSPEND_CAUSE, 0);
        set(PS.SIMPLEX, PS.SIMPLEX);
        break;
    }
    return this.states();
  }

  /** A client read (synchronous): the newest data, from cache or else the P-VOL. */
  read(lba: number, n: number, into: Uint8Array): void {
    const { c, m } = this;
    const bb = m.L.blockBytes;
    for (let i = 0; i < n; i++) {
      const slot = c.cache.slotOf(lba + i);
      if (slot >= 0) into.set(m.u8.subarray(m.slotPtr(slot), m.slotPtr(slot) + bb), i * bb);
      else c.pvol.read(lba + i, 1, into.subarray(i * bb, (i + 1) * bb));
    }
  }
}

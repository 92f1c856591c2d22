/**
 * Keeps the durable metadata record (metadata-record.ts) in step with 507 during a live
 * run (docs/live.md#durability). The host calls maybeCommit() after each step (under the
 * step lock where processors have workers of their own): when a step changed a pair state
 * (516/517), the backup state or the split count, a new record is written (and flushed, in
 * 'flush' durability) before the step's answers are published (port-adapters.ts), so no
 * server ever sees a state the array could forget.
 * Records written while I/O runs are not CLEAN (their bitmaps are not trusted after a
 * reload); the bridge writes one CLEAN record at the end, after every volume is flushed.
 *
 * The last sequence number and the last committed state live in the shared live block, so
 * the four workers write one sequence of records between them.
 */
import type { Ctx } from '../../array/context.ts';
import type { Actor } from '../../array/events.ts';
import { B, BackupState, W } from '../../array/memory-507.ts';
import { PAIR_STATES, PS } from '../../array/pair-state.ts';
import type { DifferentialKeeper } from './differential-514-store.ts';
import { MetadataJournal, type SlotStore } from './metadata-journal.ts';
import { crc32c } from './metadata-record.ts';
import type { InFlightOp, MetadataRecord, RunInfo } from './metadata-record.ts';
import { LB, type LiveBlock } from './processor-host.ts';

/** What a record says about the run, so a reload can report it and run it again. */
export type RunLabel = RunInfo;

const EMPTY = new Uint8Array(0);
/** 511's job states by number (BackupState), as the record names them. */
const BACKUP_STATE = ['idle', 'accepted', 'holding', 'running', 'done', 'failed'];

/**
 * CRC-32C by the core over a copy of `bytes` in 508's scratch area, for records written
 * between steps (the metadata record, 514's snapshot: differential-514-store.ts), when no
 * step is using it; the plain loop beyond the area's size.
 */
export function coreChecksum(ctx: Ctx): (bytes: Uint8Array) => number {
  return (bytes) => {
    const { core, m } = ctx;
    if (bytes.length > 2 * m.L.scratchBlocks * m.L.blockBytes) return crc32c(bytes);
    new Uint8Array(core.memory.buffer, m.L.scratch508, bytes.length).set(bytes);
    return core.checksum(m.L.scratch508, bytes.length) >>> 0;
  };
}

export class MetadataPersister {
  constructor(private readonly store: SlotStore, private readonly ctx: Ctx, private readonly live: LiveBlock,
    private readonly label: RunLabel, private readonly actor: Actor, private readonly keeper?: DifferentialKeeper) {}

  /**
   * The watched words; a change in any of them is a state change to persist. A backup's
   * accepted, holding and running states are one "in flight" to a record (record() says
   * no more), so a backup starting to stream costs no flush.
   */
  private key(): number[] {
    const m = this.ctx.m;
    const b = m.b(B.STATE);
    const inFlight = b === BackupState.ACCEPTED || b === BackupState.HOLDING || b === BackupState.RUNNING;
    return [m.w(W.P_STATE), m.w(W.S_STATE), inFlight ? BackupState.ACCEPTED : b, m.w(W.SPLIT_SEQ), m.b(B.ID)];
  }

  /**
   * CRC-32C by the core (compiled WebAssembly) over a copy of the record in 508's scratch
   * area: every commit runs with the step lock held (or with the array quiet), when no step
   * is using it. The plain loop of metadata-record.ts runs cold in each worker, which only
   * commits a few records a run, and every commit is on the ack path (figures in
   * docs/live.md#durability).
   */
  private get crc(): (bytes: Uint8Array) => number { return (this.crcOf ??= coreChecksum(this.ctx)); }
  private crcOf?: (bytes: Uint8Array) => number;

  /** `actor`: the processor whose step ran (the one worker of all four names it). */
  maybeCommit(actor: Actor = this.actor): boolean {
    // 514's record first: a split's boundary and first snapshot are written before the
    // record that says split-pending, and a copy's cleared bits before any answer after it.
    this.keeper?.afterStep();
    const k = this.key();
    let same = true;
    for (let i = 0; i < k.length; i++) if (this.live.word(LB.KEY0 + i) !== k[i]) same = false;
    if (same) return false;
    const t0 = performance.now();
    const seq = this.commit(false);
    // The state change is durable from here: its answer may go out (the bench measures the
    // split's ack up to this point, and what the record cost).
    this.ctx.log(actor, 'record.durable', undefined, { seq, ms: Math.round((performance.now() - t0) * 1000) / 1000, flushed: this.store.flushes ?? true });
    k.forEach((v, i) => this.live.setWord(LB.KEY0 + i, v));
    return true;
  }

  commit(clean: boolean): number {
    const j = new MetadataJournal(this.store, this.live.word(LB.META_SEQ), this.crc);
    const seq = j.commit(this.record(clean));
    this.live.setWord(LB.META_SEQ, seq);
    return seq;
  }

  record(clean: boolean): Omit<MetadataRecord, 'sequence'> {
    const { m, diff } = this.ctx;
    const p = m.w(W.P_STATE), s = m.w(W.S_STATE), b = m.b(B.STATE);
    const inFlight: InFlightOp[] = [];
    const detail = { scenario: this.label.scenario, mode: this.label.mode };
    if (s === PS.SPLIT_PENDING) {
      inFlight.push({ kind: 'split', id: `split-${m.w(W.SPLIT_SEQ)}`, startedAt: this.label.startedAt, detail });
    }
    if (b === BackupState.ACCEPTED || b === BackupState.HOLDING || b === BackupState.RUNNING) {
      // What a recovery needs to say where it stopped (recovery-tape.ts): its list id, its
      // state (only a running backup wrote to the tape), its unit and its segments.
      const segments = Array.from({ length: m.b(B.NSEG) }, (_, s) => `${m.b(B.SEG0 + 4 * s)}+${m.b(B.SEG0 + 4 * s + 1)}`).join(',');
      inFlight.push({
        kind: 'backup', id: `backup-${m.b(B.ID)}`, startedAt: this.label.startedAt,
        detail: { ...detail, blocksDone: m.b(B.BLOCKS_DONE), listId: m.b(B.ID) & 0xff, state: BACKUP_STATE[b], unit: m.b(B.UNIT), segments },
      });
    }
    return {
      clean,
      pairs: [{
        pvol: 'pvol-601', svol: 'svol-602', blocks: m.L.blocks,
        state516: PAIR_STATES[p], state517: PAIR_STATES[s],
        ...(s === PS.SPLIT_PENDING ? { splitSeq: m.w(W.SPLIT_SEQ) } : {}),
        // An unclean record carries no bitmaps (metadata-record.ts): not copied for nothing
        // on the ack path (32 KiB each at 1 GiB).
        diff514: clean ? diff.bytesOf(diff.diff) : EMPTY, postSplit: clean ? diff.bytesOf(diff.post) : EMPTY,
      }],
      inFlight,
      run: this.label,
    };
  }
}

/**
 * The channel ports in the live runtime (401–403, docs/patent.md#parts): in the sim, the servers
 * push commands straight into 501's and 502's JS port queues; here the servers live in
 * another worker, so each port is a shared-memory ring (live-layout.ts) that the channel
 * processor's worker drains into that same queue. The durability points (docs/live.md
 * "Durability"): a write is queued at 501 only after its journal record is written (and
 * flushed in 'flush' durability), so 501 never acknowledges one the journal lacks; answers
 * (write acks, pair and backup answers) are held until the step ends and published by
 * `publish()`, which the host calls after the step's metadata record is written; a backup's
 * end waits in addition for its tape's flush (its tapemark's ticket). No server sees an
 * answer the array could forget.
 */
import { BackupHandle, type Method } from '../../array/backup.ts';
import { B } from '../../array/memory-507.ts';
import type { Channel501 } from '../../array/channel-501.ts';
import type { Channel502 } from '../../array/channel-502.ts';
import type { Ctx, Processor, Work } from '../../array/context.ts';
import type { PairResult } from '../../array/pair-state.ts';
import { PAIR_STATES } from '../../array/pair-state.ts';
import { FAILURES, K, LEVELS, PAIR_OPS, PORT_WORDS, STATUS, putText, type LiveLayout } from './live-layout.ts';
import { MpmcRing } from './mpmc-ring.ts';
import { UNAPPLIED_WRITES } from './cache-journal.ts';
import { decodeBackup } from './xcopy-port.ts';

/** µs since the epoch, as an i32 (runs are far shorter than 35 minutes). */
const us = (t: number) => Math.round(t * 1000) | 0;

/** The cache journal (cache-journal.ts) as the port uses it. */
export interface WriteJournal {
  append(id: number, lba: number, blocks: number, data: Uint8Array): void;
  /** Writes every appended record (and flushes, in 'flush' durability). */
  commit(): void;
  /** 501 took write `id` into cache. */
  applied(id: number, lba: number, blocks: number): void;
}

/** Is a flush ticket done (flusher.ts)? Answers that wait for one are held until it is. */
export type TicketDone = (ticket: number) => boolean;

abstract class Adapter implements Processor {
  abstract readonly actor: '501' | '502';
  /** Answers not yet published, each with the flush ticket it waits for (0: none). */
  protected readonly out: number[][] = [];
  protected readonly tickets: number[] = [];
  constructor(protected readonly inner: Processor, private readonly answers: MpmcRing,
    private readonly ring: () => void, private readonly ticketDone: TicketDone = () => true) {}

  abstract hasInput(): boolean;
  abstract drain(): void;

  next(): Work | null {
    return this.inner.next();
  }

  /** Drains the port ring into the processor's own queue (no shared state: runs unlocked). */
  pull(): boolean {
    if (!this.hasInput()) return false;
    this.drain();
    // A drain can answer by itself (a refused parameter list): no state changed, publish now.
    this.publish();
    return true;
  }

  protected answer(rec: number[], ticket = 0): void {
    this.out.push(rec);
    this.tickets.push(ticket);
  }

  /** Answers held for a flush ticket (the host stays awake for them: the flusher rings when done). */
  holding(): boolean {
    return this.out.length > 0;
  }

  /**
   * Pushes the step's answers in order, up to the first whose ticket is not done or that
   * does not fit, and rings the servers' doorbell if any went out. Returns how many.
   */
  publish(): number {
    let n = 0;
    while (this.out.length && this.ticketDone(this.tickets[0]) && this.answers.tryPush(this.out[0])) {
      this.out.shift();
      this.tickets.shift();
      n++;
    }
    if (n) this.ring();
    return n;
  }
}

export class Port401 extends Adapter {
  readonly actor = '501' as const;
  private readonly port: MpmcRing;
  private readonly rec = new Int32Array(PORT_WORDS);
  /** The last write id journaled (ids rise in port order): the split's boundary (differential-514-store.ts). */
  private lastId = -1;
  /** The time stamped on 501's last answer, µs: each next one is later (stamp()). */
  private lastUs = -1;
  /** `lastId`: the newest write id already journaled (a restarted 501 carries the journal on). */
  constructor(private readonly p501: Channel501, private readonly c: Ctx, private readonly lay: LiveLayout,
    private readonly journal: WriteJournal | null, ring: () => void, private readonly maxQueued = UNAPPLIED_WRITES, lastId = -1) {
    super(p501, MpmcRing.attach(c.core.memory.buffer, lay.ack401), ring);
    this.port = MpmcRing.attach(c.core.memory.buffer, lay.port401);
    this.lastId = lastId;
  }

  /**
   * Nothing of 501's in this worker's memory that 507 and the files lack: no command taken
   * from the port and not yet done, no held split, no answer unpublished. A worker fault
   * halts 501's worker only then (roles.ts), its port left undrained meanwhile.
   */
  quiet(): boolean {
    return this.p501.idle() && !this.holding();
  }

  /**
   * Where a split falls in the journaled writes (read right after the split's step): those
   * journaled later, and those journaled but not yet taken by 501, are post-split. The
   * recovery must not replay them over a block still pending in 514 (recovery-514.ts).
   */
  boundary(): { lastJournaledId: number; untaken: number[] } {
    const untaken: number[] = [];
    for (const c of this.p501.port) if (c.kind === 'write' && c.id !== undefined) untaken.push(c.id);
    return { lastJournaledId: this.lastId, untaken };
  }

  /**
   * 501's answers are stamped in the order 501 gave them, each at least 1 µs after the last:
   * the oracle puts a write in the split's image when its ack time is before the split's
   * (src/oracle/oracle.ts), and two of 501's steps can read the same tick of a browser's
   * coarsened clock (5 µs, or more), so a write acknowledged just before the split must not
   * be stamped with the split's time. (Seen: a write and the split in one tick, the oracle
   * took the write for a post-split one and the tape's true image for a violation.)
   */
  private stamp(t: number): number {
    this.lastUs = Math.max(us(t), this.lastUs + 1);
    return this.lastUs;
  }

  /** Commands wait in the ring while 501 already holds maxQueued (the journal's carry bound, cache-journal.ts). */
  hasInput(): boolean { return this.port.size() > 0 && this.p501.port.length < this.maxQueued; }

  /**
   * Takes the queued commands (while 501 holds fewer than maxQueued), journals the writes
   * with one write call, then queues them at 501: none can be acknowledged before its
   * record is in the journal file. A write's answer carries when this drain began and when
   * its journal record was written (src/runtime/ack-stages.ts: where its time went).
   */
  drain(): void {
    const rec = this.rec;
    const cmds: (() => void)[] = [];
    const mem = this.c.core.memory;
    const stamps = { drained: us(this.c.now()), journaled: 0 };
    while (this.p501.port.length + cmds.length < this.maxQueued && this.port.tryPop(rec)) {
      const [kind, id, lba, blocks, slot, flags] = rec;
      if (kind === K.WRITE) {
        const at = this.lay.writeArea + slot * this.lay.slotBytes;
        const data = new Uint8Array(mem.buffer, at, blocks * this.lay.L.blockBytes);
        this.journal?.append(id, lba, blocks, data);
        this.lastId = id;
        cmds.push(() => this.p501.port.push({
          kind: 'write', lba, blocks, data, id,
          onAck: (t) => {
            this.journal?.applied(id, lba, blocks);
            this.answer([K.WRITE, id, slot, this.stamp(t), stamps.drained, stamps.journaled]);
          },
        }));
      } else {
        const op = PAIR_OPS[lba];
        cmds.push(() => this.p501.port.push({
          kind: 'pair', op, sync: (flags & 1) === 1,
          onDone: (r: PairResult, t) => {
            if (!r.ok) putText(mem, this.lay.text501, r.reason);
            const states = r.ok ? PAIR_STATES.indexOf(r.p516) | (PAIR_STATES.indexOf(r.s517) << 8) : 0;
            this.answer([K.PAIR, id, -1, this.stamp(t), r.ok ? 1 : 0, states]);
          },
        }));
      }
    }
    this.journal?.commit();
    stamps.journaled = us(this.c.now());
    for (const c of cmds) c();
  }
}

export class Port402 extends Adapter {
  readonly actor = '502' as const;
  private readonly port: MpmcRing;
  /**
   * `tapeTicket`: the tape ticket of the last tapemark (LB.TAPE_TICKET, flusher.ts); a backup's end is
   * answered once it is done, so a backup reported done has its tape on the disk.
   */
  constructor(private readonly p502: Channel502, private readonly c: Ctx, private readonly lay: LiveLayout,
    ring: () => void, ticketDone?: TicketDone, private readonly tapeTicket: () => number = () => 0) {
    super(p502, MpmcRing.attach(c.core.memory.buffer, lay.ans402), ring, ticketDone);
    this.port = MpmcRing.attach(c.core.memory.buffer, lay.port402);
  }

  hasInput(): boolean { return this.port.size() > 0; }

  /**
   * Nothing of 502's in this worker's memory that 507 lacks but the job it reports (which
   * 511 describes: carryOn): no command drained and not yet accepted, no combined split
   * under way, no answer held (for a tapemark's flush). A worker fault halts it only then.
   */
  quiet(): boolean {
    return this.p502.idle() && !this.holding();
  }

  /**
   * A restarted 502 (roles.ts): the job in 511 that was accepted and not yet reported is
   * reported by this worker when it ends, under its id, as the lost worker would have.
   */
  carryOn(): void {
    const h = this.p502.carryOn((x) => this.answerOf(x.id, K.ANSWER, x), (x) => this.answerOf(x.id, K.END, x));
    if (h) this.c.log('502', 'backup.carried', undefined, { id: h.id, state: this.c.m.b(B.STATE) });
  }

  /** The answer to command `id` (accepted, refused, or its end) as the servers read it. */
  private answerOf(id: number, kind: number, h: Pick<BackupHandle, 'status' | 'reason' | 'blocksDone' | 'segmentsDone' | 'failedSegment' | 'failure'>): void {
    if (h.reason) putText(this.c.core.memory, this.lay.text502, h.reason);
    const rec = [kind, id, STATUS.indexOf(h.status), us(this.c.now()), h.blocksDone, h.segmentsDone, h.failedSegment, Math.max(0, FAILURES.indexOf(h.failure))];
    this.answer(rec, kind === K.END && h.status === 'done' ? this.tapeTicket() : 0);
  }

  drain(): void {
    const rec = new Int32Array(PORT_WORDS);
    const mem = this.c.core.memory;
    const METHODS: Method[] = ['priority', 'wait', 'staging'];
    while (this.port.tryPop(rec)) {
      const [kind, id, at, len, method, flags] = rec;
      const answer = (kind: number, h: Parameters<Port402['answerOf']>[2]) => this.answerOf(id, kind, h);
      if (kind === K.RESTORE) {
        // A restore of catalog point `at` to the S-VOL (len 1) or the backup disk (len 0).
        const h = new BackupHandle(id, { restore: true, point: at, to: len === 1 ? 'svol' : 'disk' }, this.c.m, (x) => answer(K.ANSWER, x), (x) => answer(K.END, x));
        this.c.log('502', 'restore.received', undefined, { point: at });
        this.p502.port.push(h);
        continue;
      }
      const wholeRange = flags & 1, level = LEVELS[(flags >> 1) & 3];
      let params;
      try {
        const bb = this.lay.L.blockBytes;
        params = decodeBackup(new Uint8Array(mem.buffer).slice(at, at + len), bb, METHODS[method], wholeRange === 1, this.lay.L.unitMax * bb);
      } catch (e) {
        const reason = `EXTENDED COPY parameter list refused: ${e instanceof Error ? e.message : String(e)}`;
        this.c.log('502', 'backup.refused', '102', { reason });
        answer(K.ANSWER, { status: 'refused', reason, blocksDone: 0, segmentsDone: 0, failedSegment: -1, failure: 'none' });
        continue;
      }
      this.c.log('502', 'xcopy.received', undefined, { bytes: len, segments: params.segments.length });
      const h = new BackupHandle(id, level ? { ...params, level } : params, this.c.m, (x) => answer(K.ANSWER, x), (x) => answer(K.END, x));
      this.p502.port.push(h);
    }
  }
}

/**
 * The two servers of the sim (101, 102, docs/patent.md#parts): the client server's seeded
 * write stream, and the command script both servers follow, with the LAN messages between
 * them (§0013) and the mode-specific flows (docs/patent.md#the-flows):
 *   E1/E2/E3: backup server asks, client splits (quick ack), tells it, backup command;
 *   sync:     the client's split answers only when complete; its I/O waits meanwhile;
 *   E2h:      the backup server polls 517 until it reads split, then sends the backup (Fig. 7);
 *   E4:       pause the client's I/O, one combined split + backup command, resume, poll the
 *             copy results until done (Figs. 10–11);
 *   naive:    E1's flow, but the backup streams the S-VOL unchecked
 *             (docs/patent.md#the-problem).
 */
import type { BackupHandle, BackupParams } from '../array/backup.ts';
import { methodOf } from '../array/backup.ts';
import type { ControllerPorts } from '../array/controller.ts';
import type { AckedWrite } from '../oracle/oracle.ts';
import { fillBlock } from '../core/prng.ts';
import type { BackupCmd, RestoreCmd, Scenario } from '../scenario/schema.ts';
import type { ClientWrite, WorkloadGen } from '../scenario/workload.ts';
import type { Actor, SimEvent } from '../array/events.ts';
import type { Steppable } from './sim-scheduler.ts';
import type { Work } from '../array/context.ts';

type Log = (actor: Actor, ev: string, to?: Actor, detail?: SimEvent['detail']) => void;

/**
 * `ack` is the array's acknowledgement time (the oracle orders writes and the split by it);
 * `seen` is when the client received that acknowledgement: the same instant in the sim, later
 * in the live runtime, where the answer crosses a port from another worker. `sent`,
 * `drained`, `journaled`: when the client sent it, and the live array's stamps of where its
 * latency went (ack-stages.ts).
 */
export interface ClientRecord extends AckedWrite { arrival: number; seen?: number; sent?: number; drained?: number; journaled?: number }

export class Client101 implements Steppable {
  readonly actor = '101';
  readonly writes: ClientRecord[] = [];
  /** The same records in the order their acknowledgements arrived (the live kill test reads it as it grows). */
  readonly ackOrder: ClientRecord[] = [];
  outstanding = 0;
  private paused = false;
  private stopped = false;
  private backlog: ClientWrite[] = [];
  private upcoming: ClientWrite | null;

  constructor(private readonly gen: WorkloadGen, private readonly ctl: ControllerPorts,
    private readonly seed: number, private readonly blockBytes: number, private readonly now: () => number) {
    this.upcoming = gen.next();
  }

  next(): (Work & { idle: boolean }) | null {
    if (this.stopped || !this.upcoming) return null;
    return { cost: this.upcoming.arrival - this.now(), idle: true, run: () => this.arrive() };
  }

  private arrive(): void {
    const w = this.upcoming!;
    this.upcoming = this.gen.next();
    if (this.stopped) return;
    this.backlog.push(w);
    this.drain();
  }

  /**
   * Issues the writes that arrived, in order, while not paused and while the ports have a
   * free slot (their latency counts from their arrival all the same).
   */
  private drain(): void {
    if (this.paused) return;
    let i = 0;
    while (i < this.backlog.length && (this.ctl.writeSlotFree?.() ?? true)) this.issue(this.backlog[i++]);
    if (i === this.backlog.length) this.backlog.length = 0;
    else if (i > 0) this.backlog.splice(0, i);
  }

  private issue(w: ClientWrite): void {
    const bb = this.blockBytes;
    const data = this.ctl.writeBuffer?.(w.blocks * bb) ?? new Uint8Array(w.blocks * bb);
    for (let i = 0; i < w.blocks; i++) fillBlock(data.subarray(i * bb, (i + 1) * bb), this.seed, w.id + 1, w.lba + i);
    const rec: ClientRecord = { id: w.id, lba: w.lba, blocks: w.blocks, arrival: w.arrival, ack: -1, sent: this.now() };
    this.writes.push(rec);
    this.outstanding++;
    this.ctl.submitWrite(w.lba, data, (t, seen = t, drained, journaled) => {
      rec.ack = t; rec.seen = seen; rec.drained = drained; rec.journaled = journaled;
      this.outstanding--; this.ackOrder.push(rec);
      if (this.backlog.length) this.drain();
    });
  }

  pause(): void { this.paused = true; }
  /** Issues what arrived during the pause (their latency counts from their arrival). */
  resume(): void {
    this.paused = false;
    this.drain();
  }
  stop(): void { this.stopped = true; }
}

/** Times the servers saw (virtual ms), per split and per backup. */
/** `ackAt`: 501's acknowledgement (the oracle's split point); `seenAt`: when the client received it. */
export interface SplitRecord { cmdAt: number; ackAt: number; seenAt?: number; ok: boolean; reason?: string; pendingAtSplit?: number }
export interface BackupRecord {
  requestedAt: number;
  cmdAt: number;
  split: number; // index of the split it backs up
  handle: BackupHandle;
}

/**
 * A restore the backup server asked for, and the restored range as it read it back when the
 * restore ended (a verify pass over the destination: what the oracle compares).
 */
export interface RestoreRecord {
  cmdAt: number;
  point: number;
  to: RestoreCmd['to'];
  handle: BackupHandle;
  /** The chain's range, from the server's own record of the backups (not the array's). */
  range?: { lba: number; blocks: number };
  readBack?: Uint8Array;
}

/** The backup server reads a restored range back (the sim reads the device; docs/scenario.md). */
export type ReadBack = (to: RestoreCmd['to'], lba: number, blocks: number) => Uint8Array;

type Wait = { until: number } | { when: () => boolean };

/** Runs the scenario's script as a generator of waits (a coroutine in virtual time). */
export class Servers implements Steppable {
  readonly actor = '102';
  readonly splits: SplitRecord[] = [];
  readonly backups: BackupRecord[] = [];
  readonly restores: RestoreRecord[] = [];
  done = false;
  private readonly flow: Generator<Wait, void, void>;
  private wait: Wait | null = null;

  constructor(private readonly s: Scenario, private readonly ctl: ControllerPorts, private readonly client: Client101,
    private readonly now: () => number, private readonly log: Log, private readonly readBack?: ReadBack) {
    this.flow = this.script();
    this.advance();
  }

  next(): (Work & { idle: boolean }) | null {
    const w = this.wait;
    if (!w) return null;
    if ('until' in w) return { cost: w.until - this.now(), idle: true, run: () => this.advance() };
    return w.when() ? { cost: 0, idle: true, run: () => this.advance() } : null;
  }

  private advance(): void {
    const r = this.flow.next();
    this.wait = r.done ? null : r.value;
  }

  private *script(): Generator<Wait, void, void> {
    const cmds = this.s.script;
    let ready = 0;
    for (let i = 0; i < cmds.length; i++) {
      const c = cmds[i];
      yield { until: Math.max(c.at, ready) };
      const nextCmd = cmds[i + 1];
      if (c.op === 'split' && this.s.mode === 'E4' && nextCmd?.op === 'backup') {
        yield* this.combined(nextCmd);
        i++;
      } else if (c.op === 'split') yield* this.split();
      else if (c.op === 'backup') yield* this.backup(c, false);
      else if (c.op === 'restore') yield* this.restore(c);
      else yield* this.pair(c.op);
      ready = this.now();
    }
    this.client.stop();
    this.done = true;
  }

  private lan(): Wait { return { until: this.now() + this.ctl.ctx.cost.lan() }; }

  private *pair(op: 'create' | 'resync' | 'delete'): Generator<Wait, void, void> {
    let answered = false;
    this.log('101', `${op}.cmd`, '501');
    this.ctl.submitPair(op, { onDone: () => { answered = true; } });
    yield { when: () => answered };
  }

  private *split(): Generator<Wait, void, void> {
    const sync = this.s.mode === 'sync';
    // Fig. 4 step 1 (the backup server asking over the LAN) happened before `at`: the
    // script's time is when the client sends the split, so --pending is exact at the split.
    if (sync) this.client.pause(); // the prior art's host waits for its split
    const rec: SplitRecord = { cmdAt: this.now(), ackAt: -1, ok: false };
    this.splits.push(rec);
    this.log('101', 'split.cmd', '501', { sync });
    this.ctl.submitPair('split', {
      sync,
      onDone: (r, t, seen = t) => {
        rec.ackAt = t; rec.seenAt = seen; rec.ok = r.ok; rec.pendingAtSplit = this.ctl.status().pendingAtSplit;
        if (!r.ok) rec.reason = r.reason;
      },
    });
    yield { when: () => rec.ackAt >= 0 };
    if (sync) this.client.resume();
    yield this.lan();
    this.log('101', 'split.done', '102');
  }

  private params(c: BackupCmd, combined: boolean): BackupParams {
    const blocks = c.blocks || this.s.geometry.blocks - c.lba;
    return {
      method: methodOf(this.s.mode, this.s.e4Via),
      // docs/patent.md#the-problem: the demonstration streams without the guarantee.
      ...(this.s.mode === 'naive' ? { naive: true } : {}),
      segments: [{ lba: c.lba, blocks, dest: { kind: 'tape' } }],
      transferBlocks: c.transferBlocks,
      checkWholeRange: c.check === 'range',
      combinedSplit: combined,
      ...(c.level ? { level: c.level } : {}),
    };
  }

  /**
   * Puts restore point `point` back (the chain's full, then its incrementals), then reads
   * the restored range back as a backup application's verify pass does. The range is the
   * chain's, as this server recorded its catalogued backups.
   */
  private *restore(c: RestoreCmd): Generator<Wait, void, void> {
    this.log('102', 'restore.cmd', '502', { point: c.point, to: c.to });
    const handle = this.ctl.startRestore({ restore: true, point: c.point, to: c.to });
    const src = this.backups.filter((b) => 'level' in b.handle.params && b.handle.params.level && b.handle.status === 'done')[c.point];
    const seg = src && 'segments' in src.handle.params ? src.handle.params.segments[0] : undefined;
    const rec: RestoreRecord = { cmdAt: this.now(), point: c.point, to: c.to, handle, ...(seg ? { range: { lba: seg.lba, blocks: seg.blocks } } : {}) };
    this.restores.push(rec);
    yield { when: () => handle.status === 'done' || handle.status === 'failed' || handle.status === 'refused' };
    if (handle.status === 'done' && rec.range && this.readBack) rec.readBack = this.readBack(c.to, rec.range.lba, rec.range.blocks);
  }

  private *backup(c: BackupCmd, combined: boolean, requestedAt = this.now()): Generator<Wait, void, void> {
    if (this.s.mode === 'E2h' && !combined) {
      // Fig. 7: the backup server reads 517 itself until it says split.
      for (;;) {
        this.log('102', 'state.poll', '501');
        yield { until: this.now() + this.ctl.ctx.cost.cmd() };
        const s517 = this.ctl.status().s517;
        this.log('501', 'state', '102', { s517 });
        if (s517 !== 'split-pending') break;
        yield { until: this.now() + this.ctl.ctx.cost.poll() };
      }
    }
    this.log('102', 'backup.cmd', '502', { combined });
    const handle = this.ctl.startBackup(this.params(c, combined));
    this.backups.push({ requestedAt, cmdAt: this.now(), split: this.splits.length - (combined ? 0 : 1), handle });
    if (combined) this.splits.push({ cmdAt: this.now(), ackAt: -1, ok: false });
    yield { when: () => handle.status !== 'queued' };
    if (combined) {
      const rec = this.splits[this.splits.length - 1];
      rec.ackAt = this.now();
      rec.ok = handle.status === 'accepted';
      rec.pendingAtSplit = this.ctl.status().pendingAtSplit;
      if (!rec.ok) rec.reason = handle.reason;
      return;
    }
    yield { when: () => handle.status === 'done' || handle.status === 'failed' || handle.status === 'refused' };
  }

  /** Embodiment 4 (Figs. 10–11). */
  private *combined(c: BackupCmd): Generator<Wait, void, void> {
    const requestedAt = this.now();
    this.log('102', 'io.pause', '101');
    yield this.lan();
    this.client.pause();
    // The client quiesces: every write it sent is acknowledged before the split.
    yield { when: () => this.client.outstanding === 0 };
    this.log('101', 'io.paused', '102');
    yield this.lan();
    yield* this.backup(c, true, requestedAt);
    const h = this.backups[this.backups.length - 1].handle;
    this.log('102', 'io.resume', '101');
    yield this.lan();
    this.client.resume();
    if (h.status === 'refused') return;
    while (h.status !== 'done' && h.status !== 'failed') {
      yield { until: this.now() + this.ctl.ctx.cost.poll() };
      this.log('102', 'rcr.poll', '502');
      this.log('502', 'rcr.status', '102', { status: h.state, blocks: h.blocksDone });
    }
  }
}

/**
 * The controller as the servers see it from their own worker in the live runtime, where the
 * client server 101 and the backup server 102 are actors of their own that drive the
 * controller with the same commands as in the sim (docs/live.md#who-runs-where). It offers
 * the part of src/array/controller.ts that the sim's servers (src/runtime/sim-servers.ts)
 * call, carrying each command over the channel ports in shared memory (live-layout.ts):
 * writes and pair commands to port 401, backups as EXTENDED COPY bytes to port 402. Status
 * and counters are read straight from 507, as a server reading the pair state would.
 */
import { BackupHandle, type BackupParams, type RestoreParams } from '../../array/backup.ts';
import { readCounters, readPairStatus, type ControllerPorts, type Counters, type PairStatus } from '../../array/controller.ts';
import type { Ctx } from '../../array/context.ts';
import { PAIR_STATES, type PairOp, type PairResult } from '../../array/pair-state.ts';
import { FAILURES, K, LEVELS, PAIR_OPS, PORT_WORDS, ANSWER_WORDS, STATUS, getText, type LiveLayout } from './live-layout.ts';
import { MpmcRing } from './mpmc-ring.ts';
import { encodeBackup } from './xcopy-port.ts';

type Pending =
  | { kind: 'write'; lba: number; data: Uint8Array; onAck?: Ack }
  | { kind: 'pair'; op: PairOp; sync: boolean; onDone?: PairDone };
/**
 * `t`: the array's time of the answer; `seen`: when this worker received it (the client's
 * view); `drained`, `journaled`: when the array took the write from port 401 and journaled it
 * (src/runtime/ack-stages.ts).
 */
type Ack = (t: number, seen: number, drained: number, journaled: number) => void;
type PairDone = (r: PairResult, t: number, seen: number) => void;
const METHOD_CODE = { priority: 0, wait: 1, staging: 2 } as const;

export class RemoteController implements ControllerPorts {
  private readonly port401: MpmcRing;
  private readonly ack401: MpmcRing;
  private readonly port402: MpmcRing;
  private readonly ans402: MpmcRing;
  private readonly freeSlots: number[] = [];
  /** Commands not yet in a port, from `head` on (a queue without shift(), which is O(n) on a long backlog). */
  private backlog: Pending[] = [];
  private head = 0;
  private readonly acks = new Map<number, Ack>();
  private readonly pairs = new Map<number, { done?: PairDone; urgent: number }>();
  private readonly backups = new Map<number, BackupHandle>();
  private nextId = 1;
  private nextBackupId = 1;
  lastBackup: BackupHandle | null = null;

  /**
   * `urgent(+1)` marks a pair or backup command from when it is pushed into a port until
   * these servers have its answer (poll): 508's background work gives way meanwhile
   * (processor-host.ts), so the command's whole round trip (501's or 502's step, the
   * metadata record written before the answer, the servers' wake) has the cores. A sync
   * split is not counted: its answer waits for that very copy.
   */
  constructor(readonly ctx: Ctx, private readonly lay: LiveLayout, private readonly wakeArray: () => void,
    private readonly urgent: (delta: number) => void = () => {}) {
    const buf = ctx.core.memory.buffer;
    this.port401 = MpmcRing.attach(buf, lay.port401);
    this.ack401 = MpmcRing.attach(buf, lay.ack401);
    this.port402 = MpmcRing.attach(buf, lay.port402);
    this.ans402 = MpmcRing.attach(buf, lay.ans402);
    for (let i = lay.writeSlots - 1; i >= 0; i--) this.freeSlots.push(i);
  }

  private get u8(): Uint8Array { return new Uint8Array(this.ctx.core.memory.buffer); }

  /** Queues a client write at port 401 (waits in a local backlog while every data slot is in flight). */
  submitWrite(lba: number, data: Uint8Array, onAck?: Ack): void {
    const blocks = data.byteLength / this.lay.L.blockBytes;
    if (!Number.isInteger(blocks) || blocks < 1 || lba < 0 || lba + blocks > this.lay.L.blocks || data.byteLength > this.lay.slotBytes) {
      throw new RangeError(`write of ${data.byteLength} bytes at ${lba} does not fit the P-VOL`);
    }
    const p: Pending = { kind: 'write', lba, data, onAck };
    this.backlog.push(p);
    this.pump();
    // Not in a slot yet (every slot in flight): it keeps a copy of its own, since the
    // caller's buffer may be writeBuffer()'s, which the next write fills again.
    if (this.head < this.backlog.length && data.buffer === this.scratch.buffer) p.data = data.slice();
  }

  writeSlotFree(): boolean { return this.freeSlots.length > 0 && this.head === this.backlog.length; }

  private scratch = new Uint8Array(0);
  /** One buffer for every write: submitWrite copies it into a slot of the write area (or keeps a copy). */
  writeBuffer(bytes: number): Uint8Array {
    if (this.scratch.byteLength < bytes) this.scratch = new Uint8Array(Math.max(bytes, this.lay.slotBytes));
    return this.scratch.subarray(0, bytes);
  }

  /** Pair commands go through the same port as writes, so the split is a point in the write stream. */
  submitPair(op: PairOp, opts: { sync?: boolean; onDone?: PairDone } = {}): void {
    this.backlog.push({ kind: 'pair', op, sync: !!opts.sync, onDone: opts.onDone });
    this.pump();
  }

  private pump(): void {
    let sent = false;
    while (this.head < this.backlog.length) {
      const p = this.backlog[this.head];
      const id = this.nextId;
      if (p.kind === 'pair') {
        const urgent = p.sync ? 0 : 1;
        this.urgent(urgent);
        if (!this.port401.tryPush([K.PAIR, id, PAIR_OPS.indexOf(p.op), 0, -1, p.sync ? 1 : 0])) { this.urgent(-urgent); break; }
        this.pairs.set(id, { done: p.onDone, urgent });
      } else {
        if (this.freeSlots.length === 0) break;
        const slot = this.freeSlots[this.freeSlots.length - 1];
        this.u8.set(p.data, this.lay.writeArea + slot * this.lay.slotBytes);
        if (!this.port401.tryPush([K.WRITE, id, p.lba, p.data.byteLength / this.lay.L.blockBytes, slot, 0])) break;
        this.freeSlots.pop();
        this.acks.set(id, p.onAck ?? (() => {}));
      }
      this.nextId++;
      this.head++;
      sent = true;
    }
    if (this.head > 1024 && this.head * 2 > this.backlog.length) {
      this.backlog = this.backlog.slice(this.head);
      this.head = 0;
    }
    if (sent) this.wakeArray();
  }

  /** Sends the backup as an EXTENDED COPY parameter list to port 402. */
  startBackup(p: BackupParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle {
    return this.send402(p, onAnswer, onEnd, (id) => {
      const bytes = encodeBackup(p, this.lay.L.blockBytes, id & 0xff);
      this.u8.set(bytes, this.lay.xcopyArea);
      this.ctx.log('102', 'xcopy.sent', '502', { bytes: bytes.length, listId: id & 0xff });
      return [K.BACKUP, id, this.lay.xcopyArea, bytes.length, METHOD_CODE[p.method], (p.checkWholeRange ? 1 : 0) | (LEVELS.indexOf(p.level) << 1)];
    });
  }

  /**
   * Sends a restore of a catalog point to port 402 (docs/scenario.md): 503 reads the catalog
   * from its own tape, so the record carries only the point and the destination. Live
   * volumes are the pair's: a restore goes to the S-VOL (there is no backup disk here).
   */
  startRestore(p: RestoreParams, onAnswer?: (h: BackupHandle) => void, onEnd?: (h: BackupHandle) => void): BackupHandle {
    return this.send402(p, onAnswer, onEnd, (id) => {
      this.ctx.log('102', 'restore.sent', '502', { point: p.point ?? 0, to: p.to });
      return [K.RESTORE, id, p.point ?? 0, p.to === 'svol' ? 1 : 0, 0, 0];
    });
  }

  /**
   * A job for 502 under a new handle. Sent when the server's current step ends (next poll):
   * the server stamps its command time right after this call returns, and the array must
   * not answer before that.
   */
  private send402(p: BackupParams | RestoreParams, onAnswer: ((h: BackupHandle) => void) | undefined,
    onEnd: ((h: BackupHandle) => void) | undefined, record: (id: number) => number[]): BackupHandle {
    const id = this.nextBackupId++;
    const h = new BackupHandle(id, p, this.ctx.m, onAnswer, onEnd);
    this.backups.set(id, h);
    this.lastBackup = h;
    this.outbox.push(() => {
      const rec = record(id);
      this.urgent(1);
      if (!this.port402.tryPush(rec)) { this.urgent(-1); throw new Error('port 402 full: one job at a time'); }
      this.wakeArray();
    });
    return h;
  }

  private readonly outbox: (() => void)[] = [];

  /** Sends the commands the servers' last steps queued (each waits for its step's time stamp). */
  flush(): void {
    for (const send of this.outbox.splice(0)) send();
  }

  /**
   * Applies every answer the array published; true if there was any. The servers get both
   * the array's time of each answer and the time they received it: the figures "as the
   * client sees it" (the benchmark's, docs/live.md) are the second, the oracle orders
   * writes by the first.
   */
  poll(): boolean {
    this.flush();
    let any = false;
    const seen = this.ctx.now();
    const rec = new Int32Array(Math.max(PORT_WORDS, ANSWER_WORDS));
    while (this.ack401.tryPop(rec)) {
      any = true;
      const [kind, id, slot, tUs, ok, states] = rec;
      const t = tUs / 1000;
      if (kind === K.WRITE) {
        this.freeSlots.push(slot);
        // A write's answer carries the array's drain and journal instants in the words a
        // pair's answer uses for its result (Port401.drain).
        this.acks.get(id)?.(t, seen, ok / 1000, states / 1000);
        this.acks.delete(id);
      } else {
        const { done, urgent } = this.pairs.get(id) ?? { urgent: 0 };
        this.pairs.delete(id);
        this.urgent(-urgent);
        const r: PairResult = ok
          ? { ok: true, p516: PAIR_STATES[states & 0xff], s517: PAIR_STATES[(states >> 8) & 0xff] }
          : { ok: false, reason: getText(this.ctx.core.memory, this.lay.text501) };
        done?.(r, t, seen);
      }
    }
    while (this.ans402.tryPop(rec)) {
      any = true;
      const [kind, id, status, , , , , failure] = rec;
      if (kind === K.ANSWER) this.urgent(-1);
      const h = this.backups.get(id);
      if (!h) continue;
      const st = STATUS[status];
      const reason = st === 'refused' || st === 'failed' ? getText(this.ctx.core.memory, this.lay.text502) : '';
      if (kind === K.ANSWER) {
        h.status = st;
        h.reason = reason;
        if (st === 'accepted') h.acceptedAt = seen;
        h.onAnswer?.(h);
      } else {
        h.finish(st === 'done', seen, reason, FAILURES[failure] ?? 'other');
      }
    }
    if (any) this.pump();
    return any;
  }

  status(): PairStatus {
    return readPairStatus(this.ctx);
  }

  counters(): Counters {
    return readCounters(this.ctx.m);
  }
}

/**
 * The channel ports in the live runtime (401–403, docs/patent.md#parts): in the sim, the
 * servers push commands straight into 501's and 502's JS port queues; here the servers live
 * in another worker, so each port is a shared-memory ring (live-layout.ts) that the channel
 * processor's own worker drains into that same queue. Answers (write acks, pair and backup
 * answers) are held until the step ends and published by `publish()`, which the host calls
 * after the metadata of the step is durable: no server can see an ack the array might
 * forget (docs/live.md#durability-points).
 */
import { BackupHandle, type Method } from '../../array/backup.ts';
import type { Channel501 } from '../../array/channel-501.ts';
import type { Channel502 } from '../../array/channel-502.ts';
import type { Ctx, Processor, Work } from '../../array/context.ts';
import type { PairResult } from '../../array/pair-state.ts';
import { PAIR_STATES } from '../../array/pair-state.ts';
import { K, LEVELS, PAIR_OPS, PORT_WORDS, STATUS, putText, type LiveLayout } from './live-layout.ts';
import { MpmcRing } from './mpmc-ring.ts';
import { decodeBackup } from './xcopy-port.ts';

/** µs since the epoch, as an i32 (runs are far shorter than 35 minutes). */
const us = (t: number) => Math.round(t * 1000) | 0;

/** Durable log of accepted client writes (cache-journal.ts), appended before any ack. */
export interface WriteJournal {
  append(id: number, lba: number, blocks: number, data: Uint8Array): void;
  /** Makes every appended write durable. */
  sync(): void;
}

abstract class Adapter implements Processor {
  abstract readonly actor: '501' | '502';
  protected readonly out: number[][] = [];
  constructor(protected readonly inner: Processor, private readonly answers: MpmcRing) {}

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

  /** Pushes the step's answers; keeps what does not fit for the next step. */
  publish(): void {
    while (this.out.length && this.answers.tryPush(this.out[0])) this.out.shift();
  }
}

export class Port401 extends Adapter {
  readonly actor = '501' as const;
  private readonly port: MpmcRing;
  constructor(private readonly p501: Channel501, private readonly c: Ctx, private readonly lay: LiveLayout,
    private readonly journal: WriteJournal | null) {
    super(p501, MpmcRing.attach(c.core.memory.buffer, lay.ack401));
    this.port = MpmcRing.attach(c.core.memory.buffer, lay.port401);
  }

  hasInput(): boolean { return this.port.size() > 0; }

  /** Takes every queued command, journals the writes with one sync, then queues them at 501. */
  drain(): void {
    const rec = new Int32Array(PORT_WORDS);
    const cmds: (() => void)[] = [];
    const mem = this.c.core.memory;
    while (this.port.tryPop(rec)) {
      const [kind, id, lba, blocks, slot, flags] = rec;
      if (kind === K.WRITE) {
        const at = this.lay.writeArea + slot * this.lay.slotBytes;
        const data = new Uint8Array(mem.buffer, at, blocks * this.lay.L.blockBytes);
        this.journal?.append(id, lba, blocks, data);
        cmds.push(() => this.p501.port.push({
          kind: 'write', lba, blocks, data,
          onAck: (t) => this.out.push([K.WRITE, id, slot, us(t), 1, 0]),
        }));
      } else {
        const op = PAIR_OPS[lba];
        cmds.push(() => this.p501.port.push({
          kind: 'pair', op, sync: (flags & 1) === 1,
          onDone: (r: PairResult, t) => {
            if (!r.ok) putText(mem, this.lay.text501, r.reason);
            const states = r.ok ? PAIR_STATES.indexOf(r.p516) | (PAIR_STATES.indexOf(r.s517) << 8) : 0;
            this.out.push([K.PAIR, id, -1, us(t), r.ok ? 1 : 0, states]);
          },
        }));
      }
    }
    this.journal?.sync();
    for (const c of cmds) c();
  }
}

export class Port402 extends Adapter {
  readonly actor = '502' as const;
  private readonly port: MpmcRing;
  constructor(private readonly p502: Channel502, private readonly c: Ctx, private readonly lay: LiveLayout) {
    super(p502, MpmcRing.attach(c.core.memory.buffer, lay.ans402));
    this.port = MpmcRing.attach(c.core.memory.buffer, lay.port402);
  }

  hasInput(): boolean { return this.port.size() > 0; }

  drain(): void {
    const rec = new Int32Array(PORT_WORDS);
    const mem = this.c.core.memory;
    const METHODS: Method[] = ['priority', 'wait', 'staging'];
    while (this.port.tryPop(rec)) {
      const [kind, id, at, len, method, flags] = rec;
      const answer = (kind: number, h: Pick<BackupHandle, 'status' | 'reason' | 'blocksDone' | 'segmentsDone' | 'failedSegment'>) => {
        if (h.reason) putText(mem, this.lay.text502, h.reason);
        this.out.push([kind, id, STATUS.indexOf(h.status), us(this.c.now()), h.blocksDone, h.segmentsDone, h.failedSegment, 0]);
      };
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
        answer(K.ANSWER, { status: 'refused', reason, blocksDone: 0, segmentsDone: 0, failedSegment: -1 });
        continue;
      }
      this.c.log('502', 'xcopy.received', undefined, { bytes: len, segments: params.segments.length });
      const h = new BackupHandle(id, level ? { ...params, level } : params, this.c.m, (x) => answer(K.ANSWER, x), (x) => answer(K.END, x));
      this.p502.port.push(h);
    }
  }
}

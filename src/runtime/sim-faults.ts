/**
 * A scenario's faults in the sim (docs/scenario.md#faults): each armed at its virtual
 * time, as an injector over the volumes and the tape (src/devices/faults.ts) or, for a
 * `worker` fault, as a processor that takes no step until it is restarted. The sim logs
 * every fault when it is armed and when it hits, so the sequence diagram shows it next to
 * what the array did about it.
 */
import type { Processor, Work } from '../array/context.ts';
import type { Actor, SimEvent } from '../array/events.ts';
import { DeviceError, QuotaError } from '../devices/block-device.ts';
import type { Injector, Io } from '../devices/faults.ts';
import type { Fault } from '../scenario/schema.ts';
import type { Steppable } from './sim-scheduler.ts';

type Log = (actor: Actor, ev: string, to?: Actor, detail?: SimEvent['detail']) => void;

/** What became of one fault: how often it hit, when first, and the I/O it failed. */
export interface FaultHit {
  kind: Fault['kind'];
  at: number;
  hits: number;
  firstHitAt: number;
  /** E.g. "svol-602 write at LBA 18"; for a worker fault, the processor and its downtime. */
  io?: string;
  /** A media error was written over (the block reassigned): it no longer hits. */
  healed?: boolean;
  /** A worker fault: when its processor was restarted. */
  restartedAt?: number;
}

const ACTOR_OF: Record<string, Actor> = { 'pvol-601': '601', 'svol-602': '602', 'tape-303': '303' };

export class SimFaults implements Steppable {
  readonly actor = 'faults';
  readonly hits: FaultHit[];
  private readonly armed: boolean[];

  /** A quota fault's room: the tape's size when it was armed. */
  private readonly room = new Map<Fault, number>();
  /** The tape image's size now (for the quota's room). */
  tapeBytes: () => number = () => 0;

  constructor(readonly faults: readonly Fault[], private readonly now: () => number, private readonly log: Log,
    private readonly names = { pvol: 'pvol-601', svol: 'svol-602', tape: 'tape-303' }) {
    this.hits = faults.map((f) => ({ kind: f.kind, at: f.at, hits: 0, firstHitAt: -1 }));
    this.armed = faults.map(() => false);
  }

  /** The injector for the volumes and the tape. */
  readonly inject: Injector = (io) => {
    const t = this.now();
    let err: DeviceError | null = null;
    this.faults.forEach((f, i) => {
      if (err || t < f.at) return;
      const h = this.hits[i];
      const e = this.match(f, h, io);
      if (!e) return;
      h.hits++;
      if (h.firstHitAt < 0) { h.firstHitAt = t; h.io = `${io.device} ${io.op} at ${io.device === this.names.tape ? 'block' : 'LBA'} ${e.lba}`; }
      this.log(ACTOR_OF[io.device] ?? '508', 'fault.hit', undefined, { kind: f.kind, message: e.message });
      err = e;
    });
    return err;
  };

  private match(f: Fault, h: FaultHit, io: Io): DeviceError | null {
    const covers = (lba: number) => lba >= io.lba && lba < io.lba + io.count;
    switch (f.kind) {
      case 'media-read': {
        const dev = f.volume === 'pvol' ? this.names.pvol : this.names.svol;
        if (io.device !== dev || h.healed || !covers(f.lba)) return null;
        // A write over the bad block reassigns it: the error is gone for good.
        if (io.op === 'write') { h.healed = true; return null; }
        return io.op === 'read' ? new DeviceError(dev, 'read', f.lba, 'unrecovered read error (medium)') : null;
      }
      case 'svol-write':
        if (h.hits > 0 || io.device !== this.names.svol || io.op !== 'write' || (f.lba !== undefined && !covers(f.lba))) return null;
        return new DeviceError(this.names.svol, 'write', f.lba ?? io.lba, 'write error');
      case 'tape-write':
        if (h.hits > 0 || io.device !== this.names.tape || io.op !== 'write' || io.lba < f.block) return null;
        return new DeviceError(this.names.tape, 'write', io.lba, 'write error');
      case 'quota': {
        // The storage keeps what it holds: the tape may be rewritten up to its size when the
        // quota ran out (a failed file overwritten), never grow past it.
        const room = this.room.get(f) ?? Infinity;
        if (io.device !== this.names.tape || !io.tapeBytes || io.tapeBytes.to <= room) return null;
        return new QuotaError(this.names.tape, 'write', io.lba, `storage quota exhausted: the tape cannot grow past ${room} bytes`);
      }
      case 'worker':
        return null;
    }
  }

  /** Whether a `worker` fault has processor `actor` stopped now. */
  down(actor: string): boolean {
    const t = this.now();
    return this.faults.some((f) => f.kind === 'worker' && f.processor === actor && t >= f.at && t < f.at + f.downMs);
  }

  /** The processor as the scheduler sees it: no step while it is stopped. */
  gate(p: Processor): Steppable {
    if (!this.faults.some((f) => f.kind === 'worker' && f.processor === p.actor)) return p;
    return { actor: p.actor, next: () => (this.down(p.actor) ? null : p.next()) };
  }

  /** Wakes at every fault's time (and a stopped processor's restart) to log it. */
  next(): (Work & { idle: boolean }) | null {
    const t = this.now();
    let best = Infinity;
    for (const [i, f] of this.faults.entries()) {
      if (!this.armed[i]) best = Math.min(best, f.at);
      else if (f.kind === 'worker' && this.hits[i].restartedAt === undefined) best = Math.min(best, f.at + f.downMs);
    }
    if (!Number.isFinite(best)) return null;
    return { cost: Math.max(0, best - t), idle: true, run: () => this.tick() };
  }

  private tick(): void {
    const t = this.now();
    for (const [i, f] of this.faults.entries()) {
      const h = this.hits[i];
      if (!this.armed[i] && t >= f.at) {
        this.armed[i] = true;
        if (f.kind === 'quota') this.room.set(f, this.tapeBytes());
        this.log(laneOf(f), 'fault.armed', undefined, { kind: f.kind });
        if (f.kind === 'worker') {
          h.hits = 1;
          h.firstHitAt = t;
          h.io = `processor ${f.processor} stopped for ${f.downMs} ms`;
          this.log(f.processor, 'processor.failed', undefined, { downMs: f.downMs });
        }
      }
      if (f.kind === 'worker' && this.armed[i] && h.restartedAt === undefined && t >= f.at + f.downMs) {
        h.restartedAt = t;
        this.log(f.processor, 'processor.restarted');
      }
    }
  }
}

/** The lane a fault is drawn on: the device it strikes, or the processor it stops. */
function laneOf(f: Fault): Actor {
  switch (f.kind) {
    case 'media-read': return f.volume === 'pvol' ? '601' : '602';
    case 'svol-write': return '602';
    case 'worker': return f.processor;
    default: return '303';
  }
}

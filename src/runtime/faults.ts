/**
 * A scenario's device faults (docs/scenario.md#faults), for either runtime: which I/O of
 * the volumes and the tape each fault fails, from its time `at` on, as an injector over the
 * device wrappers of src/devices/faults.ts; what became of each (its hits); and the log of
 * each fault when it is armed and when it hits, so the sequence diagram shows it next to what
 * the array did about it. The clock is the runtime's: virtual ms in the sim (sim-faults.ts
 * arms each fault at its time as a step of the scheduler), ms since the run's epoch in the
 * live runtime (live/live-faults.ts arms them each round of the array's worker and before
 * every I/O). The `worker` kind stops a processor rather than an I/O: sim-faults.ts does it.
 */
import type { Actor, SimEvent } from '../array/events.ts';
import { DeviceError, QuotaError } from '../devices/block-device.ts';
import type { Injector, Io } from '../devices/faults.ts';
import type { Fault } from '../scenario/schema.ts';

export type FaultLog = (actor: Actor, ev: string, to?: Actor, detail?: SimEvent['detail']) => void;

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

/** The devices' names, as the controller's devices carry them (the I/O's `device`). */
export interface DeviceNames { pvol: string; svol: string; tape: string }
const NAMES: DeviceNames = { pvol: 'pvol-601', svol: 'svol-602', tape: 'tape-303' };

const ACTOR_OF: Record<string, Actor> = { 'pvol-601': '601', 'svol-602': '602', 'tape-303': '303' };

export class FaultInjector {
  readonly hits: FaultHit[];
  private readonly isArmed: boolean[];
  /** A quota fault's room: the tape's size when it was armed. */
  private readonly room = new Map<Fault, number>();
  /** The tape image's size now (for the quota's room). */
  tapeBytes: () => number = () => 0;

  constructor(readonly faults: readonly Fault[], protected readonly now: () => number, protected readonly log: FaultLog,
    private readonly names: DeviceNames = NAMES) {
    this.hits = faults.map((f) => ({ kind: f.kind, at: f.at, hits: 0, firstHitAt: -1 }));
    this.isArmed = faults.map(() => false);
  }

  /** Whether fault i has been armed (its time came and arm() saw it). */
  armed(i: number): boolean {
    return this.isArmed[i];
  }

  /**
   * Arms every fault whose time has come: logs it, and takes a quota fault's room (the
   * tape's size now). The tape grows only through inject(), so arming before every I/O
   * takes the size it had at `at` however late the runtime comes round to it.
   */
  arm(): void {
    for (let i = 0; i < this.faults.length; i++) this.armOne(i);
  }

  /** Arms fault i if its time has come and it is not armed yet; true if it did. */
  protected armOne(i: number): boolean {
    const f = this.faults[i];
    if (this.isArmed[i] || this.now() < f.at) return false;
    this.isArmed[i] = true;
    if (f.kind === 'quota') this.room.set(f, this.tapeBytes());
    this.log(laneOf(f), 'fault.armed', undefined, { kind: f.kind });
    return true;
  }

  /** The earliest time a fault not yet armed is due (Infinity: none left). */
  nextArming(): number {
    let best = Infinity;
    for (const [i, f] of this.faults.entries()) if (!this.isArmed[i]) best = Math.min(best, f.at);
    return best;
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

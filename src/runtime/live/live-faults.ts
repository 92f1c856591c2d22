/**
 * The scenario's device faults in the live runtime (docs/live.md#faults): the sim's own
 * injector (src/runtime/faults.ts) over the OPFS volumes and tape of the array's worker
 * (array-group.ts), on the run's wall clock (ms since its epoch, live-ctx.ts wallClock).
 * The sim arms a fault by a step of its scheduler at the fault's virtual time; here every
 * round of the array's worker arms what is due (array-host.ts calls tick), and so does every
 * I/O before it is judged, so a quota fault's room is the tape's size at `at` however late
 * the worker comes round.
 *
 * Where they run: the four processors in one worker only. The injector keeps state across
 * I/Os (a tape or S-VOL write fault fails once; a media error heals when its block is
 * written), and with a worker per processor (roles.ts) 503 and 508 write the S-VOL from two
 * threads, so that state would have to live in shared memory. A scenario with faults is
 * hosted in one worker (live-bridge.ts), and asking for four is refused with the reason.
 * The `worker` fault (a processor stopped and restarted) is played by the page instead, and
 * it needs the opposite: a worker per processor (worker-faults.ts). So a scenario with both
 * is refused, with the reason, rather than run with one kind silently left out.
 */
import type { SimEvent } from '../../array/events.ts';
import type { Injector } from '../../devices/faults.ts';
import type { Fault, Scenario } from '../../scenario/schema.ts';
import { FaultInjector } from '../faults.ts';

/** The fault kinds the array's worker injects into its devices. */
export const LIVE_DEVICE_FAULT_KINDS: readonly Fault['kind'][] = ['tape-write', 'media-read', 'svol-write', 'quota'];
/** The fault kinds the live runtime plays: the device faults, and a processor's worker terminated. */
export const LIVE_FAULT_KINDS: readonly Fault['kind'][] = [...LIVE_DEVICE_FAULT_KINDS, 'worker'];

/**
 * Why the live runtime will not run the scenario's faults as asked, or null. `arrayWorkers`
 * is what the caller asked for (undefined: the machine's default, which faults override).
 */
export function liveFaultsRefused(s: Pick<Scenario, 'faults'>, arrayWorkers?: number): string | null {
  const faults = s.faults ?? [];
  // Every kind of the schema today; a kind added to it later is refused here until Live plays it.
  const other = faults.find((f) => !LIVE_FAULT_KINDS.includes(f.kind));
  if (other) {
    return `this scenario has a ${other.kind} fault, which only the sim injects so far (docs/scenario.md#faults): ` +
      `run it in the sim, or remove that fault (the live runtime injects ${LIVE_FAULT_KINDS.join(', ')})`;
  }
  const device = faults.filter((f) => LIVE_DEVICE_FAULT_KINDS.includes(f.kind));
  if (device.length && device.length < faults.length) {
    return `this scenario has both a device fault (${device[0].kind}) and a worker fault: the live runtime injects device faults where one worker hosts the four processors, ` +
      'and a worker fault needs a worker per processor (docs/live.md#faults). Run it in the sim, or play the two kinds in two scenarios';
  }
  if (device.length && arrayWorkers === 4) {
    return 'the live runtime injects device faults where one worker hosts the four processors (docs/live.md#faults): run this scenario with arrayWorkers: 1';
  }
  return null;
}

/** A scenario with device faults runs in one array worker (see above). */
export function hasDeviceFaults(s: Pick<Scenario, 'faults'>): boolean {
  return (s.faults ?? []).some((f) => LIVE_DEVICE_FAULT_KINDS.includes(f.kind));
}

export class LiveFaults extends FaultInjector {
  constructor(faults: readonly Fault[], now: () => number, events: SimEvent[]) {
    super(faults, now, (actor, ev, to, detail) => {
      const e: SimEvent = { t: now(), actor, ev };
      if (to) e.to = to;
      if (detail) e.detail = detail;
      events.push(e);
    });
  }

  /** The injector for the devices: arms what is due, then judges the I/O. */
  readonly io: Injector = (io) => {
    this.arm();
    return this.inject(io);
  };

  /** Each round of the array's worker: arms what is due (and logs it then). */
  tick(): void {
    this.arm();
  }
}

/** The scenario's faults for the array's worker, or null without any. */
export function liveFaultsOf(s: Scenario, now: () => number, events: SimEvent[]): LiveFaults | null {
  return hasDeviceFaults(s) ? new LiveFaults(s.faults ?? [], now, events) : null;
}

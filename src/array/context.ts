/**
 * What every processor of the controller is given (docs/patent.md#parts): the shared memory
 * 507 and its structures, the volumes (only 508 touches them), the tape (503 streams to
 * it), the cost model, a clock and the event log. A processor offers one bounded step at a
 * time as a Work; the runtime decides when it runs (the sim: `cost` ms of virtual time after
 * it was offered; the live runtime: at once). A Work's run() re-reads shared state, so what
 * it does is right at the moment it runs, whatever happened since it was offered.
 */
import type { Core } from '../core/core-api.ts';
import type { AwsTapeWriter } from '../devices/awstape.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import type { Actor, SimEvent } from './events.ts';
import type { CostModel } from './cost.ts';
import type { Cache } from './cache.ts';
import type { Differential } from './differential-514.ts';
import type { Mem507 } from './memory-507.ts';
import type { SpscQueue } from './queues.ts';

export interface Work {
  /** Duration of the step in ms (from the cost model). */
  cost: number;
  /** Performs the step. */
  run(): void;
  /**
   * The step reads and writes only what its own processor owns (503 streaming a READY
   * buffer to its tape), so a runtime with real parallelism may run it without the step
   * lock, alongside other processors' steps. The sim ignores it.
   */
  own?: boolean;
  /**
   * Nobody waits for this step (508's background copy, its idle destage): a runtime may put
   * it off while a command waits to be taken (the live runtime's port ring). The sim
   * ignores it.
   */
  background?: boolean;
}

export interface Processor {
  readonly actor: Actor;
  /** The next bounded step, or null when there is nothing to do now. Has no side effects. */
  next(): Work | null;
  /** Only a step the processor may take without the step lock (Work.own), or null. */
  nextOwn?(): Work | null;
  /**
   * True when the steps run since the last call left nothing another processor waits for
   * (503 staging and counting its own units), so a runtime need not wake the others for
   * them; resets. A processor without it is always worth waking for (processor-host.ts).
   */
  takeQuiet?(): boolean;
}

export interface Ctx {
  core: Core;
  m: Mem507;
  diff: Differential;
  cache: Cache;
  cost: CostModel;
  pvol: BlockDevice;
  svol: BlockDevice;
  tape: AwsTapeWriter;
  backupDisk?: BlockDevice;
  /** 501 → 508 copy-before-write requests. */
  cowRing: SpscQueue;
  /** 503 → 508 backup requests (priority copy, stage, merge, write to a disk target). */
  reqRing: SpscQueue;
  /**
   * Set only where 503's worker holds its own handles on the volumes (the live runtime with
   * 'readwrite-unsafe', docs/live.md): 503 then performs its requests to 508 itself, with
   * 508's own code, in its own step, instead of queueing them in reqRing and waiting for
   * 508's worker to wake up. Returns false for a request it cannot serve (e.g. no disk
   * target handle), which then goes through reqRing as usual. Without it (the sim,
   * exclusive handles) every volume I/O goes through 508 (docs/patent.md#parts).
   */
  serve508?: (type: number, a: number, n: number, seg: number) => boolean;
  now(): number;
  log(actor: Actor, ev: string, to?: Actor, detail?: SimEvent['detail']): void;
}

/**
 * Requests in reqRing (word 0 of a record; then a, n, segment). PRIO, STAGE and MERGE name
 * staging buffers by a mask in a (staging-515.ts: their units follow on in LBA); PRIO_RANGE
 * names blocks [a, a+n) of segment `segment`; WRITE_DEST names one buffer in a.
 */
export const Req = { PRIO: 1, PRIO_RANGE: 2, STAGE: 3, MERGE: 4, WRITE_DEST: 5 } as const;

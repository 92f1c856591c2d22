/**
 * The storage controller's processors in a dedicated worker (docs/live.md#who-runs-where):
 * all four (501, 502, 503, 508) where the machine has few cores, or one of them, chosen at
 * init. The worker instantiates the page's compiled core over the one shared memory,
 * attaches to 507, opens the OPFS files its processors own, and runs their bounded steps:
 * one after the other (array-host.ts), or under the shared step lock (processor-host.ts).
 * Control plane: this Comlink API; data plane: the rings and words in shared memory.
 */
import { expose } from 'comlink';
import { instantiateCore } from '../../src/core/wasm-core.ts';
import type { SimEvent } from '../../src/array/events.ts';
import type { FaultHit } from '../../src/runtime/faults.ts';
import { buildArray, type ArrayHost } from '../../src/runtime/live/array-group.ts';
import { hostArray } from '../../src/runtime/live/array-host.ts';
import { LiveBlock, ROLES, hostProcessor, type HostStats } from '../../src/runtime/live/processor-host.ts';
import { buildRole, type ProcessorInit, type RoleHost } from '../../src/runtime/live/roles.ts';

let host: { kind: 'array'; h: ArrayHost } | { kind: 'role'; h: RoleHost } | null = null;
let live: LiveBlock | null = null;
let epoch = 0;
let running: Promise<HostStats> | null = null;
let halted = false;
/** This worker's own id: a restarted processor's worker tells itself apart from the one it replaces. */
const INSTANCE = crypto.randomUUID();
const events: SimEvent[] = [];

const api = {
  /** Attaches to the run; the worker hosting 508 lays out 507 and writes the initial volumes first. */
  async init(a: ProcessorInit): Promise<{ handleMode: string; writeBehind: boolean; worker: string }> {
    // A worker a finished run left (worker-pool.ts) starts this run from nothing of the last.
    epoch = 0;
    running = null;
    halted = false;
    events.length = 0;
    const core = instantiateCore(a.module, a.memory);
    live = new LiveBlock(a.memory, a.lay.liveBlock);
    // Before start() the run's clock has not begun: what init logs (the first metadata
    // record) is at t = 0, not at the Unix time that timeOrigin-based ms minus epoch 0 would be.
    const now = () => (epoch === 0 ? 0 : performance.timeOrigin + performance.now() - epoch);
    host = a.roles.length > 1
      ? { kind: 'array', h: await buildArray(a, core, live, events, now) }
      : { kind: 'role', h: await buildRole(a, core, live, events, now) };
    // `worker`: this worker's instance id (a restarted processor's is a new one).
    return { handleMode: host.h.handleMode, writeBehind: host.kind === 'array' && host.h.writeBehind, worker: INSTANCE };
  },
  /**
   * Starts stepping; t = 0 of the run's clock is `epochMs` (timeOrigin-based). Returns the
   * run's time at which the loop began: a restarted processor's worker may take steps, and
   * log them, before its answer reaches the page.
   */
  start(epochMs: number): number {
    if (!host || !live) throw new Error('processor worker: init() first');
    epoch = epochMs;
    const h = host, l = live;
    // No step before t = 0 (the page sets it a moment ahead, live-bridge.ts): the array at
    // t = 0 is the scenario's initial state, as in the sim. Stepping early, 508 could copy a
    // pair's whole initial differential before the script's first command, and a fault armed
    // for a copy (an S-VOL write at 0.6 ms) hit a later one instead, in warm runs only.
    const t = performance.timeOrigin + performance.now() - epoch;
    running = new Promise<void>((res) => (t < 0 ? setTimeout(res, -t) : res())).then(() => {
      if (h.kind === 'array') return hostArray(h.h.parts, l);
      const r = h.h;
      // Asked to halt, the worker takes no more commands from its port and leaves at the
      // first step boundary where its processor holds nothing 507 and the files lack.
      return hostProcessor(r.processor, l, ROLES.indexOf(r.role), () => r.afterStep(),
        r.unlocked ? () => !halted && r.unlocked!() : undefined, () => halted && (r.quiet?.() ?? true));
    });
    return Math.max(0, t);
  },
  /**
   * A worker fault (web/live/live-worker-faults.ts): leave the loop at the next step
   * boundary, then hand back the events logged so far; the page terminates the worker
   * next, without close(): its files are left open as a dead worker leaves them.
   */
  async halt(): Promise<{ events: SimEvent[]; stats: HostStats; worker: string }> {
    if (!running || !live || host?.kind !== 'role') throw new Error('processor worker: only a running processor of its own halts');
    halted = true;
    live.bell.ring(); // out of an idle sleep at once
    const stats = await running;
    return { events: events.splice(0), stats, worker: INSTANCE };
  },
  /** Resolves when the loop has left (after LiveBlock.stop()). */
  async finished(): Promise<HostStats> {
    if (!running) throw new Error('processor worker: not started');
    return running;
  },
  /** The events these processors logged (drained). */
  drainEvents(): SimEvent[] {
    return events.splice(0);
  },
  /**
   * Flushes and closes the files; the worker hosting 503 hands back the tape image, and the
   * one hosting all four what became of the scenario's faults (live-faults.ts).
   */
  async close(clean: boolean): Promise<{ tape?: Uint8Array; tapeBlocks?: number; faults?: FaultHit[] }> {
    const out = host ? await host.h.close(clean) : {};
    // A worker kept for the next run (worker-pool.ts) holds nothing of this one's memory.
    host = null;
    live = null;
    return out;
  },
};

export type ProcessorWorkerApi = typeof api;
expose(api);

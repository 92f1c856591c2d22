/**
 * One processor of the storage controller in its own dedicated worker (docs/live.md): 501,
 * 502, 503 or 508, chosen at init. The worker instantiates the page's compiled core over
 * the one shared memory, attaches to 507, opens only the OPFS files its role may touch, and
 * hosts the processor's bounded steps under the shared step lock (processor-host.ts).
 * Control plane: this Comlink API; data plane: the rings and words in shared memory.
 */
import { expose } from 'comlink';
import { instantiateCore } from '../../src/core/wasm-core.ts';
import type { SimEvent } from '../../src/array/events.ts';
import { LiveBlock, ROLES, hostProcessor, type HostStats } from '../../src/runtime/live/processor-host.ts';
import { buildRole, type ProcessorInit, type RoleHost } from '../../src/runtime/live/roles.ts';


let host: RoleHost | null = null;
let live: LiveBlock | null = null;
let epoch = 0;
let running: Promise<HostStats> | null = null;
const events: SimEvent[] = [];

const api = {
  /** Attaches to the run; 508 lays out 507 and writes the initial volumes first. */
  async init(a: ProcessorInit): Promise<{ handleMode: string }> {
    const core = instantiateCore(a.module, a.memory);
    live = new LiveBlock(a.memory, a.lay.liveBlock);
    // Before start() the run's clock has not begun: what init logs (508's first metadata
    // record) is at t = 0, not at the Unix time that timeOrigin-based ms minus epoch 0 would be.
    const now = () => (epoch === 0 ? 0 : performance.timeOrigin + performance.now() - epoch);
    host = await buildRole(a, core, live, events, now);
    return { handleMode: host.handleMode };
  },
  /** Starts stepping; t = 0 of the run's clock is `epochMs` (timeOrigin-based). */
  start(epochMs: number): void {
    if (!host || !live) throw new Error('processor worker: init() first');
    epoch = epochMs;
    const h = host;
    running = hostProcessor(h.processor, live, ROLES.indexOf(h.role), () => h.afterStep(), h.unlocked ? () => h.unlocked!() : undefined);
  },
  /** Resolves when the loop has left (after LiveBlock.stop()). */
  async finished(): Promise<HostStats> {
    if (!running) throw new Error('processor worker: not started');
    return running;
  },
  /** The events this processor logged (drained). */
  drainEvents(): SimEvent[] {
    return events.splice(0);
  },
  /** Flushes and closes this role's files; 503 hands back the tape image. */
  async close(clean: boolean): Promise<{ tape?: Uint8Array; tapeBlocks?: number }> {
    return host ? host.close(clean) : {};
  },
};

export type ProcessorWorkerApi = typeof api;
expose(api);

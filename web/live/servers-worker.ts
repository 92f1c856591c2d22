/**
 * The client server 101 and the backup server 102 of the live runtime, in a worker of
 * their own (docs/live.md#who-runs-where): they reach the array only through the channel
 * ports in shared memory, the backup server with real EXTENDED COPY bytes
 * (servers-live.ts).
 */
import { expose } from 'comlink';
import { instantiateCore } from '../../src/core/wasm-core.ts';
import type { SimEvent } from '../../src/array/events.ts';
import type { Wiring } from '../../src/runtime/live/live-ctx.ts';
import type { LiveLayout } from '../../src/runtime/live/live-layout.ts';
import { createServersRun, type ServersRun } from '../../src/runtime/live/servers-live.ts';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

let run: ServersRun | null = null;
let playing: Promise<void> | null = null;
let epoch = 0;

const api = {
  init(a: { module: WebAssembly.Module; memory: WebAssembly.Memory; lay: LiveLayout; wiring: Wiring; scenario: Scenario }): void {
    const core = instantiateCore(a.module, a.memory);
    run = createServersRun(core, a.lay, a.wiring, a.scenario, () => performance.timeOrigin + performance.now() - epoch);
  },
  /** Starts the script at t = 0 = `epochMs` (timeOrigin-based). */
  start(epochMs: number): void {
    if (!run) throw new Error('servers worker: init() first');
    epoch = epochMs;
    playing = run.run();
  },
  async finished(): Promise<void> {
    await playing;
  },
  progress(): ReturnType<ServersRun['progress']> {
    if (!run) throw new Error('servers worker: init() first');
    return run.progress();
  },
  /** Acknowledged writes so far (id, lba, blocks), for the durability check after a reload. */
  acked(): { id: number; lba: number; blocks: number }[] {
    return run ? run.acked() : [];
  },
  finish(tape: Uint8Array, tapeBlocks: number, arrayEvents: SimEvent[]): RunResult & { eventLog: SimEvent[] } {
    if (!run) throw new Error('servers worker: init() first');
    const r = run.finish({ bytes: tape, blocks: tapeBlocks }, arrayEvents);
    return { ...r, eventLog: run.eventLog() };
  },
};

export type ServersWorkerApi = typeof api;
expose(api);

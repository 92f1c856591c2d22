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
import { createServersRun, type LiveAcks, type ServersRun } from '../../src/runtime/live/servers-live.ts';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import type { ReadBack } from '../../src/runtime/sim-servers.ts';
import { FILES, openShared, openSync } from '../../src/runtime/live/opfs-store.ts';
import type { FaultHit } from '../../src/runtime/faults.ts';

let run: ServersRun | null = null;
/** The S-VOL's handle of the read-back, let go at the run's end (the worker may serve the next run, worker-pool.ts). */
let readBackHandle: FileSystemSyncAccessHandle | null = null;

/**
 * The verify pass after a restore (docs/scenario.md): the S-VOL's file read through a shared
 * handle. Without shared handles the file is 508's alone, and a restore is not read back
 * (its verdict says so). Live volumes are the pair's; there is no backup disk here.
 */
async function readBackOf(s: Scenario, w: Wiring): Promise<ReadBack | undefined> {
  if (!s.script.some((c) => c.op === 'restore' && c.to === 'svol')) return undefined;
  const h = await openShared(FILES.svol);
  if (!h) return undefined;
  readBackHandle = h;
  return (to, lba, n) => {
    if (to !== 'svol') throw new Error('the live runtime has no backup disk to read back');
    const out = new Uint8Array(n * w.blockBytes);
    h.read(out, { at: lba * w.blockBytes });
    return out;
  };
}
let playing: Promise<void> | null = null;
let epoch = 0;

/**
 * A volume's whole file, read once every processor has closed it (the end of a run with
 * faults: the invariants read the volumes' own bytes, servers-live.ts). The run sized it to
 * the volume (live-files.ts openVolumes).
 */
async function readVolume(name: string): Promise<Uint8Array> {
  const { handle } = await openSync(name, true);
  try {
    const out = new Uint8Array(handle.getSize());
    const n = handle.read(out, { at: 0 });
    if (n !== out.length) throw new Error(`${name}: read ${n} of ${out.length} bytes`);
    return out;
  } finally {
    handle.close();
  }
}

const api = {
  async init(a: { module: WebAssembly.Module; memory: WebAssembly.Memory; lay: LiveLayout; wiring: Wiring; scenario: Scenario }): Promise<void> {
    const core = instantiateCore(a.module, a.memory);
    // t = 0 until start(): nothing before the run's epoch may carry a Unix-time stamp (a
    // worker a finished run left, worker-pool.ts, still has that run's).
    epoch = 0;
    playing = null;
    run = createServersRun(core, a.lay, a.wiring, a.scenario, () => (epoch === 0 ? 0 : performance.timeOrigin + performance.now() - epoch), await readBackOf(a.scenario, a.wiring));
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
  /** The acknowledged writes from the `from`-th acknowledgement on, in arrival order (the kill test). */
  ackedSince(from: number): LiveAcks {
    return run ? run.ackedSince(from) : { writes: [], splitsAcked: 0, splitAckAt: null };
  },
  /** Streams every acknowledgement as it arrives to `cb` (a Comlink proxy from the page). */
  streamAcks(cb: (acks: LiveAcks) => void): void {
    run?.streamAcks(cb);
  },
  /** `faults`: what became of the scenario's faults, from the array's worker (none without any). */
  async finish(tape: Uint8Array, tapeBlocks: number, arrayEvents: SimEvent[], faults?: FaultHit[]): Promise<RunResult & { eventLog: SimEvent[] }> {
    if (!run) throw new Error('servers worker: init() first');
    const faulted = faults ? { faults, pvol: await readVolume(FILES.pvol), svol: await readVolume(FILES.svol) } : undefined;
    const r = run.finish({ bytes: tape, blocks: tapeBlocks }, arrayEvents, faulted);
    readBackHandle?.close();
    readBackHandle = null;
    return { ...r, eventLog: run.eventLog() };
  },
};

export type ServersWorkerApi = typeof api;
expose(api);

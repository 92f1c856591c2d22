/**
 * The flush rounds of a live run in a worker of their own (src/runtime/live/flusher.ts):
 * where the browser shares handles ('readwrite-unsafe'), this worker opens every file of the
 * run beside the processors and flushes them every FLUSH_INTERVAL_MS and on a ticket, so no
 * processor ever waits in fsync on an ack's path.
 */
import { expose } from 'comlink';
import { runFlusher } from '../../src/runtime/live/flusher.ts';
import type { LiveLayout } from '../../src/runtime/live/live-layout.ts';
import { yieldTask } from '../../src/runtime/live/mpmc-ring.ts';
import { FILES, openSync } from '../../src/runtime/live/opfs-store.ts';
import { LiveBlock } from '../../src/runtime/live/processor-host.ts';
import { WriteBehindQueue } from '../../src/runtime/live/write-behind.ts';

let handles: FileSystemSyncAccessHandle[] = [];
let running: ReturnType<typeof runFlusher> | null = null;

const api = {
  /** Opens the run's files (after the processors laid them out). */
  /** `writeBehind`: 508's P-VOL writes are queued for the disk writer (a round waits for them). */
  async init(a: { memory: WebAssembly.Memory; lay: LiveLayout; blockBytes: number; writeBehind: boolean }): Promise<void> {
    const names = [FILES.journal, FILES.pvol, FILES.svol, FILES.tape, FILES.diff514, ...FILES.meta];
    for (const n of names) {
      const h = await openSync(n, true);
      if (h.mode !== 'readwrite-unsafe') {
        h.handle.close();
        throw new Error(`flusher: ${n} opened as ${h.mode}, expected readwrite-unsafe`);
      }
      handles.push(h.handle);
    }
    const live = new LiveBlock(a.memory, a.lay.liveBlock);
    const behind = a.writeBehind ? new WriteBehindQueue(a.memory, a.lay.wbArea, a.lay.L.blocks, a.lay.wbRingBytes, a.blockBytes) : null;
    running = runFlusher(handles, handles[names.indexOf(FILES.tape)], live, yieldTask, behind);
  },
  /** Resolves with the rounds run once the run stops (LiveBlock.stop()). */
  async finished(): Promise<{ rounds: number; tapeFlushes: number }> {
    return running ?? { rounds: 0, tapeFlushes: 0 };
  },
  /** Lets go of the files. */
  close(): void {
    handles.forEach((h) => h.close());
    handles = [];
  },
};

export type FlusherWorkerApi = typeof api;
expose(api);

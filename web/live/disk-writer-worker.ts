/**
 * 508's write-behind (src/runtime/live/write-behind.ts): where the four processors share one
 * worker, this one writes the P-VOL blocks 508 destages, in the order it queued them, so the
 * array's worker never waits in those write calls. It keeps going after the run stops until
 * the queue is empty: the array's clean stop waits for it before it flushes the P-VOL.
 */
import { expose } from 'comlink';
import type { LiveLayout } from '../../src/runtime/live/live-layout.ts';
import { yieldTask } from '../../src/runtime/live/mpmc-ring.ts';
import { FILES, openSync } from '../../src/runtime/live/opfs-store.ts';
import { LiveBlock } from '../../src/runtime/live/processor-host.ts';
import { WriteBehindQueue } from '../../src/runtime/live/write-behind.ts';

let running: Promise<number> | null = null;
let handle: FileSystemSyncAccessHandle | null = null;

/** How long the writer sleeps on an empty queue before its event loop runs (ms). */
const IDLE_MS = 4;

async function loop(q: WriteBehindQueue, live: LiveBlock, h: FileSystemSyncAccessHandle): Promise<number> {
  let n = 0;
  await yieldTask();
  while (!(live.stopped() && q.queued() === q.written())) {
    const wrote = q.drain(h);
    n += wrote;
    if (!wrote) q.waitQueued(IDLE_MS);
    await yieldTask();
  }
  return n;
}

const api = {
  async init(a: { memory: WebAssembly.Memory; lay: LiveLayout; blockBytes: number }): Promise<void> {
    const h = await openSync(FILES.pvol, true);
    if (h.mode !== 'readwrite-unsafe') {
      h.handle.close();
      throw new Error(`disk writer: ${FILES.pvol} opened as ${h.mode}, expected readwrite-unsafe`);
    }
    handle = h.handle;
    const q = new WriteBehindQueue(a.memory, a.lay.wbArea, a.lay.L.blocks, a.lay.wbRingBytes, a.blockBytes);
    running = loop(q, new LiveBlock(a.memory, a.lay.liveBlock), h.handle);
  },
  /** The blocks' writes it made, once the run stopped and the queue is empty. */
  async finished(): Promise<number> {
    return running ?? 0;
  },
  close(): void {
    handle?.close();
    handle = null;
  },
};

export type DiskWriterWorkerApi = typeof api;
expose(api);

/**
 * The benchmark page: what `npm run bench` measures besides the live runs that the
 * app's own window.splitstream drives. window.splitstreamBench:
 *   core(mib, reps)  the core benchmark's figures in this browser (core-measure.ts)
 *   opfsCopy(req)    raw OPFS copy times, ms per repetition (opfs-copy-worker.ts)
 *   opfsIo(req)      single OPFS calls (4 KiB write, 256 KiB write, 4 KiB read, flush), ms each
 *   hop(trips)       worker → worker → worker round trips through Atomics.wait/notify, ms each
 *   estimate()       navigator.storage.estimate(), to size the scale points to the quota
 */
import { loadCoreModule } from '../../src/core/load-web.ts';
import { measureCore, type CoreFigures } from './core-measure.ts';
import type { CopyAnswer, CopyRequest, IoRequest } from './opfs-copy-worker.ts';
import type { HopRequest } from './hop-worker.ts';

export interface BenchPageApi {
  core(mib?: number, reps?: number): Promise<CoreFigures>;
  opfsCopy(req: CopyRequest): Promise<number[]>;
  opfsIo(req: IoRequest): Promise<number[]>;
  hop(trips: number): Promise<number[]>;
  estimate(): Promise<{ quota: number | null; usage: number | null }>;
  isolated: boolean;
}

declare global {
  interface Window { splitstreamBench: BenchPageApi }
}

window.splitstreamBench = {
  isolated: globalThis.crossOriginIsolated,
  async core(mib, reps) {
    return measureCore(await loadCoreModule(), mib, reps);
  },
  opfsCopy(req) {
    return inWorker(req);
  },
  opfsIo(req) {
    return inWorker(req);
  },
  async hop(trips) {
    const words = new Int32Array(new SharedArrayBuffer(16));
    const echo = hopWorker({ role: 'echo', words, trips });
    const ping = hopWorker({ role: 'ping', words, trips });
    const [ms] = await Promise.all([ping, echo]);
    return ms;
  },
  async estimate() {
    const e = await navigator.storage.estimate();
    return { quota: e.quota ?? null, usage: e.usage ?? null };
  },
};

function hopWorker(req: HopRequest): Promise<number[]> {
  const w = new Worker(new URL('./hop-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<number[]>((res, rej) => {
    w.onmessage = (e: MessageEvent<{ ms: number[] }>) => { w.terminate(); res(e.data.ms); };
    w.onerror = (e) => { w.terminate(); rej(new Error(e.message)); };
    w.postMessage(req);
  });
}

/** One measurement in a fresh dedicated worker (sync access handles exist nowhere else). */
function inWorker(req: CopyRequest | IoRequest): Promise<number[]> {
  const w = new Worker(new URL('./opfs-copy-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<number[]>((res, rej) => {
    w.onmessage = (e: MessageEvent<CopyAnswer>) => {
      w.terminate();
      if (e.data.error) rej(new Error(e.data.error));
      else res(e.data.ms);
    };
    w.onerror = (e) => { w.terminate(); rej(new Error(e.message)); };
    w.postMessage(req);
  });
}
document.body.dataset.ready = '1';

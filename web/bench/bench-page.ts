/**
 * The benchmark page: what `npm run bench` measures besides the live runs that the
 * app's own window.splitstream drives. window.splitstreamBench:
 *   core(mib, reps)  the core benchmark's figures in this browser (core-measure.ts)
 *   opfsCopy(req)    raw OPFS copy times, ms per repetition (opfs-copy-worker.ts)
 *   opfsFlush(req)   small record overwritten and flushed, ms per repetition (same worker)
 *   estimate()       navigator.storage.estimate(), to size the scale points to the quota
 */
import { loadCoreModule } from '../../src/core/load-web.ts';
import { measureCore, type CoreFigures } from './core-measure.ts';
import type { CopyAnswer, CopyRequest, FlushRequest } from './opfs-copy-worker.ts';

export interface BenchPageApi {
  core(mib?: number, reps?: number): Promise<CoreFigures>;
  opfsCopy(req: CopyRequest): Promise<number[]>;
  opfsFlush(req: FlushRequest): Promise<number[]>;
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
  opfsFlush(req) {
    return inWorker(req);
  },
  async estimate() {
    const e = await navigator.storage.estimate();
    return { quota: e.quota ?? null, usage: e.usage ?? null };
  },
};

/** One measurement in a fresh dedicated worker (sync access handles exist nowhere else). */
function inWorker(req: CopyRequest | FlushRequest): Promise<number[]> {
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

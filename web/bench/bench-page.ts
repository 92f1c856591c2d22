/**
 * The benchmark page (issue 8): what `npm run bench` measures besides the live runs that the
 * app's own window.splitstream drives. window.splitstreamBench:
 *   core(mib, reps)  the core benchmark's figures in this browser (core-measure.ts)
 *   opfsCopy(req)    raw OPFS copy times, ms per repetition (opfs-copy-worker.ts)
 *   estimate()       navigator.storage.estimate(), to size the scale points to the quota
 */
import { loadCoreModule } from '../../src/core/load-web.ts';
import { measureCore, type CoreFigures } from './core-measure.ts';
import type { CopyAnswer, CopyRequest } from './opfs-copy-worker.ts';

export interface BenchPageApi {
  core(mib?: number, reps?: number): Promise<CoreFigures>;
  opfsCopy(req: CopyRequest): Promise<number[]>;
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
  },
  async estimate() {
    const e = await navigator.storage.estimate();
    return { quota: e.quota ?? null, usage: e.usage ?? null };
  },
};
document.body.dataset.ready = '1';

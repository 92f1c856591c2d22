/**
 * The page's automation API for tests and benchmarks:
 *   window.splitstream.run(scenario, {runtime: 'live' | 'sim', mode}) → the CLI's --json object
 *   window.splitstream.reset() → stops a live run and deletes the playground's OPFS files
 *   window.splitstream.version
 * plus what the durability tests and the UI need: recovery() after a reload, liveProgress()
 * during a run, checkAcked() against the P-VOL, lastLive() figures, storage() numbers.
 * The scenario is validated by the sim's own validateScenario, so both runtimes take the
 * same format and refuse the same mistakes with the same messages.
 */
import * as Comlink from 'comlink';
import { loadCoreModule } from '../src/core/load-web.ts';
import { deletePlayground, listFiles } from '../src/runtime/live/opfs-store.ts';
import type { RecoveryReport } from '../src/runtime/live/recovery.ts';
import type { RunResult } from '../src/runtime/sim-result.ts';
import { validateScenario } from '../src/scenario/validate.ts';
import { DURABILITIES, MODES, type Durability, type Mode } from '../src/scenario/schema.ts';
import {
  abortLive, checkAckedLive, checkSplitImageLive, checkTapeImageLive, lastArrayState, lastFigures, liveAcks, liveProgress, recoverLive, runLive, streamLiveAcks, type LiveFigures,
} from './live/live-bridge.ts';
import type { SimRunWorkerApi } from './live/sim-run-worker.ts';
import { showRecovery } from './live/recovery-banner.ts';
import { pageSimIdle } from './ui/page-sim.ts';

export interface RunOptions {
  runtime?: 'live' | 'sim';
  mode?: Mode;
  /**
   * Live runs: 'shared' (default) asks for 'readwrite-unsafe' handles where the browser has
   * them; 'exclusive' opens every file with an exclusive handle, as browsers without that
   * mode do, so that every volume I/O goes through 508 (the patent's own arrangement).
   */
  handles?: 'shared' | 'exclusive';
  /** Live runs: overrides the scenario's `durability` ('written' or 'flush', docs/live.md#durability). */
  durability?: Durability;
  /** Live runs: the processors' workers, 1 (all four in one) or 4 (one each); default by the machine's cores. */
  arrayWorkers?: 1 | 4;
}

export interface SplitstreamApi {
  readonly version: string;
  /** A live run starts once the page's own sim is not computing (idle()). */
  run(scenario: unknown, opts?: RunOptions): Promise<RunResult>;
  /** Resolves once the page's own sim is not computing its scenario or a Compare (web/ui/page-sim.ts). */
  idle(): Promise<void>;
  reset(): Promise<void>;
  recovery(): Promise<RecoveryReport>;
  liveProgress: typeof liveProgress;
  /** The writes the running live run's client has had acknowledged, from the `from`-th acknowledgement on (null when none runs). */
  liveAcks: typeof liveAcks;
  /** Streams the running live run's acknowledgements to `cb` as they arrive; false when none runs. */
  streamLiveAcks: typeof streamLiveAcks;
  checkAcked: typeof checkAckedLive;
  /** The S-VOL against the split-instant image of the given acknowledged writes (after a split completed). */
  checkSplitImage: typeof checkSplitImageLive;
  /** The first tape file, if a backup closed it, against the split-instant image (after an unclean stop). */
  checkTapeImage: typeof checkTapeImageLive;
  /**
   * Runs the array again on what the recovery left: a split-pending pair whose 514 was
   * rebuilt carries on (508's background copy) until it is split; no client I/O. Returns the
   * pair's states and the blocks still pending once the array went quiet.
   */
  resume(): Promise<{ p516: string; s517: string; pending: number }>;
  /** Figures of the last live run; with `withEvents`, its merged event log too (for sequence diagrams). */
  lastLive(withEvents?: boolean): LiveFigures | Omit<LiveFigures, 'events'> | null;
  storage(): Promise<{ quota: number | null; usage: number | null; persisted: boolean; files: { name: string; bytes: number }[] }>;
}

declare global {
  interface Window { splitstream: SplitstreamApi }
}

export const AUTOMATION_VERSION = '1';

async function runSim(scenario: ReturnType<typeof validateScenario>, mode?: Mode): Promise<RunResult> {
  const w = new Worker(new URL('./live/sim-run-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await Comlink.wrap<SimRunWorkerApi>(w).run(await loadCoreModule(), scenario, mode);
  } finally {
    w.terminate();
  }
}

let recovered: Promise<RecoveryReport> | null = null;

export function installAutomation(): void {
  const api: SplitstreamApi = {
    version: AUTOMATION_VERSION,
    async run(json, opts = {}) {
      const scenario = validateScenario(json, { runtime: opts.runtime === 'live' ? 'live' : 'sim' });
      if (opts.mode !== undefined && !MODES.includes(opts.mode)) {
        throw new Error(`mode: must be one of ${MODES.join(', ')}`);
      }
      // A run never starts on files a recovery has not looked at yet.
      if (recovered) await recovered.catch(() => undefined);
      if (opts.handles !== undefined && opts.handles !== 'shared' && opts.handles !== 'exclusive') {
        throw new Error("handles: must be 'shared' or 'exclusive'");
      }
      if (opts.durability !== undefined && !DURABILITIES.includes(opts.durability)) {
        throw new Error(`durability: must be one of ${DURABILITIES.join(', ')}`);
      }
      if (opts.arrayWorkers !== undefined && opts.arrayWorkers !== 1 && opts.arrayWorkers !== 4) throw new Error('arrayWorkers: must be 1 or 4');
      if (opts.runtime !== 'live') return runSim(scenario, opts.mode);
      // As the Live tab's Run does: not while the page's own sim computes (page-sim.ts).
      await pageSimIdle();
      return runLive(scenario, opts.mode, {
        shareHandles: opts.handles !== 'exclusive',
        ...(opts.durability ? { durability: opts.durability } : {}),
        ...(opts.arrayWorkers ? { arrayWorkers: opts.arrayWorkers } : {}),
      });
    },
    idle: pageSimIdle,
    async reset() {
      abortLive();
      if (recovered) await recovered.catch(() => undefined);
      await deletePlayground();
      recovered = null;
    },
    recovery() {
      recovered ??= recoverLive();
      return recovered;
    },
    liveProgress,
    liveAcks,
    streamLiveAcks,
    checkAcked: checkAckedLive,
    checkSplitImage: checkSplitImageLive,
    checkTapeImage: checkTapeImageLive,
    async resume() {
      const r = await api.recovery();
      if (!r.pairs.some((p) => p.diffRebuilt) || !r.run) throw new Error('nothing to resume: no split-pending pair was rebuilt by the recovery');
      // The same run's geometry and durability; no script: 508 copies on its own (§0026).
      const s = validateScenario({ ...JSON.parse(r.run.scenario), script: [] }, { runtime: 'live' });
      await runLive(s, undefined, { resume: true });
      // The files now hold the resumed run's clean stop: a later recovery reads that.
      recovered = null;
      const st = lastArrayState;
      if (!st) throw new Error('the resumed run left no state');
      return { p516: st.p516, s517: st.s517, pending: st.pending };
    },
    lastLive(withEvents = false) {
      if (!lastFigures) return null;
      if (withEvents) return lastFigures;
      const { events: _events, ...rest } = lastFigures;
      return rest;
    },
    async storage() {
      const est = await navigator.storage.estimate();
      return {
        quota: est.quota ?? null, usage: est.usage ?? null,
        persisted: (await navigator.storage.persisted?.()) ?? false,
        files: await listFiles(),
      };
    },
  };
  window.splitstream = api;
  // Look at what a previous visit left behind once, at load (after a reload mid-run), and
  // show it: the pairs as they were, what was cut off, and a way to run it again.
  if (globalThis.crossOriginIsolated && 'storage' in navigator) {
    void api.recovery().then(
      (r) => showRecovery(r, (json) => api.run(JSON.parse(json), { runtime: 'live' }), () => api.resume()),
      () => undefined,
    );
  }
}

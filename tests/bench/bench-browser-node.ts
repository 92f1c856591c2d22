/**
 * Node-only: drives Chromium for the benchmark. A persistent context, so OPFS lives on disk
 * as a user's would (docs/architecture.md#volumes-in-opfs); two pages of the same
 * origin: the app (window.splitstream runs the live runtime) and the bench page
 * (web/bench/bench-page.ts: raw OPFS copy, core figures, quota).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../browser.ts';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import type { Mode, Scenario } from '../../src/scenario/schema.ts';
import type { CoreFigures } from '../../web/bench/core-measure.ts';
import type { CopyRequest, IoRequest } from '../../web/bench/opfs-copy-worker.ts';

export interface LiveRun {
  result: RunResult;
  /** 501 applying the split (its 'split' event) → 501 answering it ('split.ack'), ms. */
  controllerSplitAckMs: number;
  /** From 501's split to its metadata record written (and flushed in 'flush' durability): when 501 may answer. */
  durableSplitAckMs: number;
}

/** Options of a live run (window.splitstream.run's). */
export interface LiveRunOptions { durability?: 'written' | 'flush'; arrayWorkers?: 1 | 4 }

export interface BenchBrowser {
  userAgent: string;
  version: string;
  live(s: Scenario, mode: Mode, opts?: LiveRunOptions): Promise<LiveRun>;
  rawCopy(req: Omit<CopyRequest, 'kind'>): Promise<number[]>;
  io(req: Omit<IoRequest, 'kind'>): Promise<number[]>;
  hop(trips: number): Promise<number[]>;
  core(mib: number, reps: number): Promise<CoreFigures>;
  available(): Promise<number | null>;
  /** Removes the playground's files (the last live run's volumes, tape, journal). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(url: string): Promise<BenchBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'splitstream-bench-profile-'));
  let ctx: BrowserContext | null = null;
  try {
    ctx = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), args: CHROMIUM_ARGS });
    // A returning visitor: the guided tour (web/ui/use-tour.ts) would open on this fresh
    // profile and play its timeline on the cores every figure is measured on.
    await ctx.addInitScript(() => localStorage.setItem('splitstream.tour', 'seen'));
    const app = await ctx.newPage();
    await app.goto(url);
    await app.waitForFunction(() => window.splitstream !== undefined && globalThis.crossOriginIsolated);
    // The page computes its own scenario in the sim's worker first (a second or two here):
    // no figure, not even a limit, is taken beside it (live runs wait for it anyway).
    await app.evaluate(() => window.splitstream.idle());
    const bench = await ctx.newPage();
    await bench.goto(`${url}web/bench/bench.html`);
    await bench.waitForFunction(() => window.splitstreamBench !== undefined);
    if (!(await bench.evaluate(() => window.splitstreamBench.isolated))) throw new Error('bench page is not cross-origin isolated');
    const userAgent = await app.evaluate(() => navigator.userAgent);
    const version = /Chrom(?:e|ium)\/([\d.]+)/.exec(userAgent)?.[1] ?? 'unknown';
    const c = ctx;
    return {
      userAgent, version,
      live: (s, mode, opts) => liveRun(app, s, mode, opts ?? {}),
      rawCopy: (req) => bench.evaluate((r) => window.splitstreamBench.opfsCopy({ kind: 'copy', ...r }), req),
      io: (req) => bench.evaluate((r) => window.splitstreamBench.opfsIo({ kind: 'io', ...r }), req),
      hop: (trips) => bench.evaluate((n) => window.splitstreamBench.hop(n), trips),
      core: (mib, reps) => bench.evaluate(([m, r]) => window.splitstreamBench.core(m, r), [mib, reps] as const),
      async available() {
        const e = await bench.evaluate(() => window.splitstreamBench.estimate());
        return e.quota === null ? null : e.quota - (e.usage ?? 0);
      },
      reset: () => app.evaluate(() => window.splitstream.reset()),
      async close() {
        await app.evaluate(() => window.splitstream.reset()).catch(() => undefined);
        await c.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await ctx?.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

async function liveRun(app: Page, s: Scenario, mode: Mode, opts: LiveRunOptions): Promise<LiveRun> {
  // Each run starts from an empty playground (no files left from the previous run).
  await app.evaluate(() => window.splitstream.reset());
  const result = await app.evaluate(([sc, m, o]) => window.splitstream.run(sc, { runtime: 'live', mode: m, ...o }), [s, mode, opts] as const);
  const [controllerSplitAckMs, durableSplitAckMs] = await app.evaluate(() => {
    const ev = (window.splitstream.lastLive(true) as { events?: { t: number; actor: string; ev: string }[] } | null)?.events ?? [];
    const split = ev.find((e) => e.actor === '501' && e.ev === 'split');
    if (!split) return [NaN, NaN];
    const ack = ev.find((e) => e.actor === '501' && e.ev === 'split.ack' && e.t >= split.t);
    // 501 answers once the split's metadata record is written (metadata-persister.ts).
    const durable = ev.find((e) => e.actor === '501' && e.ev === 'record.durable' && e.t >= split.t);
    return [ack ? ack.t - split.t : NaN, durable ? durable.t - split.t : NaN];
  });
  const { dbg: _dbg, ...clean } = result as RunResult & { dbg?: unknown };
  return { result: clean, controllerSplitAckMs, durableSplitAckMs };
}

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
import type { CopyRequest, FlushRequest } from '../../web/bench/opfs-copy-worker.ts';

export interface LiveRun {
  result: RunResult;
  /** 501 applying the split (its 'split' event) → 501 answering it ('split.ack'), ms. */
  controllerSplitAckMs: number;
  /** From 501's split to its metadata record flushed: when 501 may answer. */
  durableSplitAckMs: number;
}

export interface BenchBrowser {
  userAgent: string;
  version: string;
  live(s: Scenario, mode: Mode): Promise<LiveRun>;
  rawCopy(req: CopyRequest): Promise<number[]>;
  rawFlush(req: FlushRequest): Promise<number[]>;
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
    const app = await ctx.newPage();
    await app.goto(url);
    await app.waitForFunction(() => window.splitstream !== undefined && globalThis.crossOriginIsolated);
    const bench = await ctx.newPage();
    await bench.goto(`${url}web/bench/bench.html`);
    await bench.waitForFunction(() => window.splitstreamBench !== undefined);
    if (!(await bench.evaluate(() => window.splitstreamBench.isolated))) throw new Error('bench page is not cross-origin isolated');
    const userAgent = await app.evaluate(() => navigator.userAgent);
    const version = /Chrom(?:e|ium)\/([\d.]+)/.exec(userAgent)?.[1] ?? 'unknown';
    const c = ctx;
    return {
      userAgent, version,
      live: (s, mode) => liveRun(app, s, mode),
      rawCopy: (req) => bench.evaluate((r) => window.splitstreamBench.opfsCopy(r), req),
      rawFlush: (req) => bench.evaluate((r) => window.splitstreamBench.opfsFlush(r), req),
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

async function liveRun(app: Page, s: Scenario, mode: Mode): Promise<LiveRun> {
  // Each run starts from an empty playground (no files left from the previous run).
  await app.evaluate(() => window.splitstream.reset());
  const result = await app.evaluate(([sc, m]) => window.splitstream.run(sc, { runtime: 'live', mode: m }), [s, mode] as const);
  const [controllerSplitAckMs, durableSplitAckMs] = await app.evaluate(() => {
    const ev = (window.splitstream.lastLive(true) as { events?: { t: number; actor: string; ev: string }[] } | null)?.events ?? [];
    const split = ev.find((e) => e.actor === '501' && e.ev === 'split');
    if (!split) return [NaN, NaN];
    const ack = ev.find((e) => e.actor === '501' && e.ev === 'split.ack' && e.t >= split.t);
    // 501 answers once the split's metadata record is flushed (metadata-persister.ts).
    const durable = ev.find((e) => e.actor === '501' && e.ev === 'record.flushed' && e.t >= split.t);
    return [ack ? ack.t - split.t : NaN, durable ? durable.t - split.t : NaN];
  });
  const { dbg: _dbg, ...clean } = result as RunResult & { dbg?: unknown };
  return { result: clean, controllerSplitAckMs, durableSplitAckMs };
}

/**
 * `npm run bench`: builds and serves the app, drives the live runtime in a
 * headless Chromium with OPFS on disk, and reports every figure with its spread and every
 * target as a ratio against a limit measured in the same run. Never fails on a figure:
 * exit 0 with a table even when targets are missed; exit 1 only when the harness itself
 * broke, or in --smoke when a figure is not a finite number (the smoke run `npm test` does).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { runCBaseline } from './core-baseline-node.ts';
import { openBrowser } from './bench-browser-node.ts';
import { measureAll } from './bench-measure.ts';
import { measureIscsi } from './bench-iscsi.ts';
import { parseArgs } from './bench-plan.ts';
import { figureRows, pad, terminalTable, writeReport, type BenchDoc } from './bench-report.ts';
import { ROOT, serveBenchBuild } from './bench-server-node.ts';
import { computeTargets } from './bench-targets.ts';

/** `npm run bench:core -- --json` in Node: the figures the browser's compare with, and the C baseline. */
function nodeCore(): Record<string, number | string | null> | null {
  const r = spawnSync(process.execPath, ['bin/bench-core.js', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try { return JSON.parse(line) as Record<string, number | string | null>; } catch { return null; }
}

async function main(): Promise<number> {
  let o;
  try { o = parseArgs(process.argv.slice(2)); } catch (e) { console.error((e as Error).message); return 2; }
  const log = (s: string) => console.error(s);
  const started = Date.now();
  if (o.onlyIscsi) {
    const m = await measureIscsi(o, log);
    console.log(pad([['figure', 'median', 'min–max', 'n', 'what'], ...figureRows(m.figures)]));
    for (const s of m.skipped) console.log(`skipped: ${s.what}: ${s.why}`);
    for (const e of m.errors) console.log(`error: ${e}`);
    if (o.json) writeFileSync(o.json, JSON.stringify({ tool: 'splitstream bench', series: 'iscsi', date: new Date().toISOString(), ...m }, null, 2) + '\n');
    return 0;
  }
  log(`building and serving the app on port ${o.port}`);
  const server = await serveBenchBuild(o.port);
  let doc: BenchDoc;
  try {
    const node = o.nodeCore ? (log('core: npm run bench:core (Node, with the C baseline)'), nodeCore()) : null;
    const c = node
      ? { cScanGBps: node.cScanGBps as number | null, cMemcpyGBps: node.cMemcpyGBps as number | null, cNote: String(node.cNote) }
      : o.incremental ? { cScanGBps: null, cMemcpyGBps: null, cNote: 'not run (--incremental)' }
        : (() => { const b = runCBaseline(); return { cScanGBps: b.result?.scanGBps ?? null, cMemcpyGBps: b.result?.memcpyGBps ?? null, cNote: b.note }; })();
    const browser = await openBrowser(server.url);
    try {
      const m = await measureAll(browser, o, log);
      if (o.iscsi && !o.incremental) { // --incremental runs that series alone
        const i = await measureIscsi(o, log);
        Object.assign(m.figures, i.figures);
        m.skipped.push(...i.skipped);
        m.errors.push(...i.errors);
      }
      const med = (k: string) => m.figures[k]?.median ?? NaN;
      doc = {
        tool: 'splitstream bench', version: 1, date: new Date().toISOString(), smoke: o.smoke, options: o,
        browser: { name: 'chromium', version: browser.version, userAgent: browser.userAgent },
        machine: {
          os: `${os.type()} ${os.release()}`, arch: os.arch(), cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', memoryBytes: os.totalmem(), node: process.version,
        },
        availableBytes: m.availableBytes,
        figures: m.figures,
        // --incremental measures one series: the other targets have nothing to compare.
        targets: o.incremental ? [] : computeTargets(med, m.scale, c),
        verified: m.verified,
        core: { node, ...c },
        skipped: m.skipped,
        errors: m.errors,
      };
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
  console.log(terminalTable(doc));
  if (o.json) writeFileSync(o.json, JSON.stringify(doc, null, 2) + '\n');
  if (o.out) log(`wrote ${writeReport(doc, resolve(ROOT, o.out)).length} files under ${o.out}`);
  log(`bench took ${Math.round((Date.now() - started) / 1000)} s`);
  if (o.smoke) {
    const bad = Object.entries(doc.figures).filter(([, f]) => !Number.isFinite(f.median)).map(([k]) => k);
    if (bad.length) { console.error(`smoke: figures that are not finite numbers: ${bad.join(', ')}`); return 1; }
  }
  return 0;
}

process.exitCode = await main().catch((e: unknown) => { console.error(e); return 1; });

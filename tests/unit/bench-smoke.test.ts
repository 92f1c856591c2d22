/**
 * The benchmark cannot rot (npm test runs a tiny smoke version of the harness):
 * `node bin/bench.js --smoke` builds and serves the app, runs every series once on 1–2 MiB
 * volumes in Chromium, and must produce a JSON document with every key and every figure a
 * finite number. No speed is asserted: the figures of a smoke run mean nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'splitstream-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODES = ['E1', 'E2', 'E2h', 'E3', 'E4', 'sync'];
/** Every figure the benchmark must report, spelled out here (not taken from the harness). */
const FIGURES = [
  ...['hopUs', 'opfsWrite4kUs', 'opfsWrite256kUs', 'opfsRead4kUs', 'flushMs'].flatMap((k) => [`limit.${k}.p50`, `limit.${k}.p99`]),
  'limit.opfsWrite4kPerS', 'limit.rawCopyMs', 'limit.rawCopyUnitMs', 'limit.rawCopyMBps',
  ...['p0', 'p25', 'p100'].flatMap((p) => ['clientMs', 'controllerMs', 'durableMs', 'pendingAtSplit'].map((f) => `split.${p}.${f}`)),
  ...MODES.flatMap((m) => ['doneMs', 'splitToDoneMs', 'writeP50Ms', 'writeP99Ms'].map((f) => `backup.${m}.${f}`)),
  'alone.E3.doneMs', 'alone.E1.doneMs',
  ...['cold', 'idle', 'flush', 'backupE3', 'backupE1'].flatMap((k) => [`live.writeAck.${k}.p50Ms`, `live.writeAck.${k}.p99Ms`]),
  ...['idle', 'flush', 'backupE3', 'backupE1'].flatMap((k) => ['issue', 'port', 'journal', 'cache', 'answer']
    .flatMap((s) => [`live.writeAck.${k}.stage.${s}.p50Ms`, `live.writeAck.${k}.stage.${s}.p99Ms`])),
  'live.capacity.idle', 'live.capacity.backup',
  ...[1, 2].flatMap((s) => ['backupMs', 'splitAckMs', 'rawCopyMs'].map((f) => `scale.${s}.${f}`)),
  ...['p1', 'p10', 'p50'].flatMap((p) => ['fullMs', 'incMs', 'changedPct', 'runs', 'rawMs'].map((f) => `incremental.${p}.${f}`)),
  ...['scanGBps', 'scanRefGBps', 'nextSetSummaryGBps', 'copyGBps', 'copyRefGBps', 'mergeGBps', 'mergeRefGBps',
    'checksumGBps', 'checksumRefGBps', 'summaryScanMs', 'summaryScanRefMs'].map((k) => `core.browser.${k}`),
];
const TARGETS = [
  'live.writeAck.idle.p50', 'live.writeAck.idle.p99', 'live.writeAck.backup.p50', 'live.writeAck.backup.p99',
  'live.splitAck.client', 'live.splitAck.flat', 'live.capacity.idle', 'live.capacity.backup',
  'backup.E3.vsRaw', 'backup.E1.vsRaw', 'backup.E3.vsSync', 'live.writeAck.flush.p99',
  ...['hopUs', 'opfsWrite4kUs', 'flushMs'].flatMap((k) => [`limit.${k}.p50`, `limit.${k}.p99`]), 'limit.opfsWrite4kPerS',
  'scale.backupLinear', 'scale.splitFlat',
  'core.scanVsRef', 'core.scanVsC', 'core.copyVsC', 'core.walk16TiB',
];
/** Reported figures: a value with its ratio to another, no bound. */
const REPORTED = ['live.writeAck.flush.p99', ...['hopUs', 'opfsWrite4kUs', 'flushMs'].flatMap((k) => [`limit.${k}.p50`, `limit.${k}.p99`]), 'limit.opfsWrite4kPerS'];

describe('npm run bench -- --smoke', () => {
  it('runs every series once and writes a JSON document with every key, every figure a finite number', () => {
    const json = join(dir, 'bench.json');
    const out = join(dir, 'report');
    const r = spawnSync(process.execPath, ['bin/bench.js', '--smoke', '--port', String(Number(process.env.SPLITSTREAM_PORT ?? 4173) + 119), '--json', json, '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 280_000 });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(doc).sort()).toEqual(['availableBytes', 'browser', 'core', 'date', 'errors', 'figures', 'machine',
      'options', 'searches', 'skipped', 'smoke', 'targets', 'tool', 'verified', 'version'].sort());
    expect(doc.smoke).toBe(true);
    expect(doc.browser.version).toMatch(/^\d+\./);
    for (const k of ['cpus', 'memoryBytes']) expect(doc.machine[k]).toBeGreaterThan(0);
    expect(typeof doc.machine.os).toBe('string');
    expect(Object.keys(doc.figures).sort()).toEqual([...FIGURES].sort());
    for (const [k, f] of Object.entries(doc.figures) as [string, { median: number; min: number; max: number; n: number }][]) {
      expect([k, f.n, Number.isFinite(f.median), Number.isFinite(f.min), Number.isFinite(f.max)]).toEqual([k, 1, true, true, true]);
    }
    expect(doc.targets.map((t: { id: string }) => t.id).sort()).toEqual([...TARGETS].sort());
    const noC = doc.core.cScanGBps === null;
    for (const t of doc.targets as { id: string; ratio: number; met: boolean | null; kind: string }[]) {
      if (noC && (t.id === 'core.scanVsC' || t.id === 'core.copyVsC')) continue;
      const reported = REPORTED.includes(t.id);
      expect([t.id, Number.isFinite(t.ratio), reported ? t.met : typeof t.met, t.kind === 'report']).toEqual([t.id, true, reported ? null : 'boolean', reported]);
    }
    // Each capacity search probed at least one rate.
    expect(Object.keys(doc.searches).sort()).toEqual(['backup', 'idle']);
    for (const ps of Object.values(doc.searches) as { rate: number }[][]) expect(ps.length).toBeGreaterThan(0);
    // Every live run of the smoke with a backup verified (the oracle checked each tape), and the report was written.
    for (const [k, v] of Object.entries(doc.verified) as [string, { ok: number; runs: number }][]) expect([k, v.runs, v.ok]).toEqual([k, 1, 1]);
    expect(Object.keys(doc.verified)).toEqual(expect.arrayContaining(['split.p0', 'backup.E3', 'ack.backupE1', 'scale.1']));
    const md = readFileSync(join(out, 'README.md'), 'utf8');
    for (const t of doc.targets) expect(md).toContain(t.text);
    expect(md).toContain('## Incremental against full');
    expect(md).toMatch(/## Where a write's time goes\n[\s\S]*\| journal \| [\d.]+ \|/);
    expect(md).toMatch(/\| incremental ÷ full \|/);
    for (const svg of ['backup.svg', 'latency.svg', 'scale-backup.svg', 'scale-split.svg']) {
      expect(readFileSync(join(out, svg), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    }
    expect(r.stdout).toContain('target');
  }, 300_000);
});

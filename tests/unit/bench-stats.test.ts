/**
 * The benchmark's pure parts: summaries, targets, the scenarios it runs, the
 * options it takes, and the SVG it writes. No timing is asserted anywhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate.ts';
import { DEFAULT_SCENARIO, LIMITS } from '../../src/scenario/schema.ts';
import {
  BACKUP_PENDING, DEFAULTS, SPLIT_AT_MS, backupLoadScenario, backupScenario, blocksOf, idleScenario, parseArgs, presetScenario,
  rangeBlocks, scaleRefusal, splitScenario, stageKey,
} from '../bench/bench-plan.ts';
import { absMax, absMin, quantile, reported, summarize, targetMax, targetMin } from '../bench/bench-stats.ts';
import { searchCapacity } from '../bench/bench-capacity.ts';
import { computeTargets } from '../bench/bench-targets.ts';
import { barChart, lineChart, niceMax } from '../bench/bench-svg.ts';
import { markdown, stagesTable, type BenchDoc } from '../bench/bench-report.ts';
import { ACK_STAGES } from '../../src/runtime/ack-stages.ts';

const samples = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 });

describe('summarize', () => {
  it('orders min ≤ q1 ≤ median ≤ q3 ≤ max, all taken from within the samples', () => {
    fc.assert(fc.property(samples, (xs) => {
      const s = summarize(xs);
      expect(s.n).toBe(xs.length);
      expect(s.min).toBeLessThanOrEqual(s.q1);
      expect(s.q1).toBeLessThanOrEqual(s.median);
      expect(s.median).toBeLessThanOrEqual(s.q3);
      expect(s.q3).toBeLessThanOrEqual(s.max);
      expect(s.min).toBe(Math.min(...xs));
      expect(s.max).toBe(Math.max(...xs));
    }));
  });

  it('does not depend on the order of the samples, and keeps them as given', () => {
    fc.assert(fc.property(samples, fc.nat(), (xs, k) => {
      const rotated = [...xs.slice(k % xs.length), ...xs.slice(0, k % xs.length)];
      expect(summarize(rotated).median).toBe(summarize(xs).median);
      expect(summarize(xs).samples).toEqual(xs);
    }));
  });

  it('takes the middle sample of an odd count and the mean of the middle two of an even count', () => {
    expect(summarize([5, 1, 3]).median).toBe(3);
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(Number.isNaN(summarize([]).median)).toBe(true);
  });
});

describe('targets', () => {
  it('a max target is met exactly when value / limit ≤ bound, a min target when ≥ bound', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      fc.double({ min: 0.1, max: 10, noNaN: true }), (v, l, b) => {
        expect(targetMax('x', 'x', v, l, b).met).toBe(v / l <= b);
        expect(targetMin('x', 'x', v, l, b).met).toBe(v / l >= b);
      }));
  });

  it('a missing figure (NaN) never counts as met', () => {
    expect(targetMax('x', 'x', NaN, 1, 2).met).toBe(false);
    expect(targetMin('x', 'x', 3, NaN, 2).met).toBe(false);
  });

  it('checks the targets against the figures given: bounds on ratios, absolute bounds on figures, reports without a bound', () => {
    const figs: Record<string, number> = {
      'limit.hopUs.p50': 10, 'limit.hopUs.p99': 100, 'limit.opfsWrite4kUs.p50': 20, 'limit.opfsWrite4kUs.p99': 200,
      'limit.opfsWrite4kPerS': 30000, 'limit.flushMs.p50': 0.3, 'limit.flushMs.p99': 40,
      'live.writeAck.idle.p50Ms': 0.15, 'live.writeAck.idle.p99Ms': 3, 'live.writeAck.flush.p99Ms': 45,
      'live.writeAck.backupE3.p50Ms': 0.3, 'live.writeAck.backupE3.p99Ms': 2, 'live.writeAck.backupE1.p50Ms': 0.6, 'live.writeAck.backupE1.p99Ms': 4,
      'split.p0.clientMs': 0.4, 'split.p25.clientMs': 0.7, 'split.p100.clientMs': 0.55,
      'live.capacity.idle': 40000, 'live.capacity.backup': 25000,
      'limit.rawCopyMs': 100, 'backup.E3.doneMs': 190, 'backup.E1.doneMs': 260,
      'backup.E3.splitToDoneMs': 130, 'backup.sync.splitToDoneMs': 1000,
      'scale.64.backupMs': 100, 'scale.256.backupMs': 480, 'scale.64.splitAckMs': 2, 'scale.256.splitAckMs': 2,
      'core.browser.scanGBps': 40, 'core.browser.scanRefGBps': 4, 'core.browser.copyGBps': 12, 'core.browser.summaryScanMs': 0.3,
    };
    const t = computeTargets((k) => figs[k] ?? NaN, [64, 256], { cScanGBps: 10, cMemcpyGBps: 15 });
    const met = Object.fromEntries(t.map((x) => [x.id, x.met]));
    expect(met).toEqual({
      'live.writeAck.idle.p50': true, 'live.writeAck.idle.p99': false,
      // The worse of E3 and E1: E1's p50 (0.6 ms) is over 0.5.
      'live.writeAck.backup.p50': false, 'live.writeAck.backup.p99': true,
      'live.splitAck.client': true, 'live.splitAck.flat': true,
      'live.capacity.idle': false, 'live.capacity.backup': true,
      'backup.E3.vsRaw': true, 'backup.E1.vsRaw': false, 'backup.E3.vsSync': true,
      'live.writeAck.flush.p99': null,
      'limit.hopUs.p50': null, 'limit.hopUs.p99': null, 'limit.opfsWrite4kUs.p50': null, 'limit.opfsWrite4kUs.p99': null,
      'limit.flushMs.p50': null, 'limit.flushMs.p99': null, 'limit.opfsWrite4kPerS': null,
      'scale.backupLinear': true, 'scale.splitFlat': true,
      'core.scanVsRef': true, 'core.scanVsC': true, 'core.copyVsC': true, 'core.walk16TiB': true,
    });
    const by = Object.fromEntries(t.map((x) => [x.id, x]));
    // An ack's limit: a hop there and back and a 4 KiB write (10 + 20 µs at p50).
    expect(by['live.writeAck.idle.p50'].limit).toBeCloseTo(0.03, 9);
    expect(by['live.splitAck.client'].value).toBe(0.7);
    expect(by['live.writeAck.flush.p99'].ratio).toBe(15);
    expect(by['limit.flushMs.p99'].ratio).toBeCloseTo(40 / 0.3, 9);
    // Capacity stands beside the write calls one worker sustains, not 1 ÷ one call's p50 (50000 a second here).
    expect(by['live.capacity.idle'].limit).toBe(30000);
    expect(by['limit.opfsWrite4kPerS'].ratio).toBeCloseTo(30000 / 50000, 9);
    // With one scale point there is nothing to compare sizes with.
    expect(computeTargets((k) => figs[k] ?? NaN, [64], { cScanGBps: null, cMemcpyGBps: null }).some((x) => x.id.startsWith('scale'))).toBe(false);
  });

  it('an absolute bound applies to the figure whatever its limit', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      fc.double({ min: 0.1, max: 10, noNaN: true }), (v, l, b) => {
        expect(absMax('x', 'x', v, l, b).met).toBe(v <= b);
        expect(absMin('x', 'x', v, l, b).met).toBe(v >= b);
        expect(reported('x', 'x', v, l).met).toBeNull();
      }));
  });
});

describe('the capacity search', () => {
  it('finds the highest rate that keeps the bound to within its grain, on any machine that keeps it up to a rate', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 120000 }), async (knee) => {
      const plan = { start: 5000, max: 100000, steps: 8, grain: 1000, boundMs: 5 };
      const found = await searchCapacity(plan, async (rate) => (rate <= knee ? 1 : 9));
      // Below the start too: the first halvings go under it.
      expect(found.rate).toBeLessThanOrEqual(Math.min(knee, plan.max));
      expect(found.rate).toBeGreaterThan(Math.min(knee, plan.max) - plan.grain * 1.5);
      for (const p of found.probes) expect(p.ok).toBe(p.rate <= knee);
    }));
  });

  it('counts a run that fails as over the bound', async () => {
    const found = await searchCapacity({ start: 1000, max: 8000, steps: 2, grain: 500, boundMs: 5 },
      async (rate) => { if (rate > 2000) throw new Error('the run did not end'); return 1; });
    expect(found.rate).toBe(2000);
    expect(found.probes.find((p) => p.rate === 4000)).toEqual({ rate: 4000, p99Ms: NaN, ok: false });
  });
});

describe('the scenarios the bench runs', () => {
  it('are valid scenarios with the split and a 10% range inside the volume', () => {
    fc.assert(fc.property(fc.integer({ min: 16, max: 1 << 16 }), fc.integer({ min: 1, max: 9 }), (blocks, seed) => {
      for (const s of [splitScenario(blocks, 1, seed), splitScenario(blocks, 1, seed, 5000), backupScenario(blocks, 500, seed)]) {
        expect(validateScenario(s, { runtime: 'live' })).toEqual(s);
        // With the client writing, the split lands in its stream of writes.
        expect(s.script[0]).toEqual({ at: s.workload.rate > 0 && s.name.includes('split') ? SPLIT_AT_MS : 0, op: 'split' });
        const b = s.script[1];
        expect(b.op === 'backup' && b.lba + b.blocks <= blocks && b.blocks === rangeBlocks(blocks)).toBe(true);
      }
      expect(splitScenario(blocks, 0.1, seed).workload.rate).toBe(0);
      expect(backupScenario(blocks, 500, seed).initial.pending).toBe(BACKUP_PENDING);
      expect(idleScenario(blocks, 500, seed, 1000).script).toEqual([{ at: 1000, op: 'split' }]);
      expect(idleScenario(blocks, 500, seed, 1000, 1).workload).toMatchObject({ minBlocks: 1, maxBlocks: 1 });
    }));
  });

  it("take the default preset's geometry for the acks and the capacity, backing its whole volume up", () => {
    for (const s of [presetScenario(5000, 1), backupLoadScenario(20000, 1)]) {
      expect(validateScenario(s, { runtime: 'live' })).toEqual(s);
      expect(s.geometry).toEqual(DEFAULT_SCENARIO.geometry);
      expect(s.script.filter((c) => c.op === 'backup').every((c) => c.op === 'backup' && c.lba === 0 && c.blocks === 0)).toBe(true);
    }
    expect(presetScenario(5000, 1).initial.pending).toBe(DEFAULT_SCENARIO.initial.pending);
    // Three backups in a row, with single-block writes throughout.
    expect(backupLoadScenario(20000, 1).script.map((c) => c.op)).toEqual(['split', 'backup', 'resync', 'split', 'backup', 'resync', 'split', 'backup']);
    expect(backupLoadScenario(20000, 1).workload.maxBlocks).toBe(1);
  });

  it('skips scale points past the format\'s cap or the quota, saying why', () => {
    expect(scaleRefusal(64, null)).toBeNull();
    // A live volume may pass the sim's 256 MiB, up to the live cap (4 GiB, 2^20 blocks of 4 KiB).
    expect(scaleRefusal(4096, null)).toBeNull();
    expect(scaleRefusal(8192, null)).toMatch(/caps a live volume at 4096 MiB/);
    // 1 GiB: two volumes and a 102.4 MiB tape at the peak (about 2167 MiB), not a third volume.
    expect(scaleRefusal(1024, 3 * 2 ** 30)).toBeNull();
    expect(scaleRefusal(1024, 2 * 2 ** 30)).toMatch(/quota leaves 2048 MiB/);
    expect(scaleRefusal(4096, 10 * 2 ** 30)).toBeNull();
    expect(scaleRefusal(64, 10 << 20)).toMatch(/quota leaves 10 MiB/);
    expect(blocksOf(LIMITS.maxLiveVolumeBytes / (1 << 20)) * 4096).toBe(LIMITS.maxLiveVolumeBytes);
    expect(() => backupScenario(blocksOf(1024), 500, 1)).not.toThrow();
  });
});

describe('options', () => {
  it('takes every flag and refuses unknown ones and bad numbers', () => {
    expect(parseArgs([])).toEqual(DEFAULTS);
    const o = parseArgs(['--reps', '3', '--scale', '64,256', '--json', 'x.json', '--no-report', '--rate', '0', '--no-node-core']);
    expect(o).toMatchObject({ reps: 3, scale: [64, 256], json: 'x.json', out: null, rate: 0, nodeCore: false });
    expect(parseArgs(['--smoke'])).toMatchObject({ smoke: true, reps: 1, out: null, nodeCore: false });
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['--reps', '0'])).toThrow(/--reps/);
  });
});

describe('SVG charts', () => {
  it('niceMax is the smallest 1, 2 or 5 × 10^k at or above x', () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (x) => {
      const m = niceMax(x);
      expect(m).toBeGreaterThanOrEqual(x);
      const mantissa = m / 10 ** Math.floor(Math.log10(m) + 1e-9);
      expect([1, 2, 5, 10].some((k) => Math.abs(mantissa - k) < 1e-9 * k)).toBe(true);
      expect(m).toBeLessThan(x * 5.0001);
    }));
  });

  it('draws one polyline per series and one bar per finite median, inside the picture', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true })), { minLength: 1, maxLength: 8 }), (pts) => {
      const svg = lineChart('t', 'x', 'y', [{ label: 'a<b', points: pts }, { label: 'b', points: [[1, NaN]] }]);
      expect(svg.match(/<polyline/g)?.length).toBe(2);
      expect(svg).toContain('a&lt;b');
      for (const [, x, y] of svg.matchAll(/<circle cx="([\d.-]+)" cy="([\d.-]+)"/g)) {
        expect(Number(x)).toBeGreaterThanOrEqual(0); expect(Number(x)).toBeLessThanOrEqual(640);
        expect(Number(y)).toBeGreaterThanOrEqual(0); expect(Number(y)).toBeLessThanOrEqual(360);
      }
    }));
    const bars = barChart('t', 'ms', [{ label: 'E1', bars: [{ series: 'a', median: 3, min: 2, max: 4 }, { series: 'b', median: NaN, min: NaN, max: NaN }] }]);
    expect(bars.match(/<rect x=/g)?.length).toBe(1 + 2); // one bar + two legend swatches
  });
});

describe('the report', () => {
  it('sets each scale point\'s E3 backup beside its raw copy, with their ratio', () => {
    const fig = (median: number) => ({ median, min: median, max: median, q1: median, q3: median, n: 3, unit: 'ms', label: '' });
    const doc = {
      tool: 'splitstream bench', version: 1, date: '2026-01-01', smoke: false,
      options: { ...DEFAULTS, scale: [64, 1024, 4096] },
      browser: { name: 'chromium', version: '1', userAgent: '' },
      machine: { os: 'os', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryBytes: 2 ** 30, node: 'v20' },
      availableBytes: null,
      figures: {
        'scale.64.backupMs': fig(60), 'scale.64.rawCopyMs': fig(15), 'scale.64.splitAckMs': fig(9),
        'scale.4096.backupMs': fig(1300), 'scale.4096.rawCopyMs': fig(1000), 'scale.4096.splitAckMs': fig(12),
      },
      targets: [], verified: {}, searches: {}, core: { node: null, cScanGBps: null, cMemcpyGBps: null, cNote: 'none' },
      skipped: [{ what: 'scale 1024 MiB', why: 'quota' }], errors: [],
    } as unknown as BenchDoc;
    const md = markdown(doc);
    const table = md.slice(md.indexOf('## Scale'), md.indexOf('## Figures'));
    expect(table).toContain('| 64 MiB | 60 ms | 15 ms | 4 | 9 ms |');
    expect(table).toContain('| 4096 MiB | 1300 ms | 1000 ms | 1.3 | 12 ms |');
    // A point that did not run has no row.
    expect(table).not.toContain('1024 MiB');
  });

  it("sets each write-ack series' stages side by side, apart from the figures' table", () => {
    const fig = (median: number) => ({ median, min: median, max: median, q1: median, q3: median, n: 3, unit: 'ms', label: 'x' });
    const figures: Record<string, ReturnType<typeof fig>> = { 'live.writeAck.idle.p50Ms': fig(0.4), 'live.writeAck.idle.p99Ms': fig(4) };
    ACK_STAGES.forEach((stage, i) => {
      figures[stageKey('idle', stage, 'p50')] = fig(i + 0.5);
      figures[stageKey('idle', stage, 'p99')] = fig(10 + i);
    });
    // The E3 preset's runs carried no stages (a build before them): no column.
    figures['live.writeAck.backupE3.p50Ms'] = fig(90);
    const doc = {
      tool: 'splitstream bench', version: 1, date: '2026-01-01', smoke: false, options: DEFAULTS,
      browser: { name: 'chromium', version: '1', userAgent: '' },
      machine: { os: 'os', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryBytes: 2 ** 30, node: 'v20' },
      availableBytes: null, figures, targets: [], verified: {}, searches: {},
      core: { node: null, cScanGBps: null, cMemcpyGBps: null, cNote: 'none' }, skipped: [], errors: [],
    } as unknown as BenchDoc;
    const table = stagesTable(doc);
    expect(table.split('\n')[0]).toBe('| ms | no backup p50 | p99 |');
    expect(table).toContain('| issue | 0.5 | 10 |');
    expect(table).toContain('| answer | 4.5 | 14 |');
    expect(table).toContain('| the whole ack | 0.4 | 4 |');
    const md = markdown(doc);
    const figs = md.slice(md.indexOf('## Figures'));
    expect(figs).not.toContain('.stage.');
    expect(figs).toContain('live.writeAck.backupE3.p50Ms');
  });
});

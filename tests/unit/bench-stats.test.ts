/**
 * The benchmark's pure parts: summaries, targets, the scenarios it runs, the
 * options it takes, and the SVG it writes. No timing is asserted anywhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate.ts';
import { LIMITS } from '../../src/scenario/schema.ts';
import {
  BACKUP_PENDING, DEFAULTS, backupScenario, blocksOf, idleScenario, parseArgs, rangeBlocks, scaleRefusal, splitScenario,
} from '../bench/bench-plan.ts';
import { quantile, summarize, targetMax, targetMin } from '../bench/bench-stats.ts';
import { computeTargets } from '../bench/bench-targets.ts';
import { barChart, lineChart, niceMax } from '../bench/bench-svg.ts';
import { markdown, type BenchDoc } from '../bench/bench-report.ts';

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

  it('checks the benchmark\'s targets against the figures given', () => {
    const figs: Record<string, number> = {
      'split.p0.clientMs': 2, 'split.p100.clientMs': 2.5, 'split.p0.controllerMs': 0.1, 'split.p100.controllerMs': 0.5,
      'limit.rawCopyMs': 100, 'backup.E3.doneMs': 120, 'backup.E1.doneMs': 160,
      'backup.E3.splitToDoneMs': 130, 'backup.sync.splitToDoneMs': 1000,
      'scale.64.backupMs': 100, 'scale.256.backupMs': 480, 'scale.64.splitAckMs': 2, 'scale.256.splitAckMs': 2,
      'core.browser.scanGBps': 40, 'core.browser.scanRefGBps': 4, 'core.browser.copyGBps': 12, 'core.browser.summaryScanMs': 0.3,
    };
    const t = computeTargets((k) => figs[k] ?? NaN, [64, 256], { cScanGBps: 10, cMemcpyGBps: 15 });
    const met = Object.fromEntries(t.map((x) => [x.id, x.met]));
    expect(met).toEqual({
      'split.flat.client': true, 'split.under1ms.client': false, 'split.flat.controller': false, 'split.under1ms.controller': true,
      'backup.E3.vsRaw': true, 'backup.E1.vsRaw': false, 'backup.E3.vsSync': true,
      'scale.backupLinear': true, 'scale.splitFlat': true,
      'core.scanVsRef': true, 'core.scanVsC': true, 'core.copyVsC': true, 'core.walk16TiB': true,
    });
    // With one scale point there is nothing to compare sizes with.
    expect(computeTargets((k) => figs[k] ?? NaN, [64], { cScanGBps: null, cMemcpyGBps: null }).some((x) => x.id.startsWith('scale'))).toBe(false);
  });
});

describe('the scenarios the bench runs', () => {
  it('are valid scenarios with the split at t = 0 and a 10% range inside the volume', () => {
    fc.assert(fc.property(fc.integer({ min: 16, max: 1 << 16 }), fc.integer({ min: 1, max: 9 }), (blocks, seed) => {
      for (const s of [splitScenario(blocks, 1, seed), backupScenario(blocks, 500, seed)]) {
        expect(validateScenario(s)).toEqual(s);
        expect(s.script[0]).toEqual({ at: 0, op: 'split' });
        const b = s.script[1];
        expect(b.op === 'backup' && b.lba + b.blocks <= blocks && b.blocks === rangeBlocks(blocks)).toBe(true);
      }
      expect(splitScenario(blocks, 0.1, seed).workload.rate).toBe(0);
      expect(backupScenario(blocks, 500, seed).initial.pending).toBe(BACKUP_PENDING);
      expect(idleScenario(blocks, 500, seed, 1000).script).toEqual([{ at: 1000, op: 'split' }]);
    }));
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
      targets: [], verified: {}, core: { node: null, cScanGBps: null, cMemcpyGBps: null, cNote: 'none' },
      skipped: [{ what: 'scale 1024 MiB', why: 'quota' }], errors: [],
    } as unknown as BenchDoc;
    const md = markdown(doc);
    const table = md.slice(md.indexOf('## Scale'), md.indexOf('## Figures'));
    expect(table).toContain('| 64 MiB | 60 ms | 15 ms | 4 | 9 ms |');
    expect(table).toContain('| 4096 MiB | 1300 ms | 1000 ms | 1.3 | 12 ms |');
    // A point that did not run has no row.
    expect(table).not.toContain('1024 MiB');
  });
});

// The page's pure helpers added for newcomers and for Live: where timeline labels go (never
// past the drawing), the live maps' bucket counts (against a plain count), the live clock
// (no event outside the run), the live samples, Preset and Mode staying in step, and the
// hash's extra keys beside the scenario.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/array/events.ts';
import { ALL_MODES, DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';
import { encodePermalink, hashParam, permalinkParam } from '../../src/scenario/permalink.ts';
import { fitLabel, laneWidth, MAX_LANE, MIN_LANE } from '../../web/ui/seq-layout.ts';
import { bucketCounts } from '../../web/live/bit-buckets.ts';
import { addSample, clampEvents, liveSeries, MAX_SAMPLES, progressOf, sampleAt, type LiveSample } from '../../web/ui/live-series.ts';
import type { LiveArrayState } from '../../web/live/live-maps.ts';
import { PRESETS, presetOf, withMode } from '../../web/ui/presets.ts';

/** A text measure like a proportional font's: 6 px a character, 3 for a space. */
const measure = (s: string) => [...s].reduce((w, c) => w + (c === ' ' ? 3 : 6), 0);

describe('timeline labels (web/ui/seq-layout.ts)', () => {
  it('lanes share the width within their bounds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3000 }), (avail) => {
      const w = laneWidth(avail, 46, 9);
      expect(w).toBeGreaterThanOrEqual(MIN_LANE);
      expect(w).toBeLessThanOrEqual(MAX_LANE);
      if (w > MIN_LANE) expect(46 + 9 * w).toBeLessThanOrEqual(avail);
    }));
  });

  it('a label never leaves the drawing; it is whole when one side has room, else a prefix with …', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 60 }), fc.integer({ min: 300, max: 700 }),
      fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean(),
      (text, width, a, b, arrow) => {
        const left = 48, right = width - 2, lane = (width - 46) / 9;
        const x1 = 46 + a * lane + lane / 2, x2 = arrow ? 46 + b * lane + lane / 2 : x1;
        const box = { x1, x2, arrow: arrow && a !== b, left, right };
        const p = fitLabel(text, measure, box);
        const [lo, hi] = p.anchor === 'start' ? [p.x, p.x + p.width] : [p.x - p.width, p.x];
        expect(lo).toBeGreaterThanOrEqual(left - 1e-9);
        expect(hi).toBeLessThanOrEqual(right + 1e-9);
        expect(p.width).toBe(measure(p.text));
        const room = Math.max(right - (box.arrow ? Math.min(x1, x2) + 6 : x1 + 7), (box.arrow ? Math.max(x1, x2) - 6 : x1 - 7) - left);
        if (measure(text) <= room) expect(p.text).toBe(text);
        else if (p.text) expect(text.startsWith(p.text.slice(0, -1).trimEnd())).toBe(true);
      }));
  });

  it('flips a label to the left of its dot at the right edge rather than cutting it', () => {
    const p = fitLabel('tape record: blocks 0–7', measure, { x1: 560, x2: 560, arrow: false, left: 48, right: 580 });
    expect(p).toMatchObject({ text: 'tape record: blocks 0–7', anchor: 'end', x: 553 });
  });
});

describe('live maps (web/live/bit-buckets.ts)', () => {
  it('counts set bits per bucket exactly, whatever the padding holds', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 300 }), (bits, max) => {
      const n = bits.length;
      const bytes = new Uint8Array(Math.ceil(n / 8) + 1).fill(0xff); // padding bits set on purpose
      for (let i = 0; i < n; i++) if (!bits[i]) bytes[i >> 3] &= ~(1 << (i & 7));
      const r = bucketCounts(bytes, n, max);
      expect(r.blocksPerBucket % 8).toBe(0);
      expect(r.counts.length).toBeLessThanOrEqual(Math.max(1, max));
      for (let k = 0; k < r.counts.length; k++) {
        const want = bits.slice(k * r.blocksPerBucket, (k + 1) * r.blocksPerBucket).filter(Boolean).length;
        expect(r.counts[k]).toBe(want);
      }
      expect(r.total).toBe(bits.filter(Boolean).length);
    }));
  });
});

const state = (over: Partial<LiveArrayState> = {}): LiveArrayState => ({
  p516: 'split', s517: 'split-pending', blocks: 64, pending: 10, post: 3, pendingAtSplit: 16,
  diff: { blocksPerBucket: 8, counts: new Uint32Array(8) }, postMap: { blocksPerBucket: 8, counts: new Uint32Array(8) },
  copies: { cow: 0, priority: 0, background: 0, stagedFromPvol: 0 }, backupBlocksDone: 0, ...over,
});

describe('the live clock and samples (web/ui/live-series.ts)', () => {
  it('no event claims a time outside the run, and a sorted log stays sorted', () => {
    const ev = fc.record({ t: fc.double({ min: -1e13, max: 2e12, noNaN: true }), actor: fc.constant('508' as const), ev: fc.constant('record.flushed') });
    fc.assert(fc.property(fc.array(ev, { maxLength: 40 }), fc.double({ min: 0, max: 1e6, noNaN: true }), (evs, elapsed) => {
      const sorted = [...evs].sort((a, b) => a.t - b.t) as SimEvent[];
      const out = clampEvents(sorted, elapsed);
      expect(out.length).toBe(sorted.length);
      out.forEach((e, i) => {
        expect(e.t).toBeGreaterThanOrEqual(0);
        expect(e.t).toBeLessThanOrEqual(elapsed);
        if (i) expect(e.t).toBeGreaterThanOrEqual(out[i - 1].t);
        if (sorted[i].t >= 0 && sorted[i].t <= elapsed) expect(e).toBe(sorted[i]);
      });
    }));
    // The reported case: a record flushed before the run's clock began carried a Unix time.
    const log = [{ t: 3.5, actor: '501', ev: 'split.ack' }, { t: 1796519297403.235, actor: '508', ev: 'record.flushed' }] as SimEvent[];
    expect(clampEvents(log, 4200).map((e) => e.t)).toEqual([3.5, 4200]);
  });

  it('keeps at most MAX_SAMPLES samples in time order, and finds the one at a time', () => {
    let ss: LiveSample[] = [];
    for (let i = 0; i < 2 * MAX_SAMPLES + 5; i++) ss = addSample(ss, { t: i * 10, state: state(), latencyMax: null });
    expect(ss.length).toBeLessThanOrEqual(MAX_SAMPLES);
    for (let i = 1; i < ss.length; i++) expect(ss[i].t).toBeGreaterThan(ss[i - 1].t);
    expect(ss.at(-1)!.t).toBe((2 * MAX_SAMPLES + 4) * 10);
    expect(sampleAt(ss, -1)).toBeNull();
    const mid = ss[7].t + 1;
    expect(sampleAt(ss, mid)).toBe(ss[7]);
  });

  it('progress rows and series come from the samples', () => {
    const a = { t: 0, state: state({ backupBlocksDone: 0, pending: 16 }), latencyMax: 2 };
    const b = { t: 100, state: state({ backupBlocksDone: 32, pending: 6 }), latencyMax: null };
    const s = liveSeries([a, b], 4096);
    expect(s.pending).toEqual([16, 6]);
    expect(s.throughput[1]).toBeCloseTo((32 * 4096) / 100 / 1000, 9); // MB/s
    expect(s.latency).toEqual([2, null]);
    expect(progressOf(b.state, 64)).toEqual([
      { label: 'formation copy', done: 0, total: 0 },
      { label: 'differential copy', done: 10, total: 16 },
      { label: 'backup to tape', done: 32, total: 64 },
    ]);
  });
});

describe('Preset and Mode stay in step (web/ui/presets.ts)', () => {
  it('the built-in default is the E1 preset, listed once', () => {
    expect(presetOf(DEFAULT_SCENARIO)?.file).toBe('e1-priority-copy.json');
    expect(new Set(PRESETS.map((p) => p.title)).size).toBe(PRESETS.length);
    // Every preset has a menu title of its own (presets.ts TITLES), short enough for a phone.
    for (const p of PRESETS) expect(p.title, p.file).not.toBe(p.scenario.name);
    for (const p of PRESETS) expect(p.title.length, p.file).toBeLessThanOrEqual(44);
  });

  it('changing the mode of a mode preset lands on its sibling preset; other scenarios keep their name', () => {
    const e1 = PRESETS.find((p) => p.file === 'e1-priority-copy.json')!.scenario;
    for (const m of ALL_MODES) {
      const s = withMode(e1, m);
      expect(s.mode).toBe(m);
      expect(presetOf(s)?.scenario.mode).toBe(m);
      expect(s.name).toBe(presetOf(s)!.scenario.name);
    }
    const custom = { ...e1, seed: 99 };
    const s = withMode(custom, 'E3');
    expect([s.mode, s.name, s.seed, presetOf(s)]).toEqual(['E3', e1.name, 99, null]);
  });
});

describe('the hash carries other keys beside the scenario', () => {
  it('tour=N next to s=…, in either order', () => {
    const s = encodePermalink(DEFAULT_SCENARIO);
    for (const h of [`#${s}&tour=3`, `#tour=3&${s}`]) {
      expect(hashParam(h, 'tour')).toBe('3');
      expect(permalinkParam(h)).toBe(s.slice(2));
    }
    expect(hashParam('#s=abc', 'tour')).toBeNull();
  });
});

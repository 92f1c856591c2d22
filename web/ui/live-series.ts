/**
 * A live run's pictures over time, from the samples the page takes while it runs (the
 * array's state read from shared memory a few times a second, web/live/live-maps.ts): the
 * same maps, progress bars and charts as the sim's, on the run's wall clock. Pure; kept
 * after the run so scrubbing the recorded timeline shows the maps of that moment.
 */
import type { SimEvent } from '../../src/array/events.ts';
import type { LiveArrayState } from '../live/live-maps.ts';
import type { BitmapView, ProgressView, SeriesView } from './view-model.ts';

export interface LiveSample {
  /** Wall-clock ms since the run's start (the events' clock). */
  t: number;
  state: LiveArrayState;
  /** Slowest client write acknowledged since the previous sample, ms. */
  latencyMax: number | null;
}

/** At most this many samples are kept: past it, every other one is dropped (the charts stay whole). */
export const MAX_SAMPLES = 600;

export function addSample(samples: readonly LiveSample[], s: LiveSample): LiveSample[] {
  const out = samples.length >= MAX_SAMPLES ? samples.filter((_, i) => i % 2 === 1) : samples.slice();
  out.push(s);
  return out;
}

/** The last sample at or before t (binary search; samples are in time order), or null. */
export function sampleAt(samples: readonly LiveSample[], t: number): LiveSample | null {
  let lo = 0, hi = samples.length - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t <= t) { ans = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return ans < 0 ? null : samples[ans];
}

export function mapsOf(s: LiveArrayState): { diff514: BitmapView; postSplit: BitmapView } {
  return {
    diff514: { nBlocks: s.blocks, setCount: s.pending, buckets: s.diff },
    postSplit: { nBlocks: s.blocks, setCount: s.post, buckets: s.postMap },
  };
}

/** The sim's three progress rows (frame-adapter.ts), from a live sample. */
export function progressOf(s: LiveArrayState, backupTotal: number): ProgressView[] {
  const forming = s.p516 === 'duplex-pending';
  const afterSplit = s.p516 === 'split' || s.p516 === 'split-pending';
  return [
    { label: 'formation copy', done: forming ? s.blocks - s.pending : 0, total: forming ? s.blocks : 0 },
    { label: 'differential copy', done: afterSplit ? Math.max(0, s.pendingAtSplit - s.pending) : 0, total: afterSplit ? s.pendingAtSplit : 0 },
    { label: 'backup to tape', done: Math.min(s.backupBlocksDone, backupTotal), total: backupTotal },
  ];
}

/** Chart series: pending blocks, tape MB/s between samples, and the client's slowest write per interval. */
export function liveSeries(samples: readonly LiveSample[], blockBytes: number): SeriesView {
  const t: number[] = [], pending: number[] = [], throughput: number[] = [];
  const latency: (number | null)[] = [];
  samples.forEach((s, i) => {
    const prev = samples[i - 1];
    const dt = prev ? s.t - prev.t : 0;
    t.push(s.t);
    pending.push(s.state.pending);
    throughput.push(prev && dt > 0 ? ((s.state.backupBlocksDone - prev.state.backupBlocksDone) * blockBytes) / dt / 1000 : 0);
    latency.push(s.latencyMax);
  });
  return { t, pending, throughput, latency };
}

/**
 * The live timeline's end: no event may claim a time outside the run (a stamp taken before
 * the run's clock started would be a Unix time). Times are clamped into [0, elapsedMs];
 * clamping keeps a sorted log sorted.
 */
export function clampEvents(events: readonly SimEvent[], elapsedMs: number): SimEvent[] {
  return events.map((e) => (e.t >= 0 && e.t <= elapsedMs ? e : { ...e, t: Math.min(Math.max(e.t, 0), elapsedMs) }));
}

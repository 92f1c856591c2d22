/**
 * The live runtime's side of the playground. Run starts web/live/live-bridge.ts runLive
 * with the page's scenario and mode; while it runs, the bridge is polled every POLL_MS (a
 * timer, then one state update per requestAnimationFrame, so no busy loop and no render
 * storm) for the events so far, the servers' progress and, at most every SAMPLE_MS, the
 * array's maps and counters read from shared memory (live-series.ts). After the run, the
 * recorded log is scrubbed like the sim's. Every time is wall-clock ms since the run began,
 * and never more than the time the page has been running it.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SimEvent } from '../../src/array/events.ts';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { abortLive, lastArrayState, lastFigures, liveArrayState, liveEventsSoFar, liveProgress, runLive } from '../live/live-bridge.ts';
import { resultOf } from './frame-adapter.ts';
import { endTime } from './live-frame.ts';
import { addSample, clampEvents, type LiveSample } from './live-series.ts';
import type { ResultView } from './view-model.ts';

export const POLL_MS = 150;
/** The maps are read from shared memory at most this often. */
export const SAMPLE_MS = 250;
/** The storage line is refreshed this often during a run. */
const STORAGE_MS = 2000;

export type LivePhase = 'idle' | 'running' | 'done' | 'failed';
export interface LiveStorage { quota: number | null; usage: number | null; persisted: boolean; files: { name: string; bytes: number }[] }
export interface LiveProgressView { t: number; writes: number; acked: number; splitAcked: boolean; backup: string }

export function useLive(active: boolean) {
  const [phase, setPhase] = useState<LivePhase>('idle');
  const [events, setEvents] = useState<SimEvent[]>([]);
  const [progress, setProgress] = useState<LiveProgressView | null>(null);
  const [samples, setSamples] = useState<LiveSample[]>([]);
  const [result, setResult] = useState<ResultView | null>(null);
  const [raw, setRaw] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [storage, setStorage] = useState<LiveStorage | null>(null);
  const [time, setTime] = useState(0);
  /** Wall-clock ms when the backup's end was reported (the servers' clock), or null. */
  const [backupDoneAt, setBackupDoneAt] = useState<number | null>(null);
  const running = useRef(false);

  const refreshStorage = useCallback(() => {
    const api = window.splitstream;
    if (!api) return;
    api.storage().then(setStorage, () => setStorage(null));
  }, []);
  useEffect(() => { if (active) refreshStorage(); }, [active, refreshStorage]);
  // Leaving the page mid-run stops the workers (abortLive is a no-op otherwise).
  useEffect(() => () => { if (running.current) abortLive(); }, []);

  const run = useCallback((scenario: Scenario) => {
    if (running.current) return;
    running.current = true;
    setPhase('running'); setEvents([]); setProgress(null); setSamples([]); setResult(null); setRaw(null); setError(null);
    setTime(0); setBackupDoneAt(null);
    // The run's clock starts after the workers are set up, so it never exceeds this one.
    const began = performance.now();
    const elapsed = () => performance.now() - began;
    let timer = 0, raf = 0, stopped = false, lastSample = -Infinity, lastStorage = performance.now();
    // The slowest write acknowledged since the last sample (each poll reports its own window).
    let latMax: number | null = null;
    // One poll at a time: the next is scheduled only after this one's answer is drawn.
    const poll = async () => {
      const [evs, p] = await Promise.all([liveEventsSoFar().catch(() => null), liveProgress(false).catch(() => null)]);
      const now = performance.now();
      const state = now - lastSample >= SAMPLE_MS ? liveArrayState() : null;
      if (state) lastSample = now;
      if (stopped) return;
      raf = requestAnimationFrame(() => {
        if (stopped) return;
        const cap = elapsed();
        if (evs) {
          const clamped = clampEvents(evs, cap);
          setEvents(clamped); setTime(endTime(clamped));
          const done = clamped.find((e) => e.ev === 'backup.report');
          if (done) setBackupDoneAt((b) => b ?? done.t);
        }
        if (p) setProgress({ t: Math.min(p.t, cap), writes: p.writes, acked: p.acked, splitAcked: p.splitAcked, backup: p.backup });
        if (p && p.latencyMax !== null) latMax = Math.max(latMax ?? 0, p.latencyMax);
        if (state && p) {
          const latencyMax = latMax;
          latMax = null;
          setSamples((ss) => addSample(ss, { t: Math.min(p.t, cap), state, latencyMax }));
        }
        if (now - lastStorage >= STORAGE_MS) { lastStorage = now; refreshStorage(); }
        timer = window.setTimeout(poll, POLL_MS);
      });
    };
    timer = window.setTimeout(poll, POLL_MS);
    const stop = () => { stopped = true; clearTimeout(timer); cancelAnimationFrame(raf); running.current = false; };
    // Through the automation API when present: it waits for the load-time recovery first.
    const api = window.splitstream;
    const go = api ? api.run(scenario, { runtime: 'live', mode: scenario.mode }) : runLive(scenario, scenario.mode);
    go.then(
      (r) => {
        stop();
        const all = clampEvents(lastFigures?.events ?? [], elapsed());
        setEvents(all); setTime(endTime(all)); setRaw(r); setResult(resultOf(r)); setPhase('done');
        // The array's final picture, at the end of the recorded timeline.
        const last = lastArrayState;
        const endAt = endTime(all);
        if (last) setSamples((ss) => addSample(ss.filter((x) => x.t < endAt), { t: endAt, state: last, latencyMax: null }));
        const done = all.find((e) => e.ev === 'backup.report');
        setBackupDoneAt(done ? done.t : null);
        refreshStorage();
      },
      (e: unknown) => {
        stop();
        setError(e instanceof Error ? e.message : String(e)); setPhase('failed');
        refreshStorage();
      },
    );
  }, [refreshStorage]);

  const endT = endTime(events);
  const seek = useCallback((t: number) => {
    if (running.current) return;
    setTime(Math.max(0, Math.min(endT, t)));
  }, [endT]);

  return { phase, events, progress, samples, result, raw, error, storage, time, endT, backupDoneAt, run, seek };
}

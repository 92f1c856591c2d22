/**
 * The live runtime's side of the playground, which fills as things happen. Run starts
 * web/live/live-bridge.ts runLive with the page's scenario and mode; while it runs, the
 * bridge is polled every POLL_MS (a timer, then one state update per requestAnimationFrame,
 * so no busy loop and no render storm) for the events so far and the servers' progress.
 * After the run, the recorded log is scrubbed like the sim's.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SimEvent } from '../../src/array/events.ts';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { abortLive, lastFigures, liveEventsSoFar, liveProgress, runLive } from '../live/live-bridge.ts';
import { resultOf } from './frame-adapter.ts';
import { endTime } from './live-frame.ts';
import type { ResultView } from './view-model.ts';

export const POLL_MS = 150;

export type LivePhase = 'idle' | 'running' | 'done' | 'failed';
export interface LiveStorage { quota: number | null; usage: number | null; persisted: boolean; files: { name: string; bytes: number }[] }
export interface LiveProgressView { t: number; writes: number; acked: number; splitAcked: boolean; backup: string }

export function useLive(active: boolean) {
  const [phase, setPhase] = useState<LivePhase>('idle');
  const [events, setEvents] = useState<SimEvent[]>([]);
  const [progress, setProgress] = useState<LiveProgressView | null>(null);
  const [result, setResult] = useState<ResultView | null>(null);
  const [raw, setRaw] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [storage, setStorage] = useState<LiveStorage | null>(null);
  const [time, setTime] = useState(0);
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
    setPhase('running'); setEvents([]); setProgress(null); setResult(null); setRaw(null); setError(null); setTime(0);
    let timer = 0, raf = 0, stopped = false;
    // One poll at a time: the next is scheduled only after this one's answer is drawn.
    const poll = async () => {
      const [evs, p] = await Promise.all([liveEventsSoFar().catch(() => null), liveProgress().catch(() => null)]);
      if (stopped) return;
      raf = requestAnimationFrame(() => {
        if (stopped) return;
        if (evs) { setEvents(evs); setTime(endTime(evs)); }
        if (p) setProgress({ t: p.t, writes: p.writes, acked: p.acked, splitAcked: p.splitAcked, backup: p.backup });
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
        const all = lastFigures?.events ?? [];
        setEvents(all); setTime(endTime(all)); setRaw(r); setResult(resultOf(r)); setPhase('done');
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

  return { phase, events, progress, result, raw, error, storage, time, endT, run, seek };
}

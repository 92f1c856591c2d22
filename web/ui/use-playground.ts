/**
 * The page's state and its timeline engine (Raft Scope's state.js role): the scenario (read
 * from the URL hash once at load, written back on every change, as TensorFlow Playground
 * does; other keys such as the tour's `tour=N` share the hash), the run computed by the sim
 * worker, and the playhead that plays, steps and seeks. Seeking asks the worker for the
 * frame at time t; the worker reruns deterministically (same seed, same timeline). A link
 * that cannot be opened stays in the address bar, with the message, until the user resets
 * it or changes the scenario.
 */
import * as Comlink from 'comlink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Scenario } from '../../src/scenario/schema.ts';
import { START_SCENARIO } from './presets.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { decodePermalink, encodePermalink } from '../../src/scenario/permalink.ts';
import { stepTime } from './seek.ts';
import { SimBridge } from './sim-bridge.ts';
import { useVolumeImage } from './use-volume-image.ts';
import type { FrameView, ResultView, RunView } from './view-model.ts';

export function readScenarioFromHash(hash: string): { scenario: Scenario; message: string | null } {
  const r = decodePermalink(hash, validateScenario, START_SCENARIO);
  return r.ok ? { scenario: r.scenario, message: null } : { scenario: START_SCENARIO, message: r.message };
}

/** A speed (virtual ms per wall second) that plays the whole run in about 20 s. */
function autoSpeed(endT: number): number {
  const want = endT / 20;
  const steps = [0.1, 0.5, 1, 5, 20, 100];
  return steps.reduce((best, s) => (Math.abs(Math.log(s / want)) < Math.abs(Math.log(best / want)) ? s : best), 1);
}

export function usePlayground() {
  const bridge = useMemo(() => new SimBridge(), []);
  const first = useMemo(() => readScenarioFromHash(location.hash), []);
  const [scenario, setScenario] = useState<Scenario>(first.scenario);
  const scenarioRef = useRef(scenario);
  scenarioRef.current = scenario;
  const [linkMessage, setLinkMessage] = useState<string | null>(first.message);
  // The hash of a link that failed: kept in the address bar (nothing the user pasted is lost).
  const [badHash, setBadHash] = useState<string | null>(first.message ? location.hash : null);
  // Other keys of the hash (the tour's step), written after the scenario's.
  const [hashExtra, setHashExtra] = useState('');
  const afterRunRef = useRef<((r: RunView) => void) | null>(null);
  const latestRun = useRef<RunView | null>(null);
  // Before the run effect below: an image that stops fitting is dropped before the next run.
  const img = useVolumeImage(bridge, scenario, setScenario);
  const imageRev = img.image?.rev ?? 0;
  // The run is kept with the scenario (and starting image) it belongs to: between a change
  // and the worker's answer the old run is never shown as the new scenario's.
  const [runOf, setRunOf] = useState<{ view: RunView; scenario: Scenario; imageRev: number } | null>(null);
  const run = runOf && runOf.scenario === scenario && runOf.imageRev === imageRev ? runOf.view : null;
  const [runError, setRunError] = useState<string | null>(null);
  const [frame, setFrame] = useState<FrameView | null>(null);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [compareRows, setCompareRows] = useState<ResultView[] | null>(null);
  const [comparing, setComparing] = useState(false);
  const written = useRef<string>('');
  // Compare runs every mode (seconds of work) in its own worker, so seeking stays live.
  const compareBridge = useRef<SimBridge | null>(null);

  useEffect(() => () => { bridge.terminate(); compareBridge.current?.terminate(); }, [bridge]);

  // The URL is the state: write the hash on every change (replaceState: no history spam).
  useEffect(() => {
    if (badHash !== null) return;
    const h = '#' + encodePermalink(scenario) + (hashExtra ? `&${hashExtra}` : '');
    written.current = h;
    if (location.hash !== h) history.replaceState(null, '', h);
  }, [scenario, badHash, hashExtra]);

  // A link pasted into this tab's address bar: read it like a fresh load.
  useEffect(() => {
    const onHash = () => {
      if (location.hash === written.current) return;
      const r = readScenarioFromHash(location.hash);
      setLinkMessage(r.message);
      setBadHash(r.message ? location.hash : null);
      setScenario(r.scenario);
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // Every scenario change reruns the sim in the worker; stale answers are dropped.
  useEffect(() => {
    let live = true;
    setRunError(null);
    setCompareRows(null);
    setPlaying(false);
    latestRun.current = null;
    bridge.api.open(scenario).then(
      (r) => {
        if (!live) return;
        setRunOf({ view: r, scenario, imageRev });
        latestRun.current = r;
        setSpeed(autoSpeed(r.endT));
        setTime((t) => Math.min(t, r.endT));
        // Whoever switched the scenario to seek in its run (the tour, a key moment) goes now.
        const then = afterRunRef.current;
        afterRunRef.current = null;
        then?.(r);
      },
      (e: unknown) => live && setRunError(e instanceof Error ? e.message : String(e)),
    );
    return () => { live = false; };
  }, [scenario, bridge, imageRev]);

  // The frame at the playhead (coalesced in the bridge while scrubbing).
  useEffect(() => {
    if (!run) return;
    let live = true;
    void bridge.frameAt(time).then((f) => { if (live && f) setFrame(f); });
    return () => { live = false; };
  }, [time, run, bridge]);

  // Playback: advance virtual time with the wall clock at `speed` ms per second.
  useEffect(() => {
    if (!playing || !run) return;
    let raf = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const dt = (now - last) / 1000;
      last = now;
      setTime((t) => {
        const next = Math.min(run.endT, t + dt * speed);
        if (next >= run.endT) setPlaying(false);
        return next;
      });
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, run, speed]);

  // Through a ref: a seek right after a new run arrived (afterRun) must see that run.
  const seek = useCallback((t: number) => {
    const r = latestRun.current;
    if (!r) return;
    setTime(Math.max(0, Math.min(r.endT, t)));
  }, []);

  const togglePlay = useCallback(() => {
    if (!run) return;
    if (!playing && time >= run.endT) setTime(0);
    setPlaying(!playing);
  }, [run, playing, time]);

  /** Step to the next (or previous) event time of the log. A functional update, so key
   * repeats faster than renders still each advance one event. */
  const step = useCallback((dir: 1 | -1) => {
    if (!run) return;
    setPlaying(false);
    setTime((time) => stepTime(run.events, time, dir));
  }, [run]);

  const change = useCallback((s: Scenario) => {
    try {
      setScenario(validateScenario(s));
      setLinkMessage(null);
      setBadHash(null);
    } catch (e) {
      setRunError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  /**
   * Calls `then` with the run of `target` (or of the current scenario) once it is computed:
   * switching to a preset and seeking in its run is one step for the tour and key moments.
   */
  const afterRun = useCallback((then: (r: RunView) => void, target?: Scenario) => {
    setPlaying(false);
    const switching = !!target && JSON.stringify(target) !== JSON.stringify(scenarioRef.current);
    if (!switching && run) { then(run); return; }
    afterRunRef.current = then;
    if (switching) change(structuredClone(target!));
  }, [run, change]);

  const comparingRef = useRef(false);
  // Reads the scenario through its ref: the tour calls this right after switching presets.
  const compare = useCallback(() => {
    if (comparingRef.current) return;
    comparingRef.current = true;
    setComparing(true);
    compareBridge.current ??= new SimBridge();
    const asked = scenarioRef.current;
    const cb = compareBridge.current;
    const done = () => { comparingRef.current = false; setComparing(false); };
    img.bytesForWorker().then((buf) => cb.api.compare(asked, buf && Comlink.transfer(buf, [buf]))).then(
      (rows) => { if (asked === scenarioRef.current) setCompareRows(rows); done(); },
      (e: unknown) => { setRunError(e instanceof Error ? e.message : String(e)); done(); },
    );
  }, [bridge, img.image]);

  /** Back to the default scenario, and its link in the address bar. */
  const resetLink = useCallback(() => {
    setLinkMessage(null);
    setBadHash(null);
    setScenario(START_SCENARIO);
  }, []);

  return {
    bridge, scenario, change, linkMessage, badHash, dismissLink: () => setLinkMessage(null), resetLink,
    run, runError, frame, time, seek, playing, togglePlay, step, speed, setSpeed,
    compareRows, comparing, compare, image: img, afterRun, setHashExtra,
  };
}

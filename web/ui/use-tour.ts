/**
 * The tour's state: which step is open (or none), kept in the hash as `tour=N` beside the
 * scenario (`#s=…&tour=3`), so a link can open at a step. Entering a step switches to its
 * preset, waits for that run, seeks the playhead to the step's moment and opens its tab.
 * A first visit (nothing in this browser's storage, no scenario in the link) opens it.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { hashParam, permalinkParam } from '../../src/scenario/permalink.ts';
import { presetByFile } from './presets.ts';
import { TOUR, tourStepFromParam, type TourCtx, type TourTab } from './tour.ts';
import type { usePlayground } from './use-playground.ts';
import type { RunView } from './view-model.ts';

/** localStorage key: set once the tour has been offered, so it opens by itself only once. */
export const TOUR_SEEN_KEY = 'splitstream.tour';

export function tourCtx(run: RunView, blocks: number): TourCtx {
  return {
    events: run.events, series: run.series, endT: run.endT, blocks,
    firstBadBlock: run.result.firstBadBlock, splitAckMs: run.result.splitAckMs,
    tapeGen: run.result.badGenerations?.tape ?? null,
  };
}

function seen(): boolean {
  try { return localStorage.getItem(TOUR_SEEN_KEY) !== null; } catch { return true; }
}
function markSeen(): void {
  try { localStorage.setItem(TOUR_SEEN_KEY, 'seen'); } catch { /* storage refused: it may open again */ }
}

/** The step a fresh page opens at: the link's `tour=N`, else the first on a first visit. */
function initialStep(): number | null {
  const fromLink = tourStepFromParam(hashParam(location.hash, 'tour'));
  if (fromLink !== null) return fromLink;
  return !seen() && permalinkParam(location.hash) === null ? 0 : null;
}

export function useTour(pg: ReturnType<typeof usePlayground>, setTab: (t: TourTab) => void) {
  const [step, setStep] = useState<number | null>(initialStep);
  /** The step whose moment is on screen (its seek done): only then are its targets right. */
  const [applied, setApplied] = useState<number | null>(null);
  /** The event the open step is about (its timeline row is lit), once applied. */
  const [focusRow, setFocusRow] = useState<number | null>(null);

  useEffect(() => {
    pg.setHashExtra(step === null ? '' : `tour=${step + 1}`);
    if (step === null) { setApplied(null); return; }
    markSeen();
    setApplied(null);
    const st = TOUR[step];
    const preset = presetByFile(st.preset);
    let live = true;
    pg.afterRun((run) => {
      if (!live) return;
      const m = st.moment(tourCtx(run, preset?.scenario.geometry.blocks ?? 0));
      pg.seek(m?.t ?? 0);
      setFocusRow(m?.row ?? null);
      if (st.tab) setTab(st.tab);
      if (st.compare) pg.compare();
      setApplied(step);
    }, preset?.scenario);
    return () => { live = false; };
  }, [step]);

  const open = useCallback((i = 0) => setStep(Math.max(0, Math.min(TOUR.length - 1, i))), []);
  const close = useCallback(() => setStep(null), []);
  const next = useCallback(() => setStep((s) => (s === null ? s : s + 1 < TOUR.length ? s + 1 : null)), []);
  const prev = useCallback(() => setStep((s) => (s === null ? s : Math.max(0, s - 1))), []);

  return { step, applied, focusRow: step !== null && applied === step ? focusRow : null, open, close, next, prev };
}
